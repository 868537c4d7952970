package org.sparkcnn.bench;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkcnn.config.ConfigChoice;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.RoundScheduling;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.Models;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The command line of {@link ThroughputBenchmark} (picocli): {@link #options()} checks the values
 * and gives the benchmark's {@link ThroughputBenchmark.Options}.
 */
@Command(name = "ThroughputBenchmark", sortOptions = false, sortSynopsis = false,
    description = "Training throughput (images/s) of networks of the model registry on random"
        + " data, in one process or with Spark parameter averaging; rows are appended to a CSV"
        + " file and printed as a Markdown table. Exit code 2 for bad arguments.")
final class ThroughputCommand {
  @Option(order = 1, names = "--mode", paramLabel = "single|spark",
      description = "one process, or Spark"
          + " local[workers] (unless spark.master is set) with parameter averaging (required)")
  String mode;

  /** The {@code --models} and {@code --model} values in the order given: [list or spec, value]. */
  private final List<String[]> modelArgs = new ArrayList<>();

  @Option(order = 2, names = "--models", paramLabel = "LIST",
      description = "registry specs separated by"
          + " ';' or by commas outside parentheses, e.g. \"lenet5,mobilenet-v1-cifar(alpha=0.5,"
          + " unit=rhs)\" (default: lenet5, lenet-caffe, tf-cifar10)")
  void modelList(String list) {
    modelArgs.add(new String[] {"--models", list});
  }

  @Option(order = 3, names = "--model", paramLabel = "SPEC", description = "one more registry spec;"
      + " may be repeated")
  void model(String spec) {
    modelArgs.add(new String[] {"--model", spec});
  }

  @Mixin
  CaseOptions network = new CaseOptions();

  @Option(order = 7, names = "--engines", paramLabel = "LIST",
      description = "convolution engines, separated by commas (default: ${DEFAULT-VALUE})")
  String engines = "native,dl4j";

  @Option(order = 8, names = "--iterations", paramLabel = "N",
      description = "least fits timed (spark: minibatches per worker, rounded up to whole"
          + " averaging rounds) (default: ${DEFAULT-VALUE})")
  String iterations = "100";

  @Option(order = 9, names = "--warmup", paramLabel = "N",
      description = "untimed fits first (default: ${DEFAULT-VALUE})")
  String warmup = "10";

  @Option(order = 10, names = "--min-seconds", paramLabel = "S",
      description = "least measured wall time of each measurement (default: ${DEFAULT-VALUE})")
  String minSeconds = "10";

  @Option(order = 11, names = "--workers", paramLabel = "N",
      description = "Spark workers (default: the number of processors)")
  String workers = Integer.toString(Runtime.getRuntime().availableProcessors());

  @Option(order = 12, names = "--averaging-frequency", paramLabel = "N",
      description = "minibatches per worker between averagings (default: ${DEFAULT-VALUE})")
  String averagingFrequency = "5";

  @Option(order = 13, names = "--master", paramLabel = "dl4j|resident",
      description = "Spark's training master: DL4J's (minibatches exported, a network built per"
          + " worker every round) or the project's resident one (train.master); ignored by"
          + " --mode single (default: ${DEFAULT-VALUE})")
  String master = TrainingMasterChoice.DL4J.configValue();

  @Option(order = 14, names = "--stats", paramLabel = "true|false",
      description = "print DL4J's breakdown of the last Spark fit (--master dl4j)"
          + " (default: ${DEFAULT-VALUE})")
  String stats = "false";

  @Option(order = 15, names = "--run-id", paramLabel = "ID",
      description = "the run column of every row (default: the UTC time, yyyyMMdd-HHmmss)")
  String runId = ZonedDateTime.now(ZoneOffset.UTC)
      .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));

  @Option(order = 16, names = "--output", paramLabel = "FILE",
      description = "CSV file the rows are appended to (default: ${DEFAULT-VALUE})")
  Path output = Path.of("runs", "throughput.csv");

  @Option(order = 17, names = "--processes", paramLabel = "N",
      description = "how many benchmark processes the caller runs at once on this machine,"
          + " recorded in the rows' processes column (default: ${DEFAULT-VALUE})")
  String processes = "1";

  @Option(order = 18, names = "--warmup-seconds", paramLabel = "S",
      description = "least seconds of warm-up: fits (Spark: warm-up fits) repeat until both"
          + " --warmup and this have passed (default: ${DEFAULT-VALUE})")
  String warmupSeconds = "0";

  @Option(order = 19, names = "--round-scheduling", paramLabel = "job|barrier",
      description = "how the resident master runs its rounds: one Spark job per round, or one"
          + " barrier-mode job per fit exchanging the state with the driver every round"
          + " (train.round-scheduling); used with --master resident (default: ${DEFAULT-VALUE})")
  String roundScheduling = RoundScheduling.JOB.configValue();

  @Option(order = 99, names = {"-h", "--help"}, usageHelp = true,
      description = "print this help and exit")
  boolean help;

  /**
   * The checked options.
   *
   * @throws IllegalArgumentException naming the option with a bad value; an unknown model lists
   *     the known ones
   */
  ThroughputBenchmark.Options options() {
    if (!"single".equals(mode) && !"spark".equals(mode)) {
      throw new IllegalArgumentException("--mode must be single or spark, got " + mode);
    }
    List<String> specs = new ArrayList<>();
    for (String[] given : modelArgs) {
      if (given[0].equals("--models")) {
        specs.addAll(splitSpecs(given[1]));
      } else {
        specs.add(given[1].trim());
      }
    }
    if (modelArgs.isEmpty()) {
      specs.addAll(ThroughputBenchmark.DEFAULT_MODELS);
    }
    if (specs.isEmpty()) {
      throw new IllegalArgumentException("--models names no model");
    }
    specs.forEach(Models::validate); // an unknown name lists the known ones
    List<ConvolutionEngine> engineList =
        Arrays.stream(engines.split(",")).map(ConvolutionEngine::parse).toList();
    return new ThroughputBenchmark.Options(mode, List.copyOf(specs), engineList,
        Numbers.positive("--iterations", iterations), Numbers.nonNegative("--warmup", warmup),
        Numbers.positive("--workers", workers),
        Numbers.positive("--averaging-frequency", averagingFrequency),
        choice(TrainingMasterChoice.values(), "--master", master), Boolean.parseBoolean(stats),
        output, network.input(), network.classes(), network.batch(),
        Numbers.seconds("--min-seconds", minSeconds), runId,
        Numbers.positive("--processes", processes),
        Numbers.seconds("--warmup-seconds", warmupSeconds), choice(RoundScheduling.values(),
            "--round-scheduling", roundScheduling));
  }

  private static <E extends ConfigChoice> E choice(E[] choices, String option, String value) {
    try {
      return ConfigChoice.parse(choices, option, value);
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * Splits a list of registry specs at {@code ;} and at commas outside parentheses: {@code
   * "lenet5,vgg16(batch-norm=true);mobilenet-v1-cifar(alpha=0.5, unit=rhs)"} gives three specs.
   *
   * @throws IllegalArgumentException for unbalanced parentheses or an empty item
   */
  static List<String> splitSpecs(String list) {
    List<String> specs = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char ch : list.toCharArray()) {
      if (ch == '(') {
        depth++;
      } else if (ch == ')' && --depth < 0) {
        throw new IllegalArgumentException("unbalanced ')' in the model list '" + list + "'");
      }
      if (ch == ';' || (ch == ',' && depth == 0)) {
        specs.add(item(current, list));
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unbalanced '(' in the model list '" + list + "'");
    }
    specs.add(item(current, list));
    return specs;
  }

  private static String item(StringBuilder current, String list) {
    String spec = current.toString().trim();
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("empty model name in the list '" + list + "'");
    }
    return spec;
  }
}
