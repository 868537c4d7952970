package org.sparkcnn.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.sparkcnn.backend.CudaDevices;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Training time of one job configuration under each placement of ND4J's backends ({@code
 * cluster.placement}: cpu, gpu, hybrid), as the 2020 placement paper's table: every run's
 * training seconds, their mean, images/s, test accuracy and the speedup over the CPU placement.
 *
 * <p>Usage: {@code PlacementBenchmark [--conf FILE]... [--set key=value]... [--placements
 * cpu,gpu,hybrid] [--repeats 1] [--out DIR] [--launcher "CMD WORDS"]} ({@code --help} describes
 * them).
 *
 * <p>For each placement and repeat it runs the training job as a child process, {@code <launcher>
 * --conf ... --set ... --set cluster.placement=P --set run.output-root=<out>/runs --set
 * run.id=P-<i> --set run.repeats=1}, with {@value #PLACEMENT_ENV}=P added to its environment (the
 * submit scripts set each JVM's backend variables from it), waits for it and reads the run's
 * {@code timing.csv} and {@code accuracy.csv}. The child's output goes to {@code
 * <out>/logs/P-<i>.log}.
 *
 * <p>A placement that needs CUDA is "not available: no CUDA device" without launching anything
 * when this machine shows none (no nvidia-smi, no {@code /dev/nvidia0}), and "not available"
 * when its job exits with {@link ExitCode#BACKEND} (its backend probe found the backend
 * missing); nothing is estimated. Any other failure of a child stops the benchmark, naming the
 * run and its exit code; the placements measured so far stay in the files. Writes {@value #CSV}
 * and {@value #MARKDOWN} in {@code --out} after every placement.
 */
public final class PlacementBenchmark {
  /** The variable that tells the launcher which placement's backend environment to set. */
  public static final String PLACEMENT_ENV = "SPARK_CNN_PLACEMENT";
  static final String CSV = "placement.csv";
  static final String MARKDOWN = "placement.md";
  static final String RUNS = "runs";
  static final String LOGS = "logs";
  static final String NO_CUDA_DEVICE = "no CUDA device";
  static final String MEASURED = "measured";
  static final String NOT_AVAILABLE = "not available: ";
  /** The training job, relative to the project home. */
  static final String DEFAULT_LAUNCHER = "submit/local.sh";
  private PlacementBenchmark() {}

  /** Parsed command line. */
  record Options(List<String> confFiles, List<String> sets, List<String> placements, int repeats,
      Path out, List<String> launcher) {
    Options {
      if (placements.isEmpty()) {
        throw new IllegalArgumentException("--placements is empty");
      }
      for (String p : placements) {
        if (!JobConfig.ClusterConfig.PLACEMENTS.contains(p)) {
          throw new IllegalArgumentException("unknown placement '" + p + "'; known: "
              + JobConfig.ClusterConfig.PLACEMENTS);
        }
      }
      if (repeats < 1) {
        throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);
      }
      if (launcher.isEmpty()) {
        throw new IllegalArgumentException("--launcher is empty");
      }
      confFiles = List.copyOf(confFiles);
      sets = List.copyOf(sets);
      placements = List.copyOf(placements);
      launcher = List.copyOf(launcher);
    }
  }

  /** One measured run: training seconds, training images/s, top-1 test accuracy. */
  record Run(double trainSeconds, double imagesPerSecond, double top1Accuracy) {}

  /** A placement's runs, or why it is not available. */
  record Row(String placement, List<Run> runs, String notAvailable) {
    static Row measured(String placement, List<Run> runs) {
      return new Row(placement, List.copyOf(runs), null);
    }

    static Row unavailable(String placement, String why) {
      return new Row(placement, List.of(), why);
    }

    double meanSeconds() {
      return runs.stream().mapToDouble(Run::trainSeconds).average().orElse(Double.NaN);
    }
  }

  /** A child run failed for a reason other than its backend. */
  static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Options options = Cli.parseOrExit(args, a -> parse(a, System.getenv("SPARK_CNN_HOME")),
        new Command());
    if (options == null) {
      return;
    }
    try {
      System.out.print(run(options, cudaVisible()).toMarkdown());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(ExitCode.USAGE.code());
    } catch (RunFailedException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(ExitCode.FAILURE.code());
    }
  }

  /**
   * The options {@code args} give, or null when they ask for help.
   *
   * @param projectHome where the default launcher is ({@code SPARK_CNN_HOME}; null or blank: the
   *     current directory)
   * @throws IllegalArgumentException naming the option that is unknown or has a bad value
   */
  static Options parse(String[] args, String projectHome) {
    Command command = new Command();
    return Cli.parse(command, args) ? command.options(projectHome) : null;
  }

  /** The command line (picocli); {@link #options(String)} checks it. */
  @CommandLine.Command(name = "PlacementBenchmark", sortOptions = false, sortSynopsis = false,
      description = "Training time of one job configuration under each placement of ND4J's"
          + " backends (cluster.placement), each run launched as a child training job."
          + " Exit code 2 for bad arguments, 1 when a run fails other than for its backend.")
  static final class Command {
    @Option(names = "--conf", paramLabel = "FILE",
        description = "the training configuration, passed to every run; may be repeated")
    List<String> confFiles = new ArrayList<>();

    @Option(names = "--set", paramLabel = "key=value",
        description = "a training override, passed to every run; may be repeated")
    List<String> sets = new ArrayList<>();

    @Option(names = "--placements", paramLabel = "LIST",
        description = "cluster.placement values to compare (default: ${DEFAULT-VALUE})")
    String placements = String.join(",", JobConfig.ClusterConfig.PLACEMENTS);

    @Option(names = "--repeats", paramLabel = "N",
        description = "runs per placement (default: ${DEFAULT-VALUE})")
    int repeats = 1;

    @Option(names = "--out", paramLabel = "DIR", description = "where runs/, logs/,"
        + " placement.csv and placement.md go (default: runs/placement-<UTC time>)")
    Path out;

    @Option(names = "--launcher", paramLabel = "\"CMD WORDS\"", description = "the command"
        + " that runs one training job, words separated by spaces (default:"
        + " $SPARK_CNN_HOME/submit/local.sh, else ./submit/local.sh)")
    String launcher;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    Options options(String projectHome) {
      Path outDir = out != null ? out : Path.of("runs", "placement-" + ZonedDateTime.now(
          ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
      List<String> launcherWords;
      if (launcher != null) {
        launcherWords = Arrays.stream(launcher.trim().split("\\s+"))
            .filter(w -> !w.isEmpty()).toList();
      } else {
        Path home = projectHome == null || projectHome.isBlank() ? Path.of("")
            : Path.of(projectHome);
        launcherWords = List.of(home.resolve(DEFAULT_LAUNCHER).toString());
      }
      return new Options(confFiles, sets, Arrays.stream(placements.split(","))
          .map(String::trim).filter(p -> !p.isEmpty()).toList(), repeats, outDir, launcherWords);
    }
  }

  /** Whether this machine shows a CUDA device at all: nvidia-smi runs or /dev/nvidia0 exists. */
  static boolean cudaVisible() {
    return !CudaDevices.query(CudaDevices.NVIDIA_SMI).status().equals(CudaDevices.Query.NOT_FOUND)
        || CudaDevices.deviceFilePresent();
  }

  /**
   * Runs every placement and repeat, writing the tables after each placement; returns the table.
   *
   * @param cudaVisible whether to launch placements that need CUDA ({@link #cudaVisible()})
   * @throws RunFailedException when a child fails other than for its backend
   */
  static Table run(Options o, boolean cudaVisible) throws IOException, InterruptedException {
    if (Files.isDirectory(o.out().resolve(RUNS))) {
      throw new IllegalArgumentException(o.out().resolve(RUNS) + " exists already; choose"
          + " another --out");
    }
    Files.createDirectories(o.out().resolve(LOGS));
    List<Row> rows = new ArrayList<>();
    for (String placement : o.placements()) {
      if (new JobConfig.ClusterConfig(placement, false).executorsOnGpu() && !cudaVisible) {
        rows.add(Row.unavailable(placement, NO_CUDA_DEVICE));
        System.out.println(placement + ": " + NOT_AVAILABLE + NO_CUDA_DEVICE
            + " (no nvidia-smi, no /dev/nvidia0 here)");
      } else {
        rows.add(measure(o, placement));
      }
      write(o, rows);
    }
    return table(rows, o.repeats());
  }

  /** The runs of one placement, or the placement not available. */
  static Row measure(Options o, String placement) throws IOException, InterruptedException {
    List<Run> runs = new ArrayList<>();
    for (int i = 1; i <= o.repeats(); i++) {
      String runId = placement + "-" + i;
      Path log = o.out().resolve(LOGS).resolve(runId + ".log");
      ProcessBuilder child = new ProcessBuilder(command(o, placement, runId))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      child.environment().put(PLACEMENT_ENV, placement);
      System.out.println(runId + ": running, log " + log);
      int exit = child.start().waitFor();
      if (exit == ExitCode.BACKEND.code()) {
        String why = whyNotAvailable(Files.readString(log), log);
        System.out.println(placement + ": " + NOT_AVAILABLE + why);
        return Row.unavailable(placement, why);
      }
      if (exit != 0) {
        throw new RunFailedException("run " + runId + " failed with exit code " + exit
            + exitMeaning(exit) + "; log: " + log + errorLine(Files.readString(log)));
      }
      Run run = read(o.out().resolve(RUNS).resolve(runId));
      System.out.printf(Locale.ROOT, "%s: %.1f s training, %.1f images/s, top-1 %.4f%n", runId,
          run.trainSeconds(), run.imagesPerSecond(), run.top1Accuracy());
      runs.add(run);
    }
    return Row.measured(placement, runs);
  }

  /** The child's command line. */
  static List<String> command(Options o, String placement, String runId) {
    List<String> command = new ArrayList<>(o.launcher());
    o.confFiles().forEach(f -> command.addAll(List.of("--conf", f)));
    o.sets().forEach(s -> command.addAll(List.of("--set", s)));
    command.addAll(List.of("--set", "cluster.placement=" + placement,
        "--set", "run.output-root=" + o.out().resolve(RUNS).toAbsolutePath(),
        "--set", "run.id=" + runId,
        "--set", "run.repeats=1"));
    return command;
  }

  /** The short reason in a BACKEND exit's log. */
  static String whyNotAvailable(String log, Path logFile) {
    if (log.contains(NO_CUDA_DEVICE)) {
      return NO_CUDA_DEVICE;
    }
    if (log.contains("has no kernels for")) {
      return "GPU without " + CudaDevices.CUDA_BUILD + " kernels (" + logFile.getFileName() + ")";
    }
    return "backend not available (" + logFile.getFileName() + ")";
  }

  private static String exitMeaning(int exit) {
    return Arrays.stream(ExitCode.values()).filter(c -> c.code() == exit).findFirst()
        .map(c -> " (" + c.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")").orElse("");
  }

  /** The job's own {@code error:} line from its output, if it printed one. */
  private static String errorLine(String log) {
    return log.lines().filter(l -> l.startsWith("error: ")).findFirst()
        .map(l -> "\n" + l).orElse("");
  }

  /** The measures of a finished run from its {@code timing.csv} and {@code accuracy.csv}. */
  static Run read(Path runDirectory) throws IOException {
    Path timing = runDirectory.resolve(RunLayout.TIMING);
    Path accuracy = runDirectory.resolve(RunLayout.ACCURACY);
    return new Run(Double.parseDouble(cell(timing, RunLayout.TRAIN_SECONDS)),
        Double.parseDouble(cell(timing, RunLayout.EXAMPLES_PER_SEC)),
        Double.parseDouble(cell(accuracy, RunLayout.TOP1_ACCURACY)));
  }

  /** The first data row's value in column {@code column} of the CSV file {@code csv}. */
  static String cell(Path csv, String column) throws IOException {
    Table table = Table.read(csv);
    if (table.rows().isEmpty()) {
      throw new IOException(csv + " has no data row");
    }
    if (!table.columns().contains(column)) {
      throw new IOException(csv + " has no column " + column);
    }
    return table.cell(0, column);
  }

  /**
   * The table: placement, status, each run's training seconds, their mean, mean images/s, mean
   * top-1 accuracy and the speedup over the cpu placement (its mean seconds over the row's;
   * empty without a measured cpu row).
   */
  static Table table(List<Row> rows, int repeats) {
    List<String> columns = new ArrayList<>(List.of("placement", "status"));
    for (int i = 1; i <= repeats; i++) {
      columns.add("run_" + i + "_seconds");
    }
    columns.addAll(List.of("mean_seconds", "images_per_sec", "top1_accuracy", "speedup_vs_cpu"));
    double cpuSeconds = rows.stream()
        .filter(r -> r.placement().equals("cpu") && r.notAvailable() == null)
        .mapToDouble(Row::meanSeconds).findFirst().orElse(Double.NaN);
    Table table = new Table(columns);
    for (Row row : rows) {
      List<String> cells = new ArrayList<>(List.of(row.placement(),
          row.notAvailable() == null ? MEASURED : NOT_AVAILABLE + row.notAvailable()));
      for (int i = 0; i < repeats; i++) {
        cells.add(i < row.runs().size() ? fixed(row.runs().get(i).trainSeconds(), 1) : "");
      }
      if (row.notAvailable() != null) {
        cells.addAll(List.of("", "", "", ""));
      } else {
        cells.add(fixed(row.meanSeconds(), 1));
        cells.add(fixed(row.runs().stream().mapToDouble(Run::imagesPerSecond).average()
            .orElseThrow(), 1));
        cells.add(fixed(row.runs().stream().mapToDouble(Run::top1Accuracy).average()
            .orElseThrow(), 4));
        cells.add(Double.isNaN(cpuSeconds) ? "" : fixed(cpuSeconds / row.meanSeconds(), 2));
      }
      table.add(cells);
    }
    return table;
  }

  private static void write(Options o, List<Row> rows) {
    Table table = table(rows, o.repeats());
    try {
      Files.writeString(o.out().resolve(CSV), table.toCsv());
      Files.writeString(o.out().resolve(MARKDOWN), "# Training time by placement\n\n"
          + "Configuration: " + describe(o) + "; " + o.repeats() + " run(s) per placement,"
          + " each launched as `" + launcherSummary(o.launcher()) + "`.\n\n"
          + table.toMarkdown()
          + "\nSeconds: each run's `train_seconds` (timing.csv: training wall time, without"
          + " loading the data and evaluating); images/s: the mean `examples_per_sec`;"
          + " accuracy: the mean top-1 test accuracy (accuracy.csv); speedup: the cpu"
          + " placement's mean seconds over the row's. Each run's outputs, with every JVM's"
          + " backend in environment.json: runs/<placement>-<i>/; its output: logs/.\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the tables in " + o.out(), e);
    }
  }

  /** The launcher's first and last words, e.g. {@code java ... org.sparkcnn.train.TrainJob}. */
  static String launcherSummary(List<String> launcher) {
    return launcher.size() <= 2 ? String.join(" ", launcher)
        : launcher.get(0) + " ... " + launcher.get(launcher.size() - 1);
  }

  private static String describe(Options o) {
    List<String> parts = new ArrayList<>();
    o.confFiles().forEach(f -> parts.add("--conf " + f));
    o.sets().forEach(s -> parts.add("--set " + s));
    return parts.isEmpty() ? "the defaults" : "`" + String.join(" ", parts) + "`";
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
