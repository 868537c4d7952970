package org.sparkcnn.bench;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.RoundScheduling;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.ModelBuilder;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkBuilder;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.models.ParameterCounts;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.SparkSetup;

/**
 * Training throughput (images/s) of any network of the {@link Models} registry on random data, in
 * one process or with Spark parameter averaging, appended as rows to a CSV file and printed as a
 * Markdown table.
 *
 * <p>Usage:
 * <pre>
 * ThroughputBenchmark --mode single|spark
 *     [--models "lenet5,resnet20,mobilenet-v1-cifar(alpha=0.5, unit=rhs)"]
 *     [--model SPEC ...] [--input CxHxW] [--classes 10] [--batch N] [--engines native,dl4j]
 *     [--iterations 100] [--warmup 10] [--min-seconds 10] [--workers N] [--averaging-frequency 5]
 *     [--master dl4j|resident] [--stats false] [--run-id ID] [--output runs/throughput.csv]
 *     [--processes 1] [--warmup-seconds 0]
 * </pre>
 *
 * <p>{@code --models} is a list of registry specs separated by {@code ;} or by commas outside
 * parentheses (the commas inside a spec's parameters stay with it); {@code --model} adds one spec
 * and may be repeated. Default: lenet5, lenet-caffe, tf-cifar10. Each network gets its {@link
 * Models#naturalInput natural input} unless {@code --input} sets one for all, {@code --classes}
 * classes (default 10) and a minibatch of {@code --batch} images (default 64 for lenet5 and
 * lenet-caffe and 128 for tf-cifar10, the sizes of the earlier rows, 32 for every other network).
 *
 * <p>{@code single}: {@code fit} on one minibatch, timed over at least {@code iterations} fits and
 * {@code min-seconds}, after {@code warmup} fits and at least {@code warmup-seconds} (default
 * 0). {@code spark} ({@link SparkThroughput}): {@code SparkDl4jMultiLayer} (or {@code
 * SparkComputationGraph} for graphs) with {@code workers} workers (Spark local[workers] unless
 * spark.master is set), averaging every {@code averaging-frequency} by the training master {@code
 * --master} names: {@code dl4j} (DL4J's, the default) or {@code resident} (the project's, {@code
 * train.master = resident}); after a warm-up fit (repeated until {@code warmup-seconds} have
 * passed), fits of {@code iterations} minibatches per worker (rounded up to whole rounds) are
 * repeated until {@code min-seconds} have passed; the time includes Spark's scheduling, DL4J's
 * export and the averaging ({@code --stats true} prints DL4J's breakdown of its master's last
 * fit; the resident master's rows and console carry its {@link RoundFigures}). Threads per
 * worker: OMP_NUM_THREADS. Every row carries {@code run} ({@code --run-id}, default the UTC
 * time), which {@link SideBySide} and {@link Speedup} use to pick one invocation's rows. Run by
 * {@code submit/benchmark.sh}.
 *
 * <p>Exit code 2 for bad arguments (an unknown model lists the known ones).
 */
public final class ThroughputBenchmark {
  /**
   * One benchmarked network: registry spec, input shape, classes, minibatch (serialisable: the
   * Spark mode makes the minibatches on the executors).
   */
  record Case(String model, ImageShape shape, int classes, int batch) implements Serializable {}

  /** Minibatches of the networks benchmarked before the whole zoo, kept so rows compare. */
  static final Map<String, Integer> EARLIER_BATCH =
      Map.of("lenet5", 64, "lenet-caffe", 64, "tf-cifar10", 128);
  /** Minibatch of every other network: the PyTorch peers' and the issue's. */
  static final int DEFAULT_BATCH = 32;
  static final int DEFAULT_CLASSES = 10;
  static final double DEFAULT_MIN_SECONDS = 10;
  static final List<String> DEFAULT_MODELS = List.of("lenet5", "lenet-caffe", "tf-cifar10");
  /**
   * The columns of the earlier rows first, then the ones added with the zoo, then the training
   * master (empty for the single process), the resident master's {@link RoundFigures} and how
   * many benchmark processes ran at once ({@code --processes}; empty in earlier rows: one), and
   * how the resident master ran its rounds ({@code --round-scheduling}; empty for the other rows,
   * "job" in earlier resident rows).
   */
  static final List<String> COLUMNS = Stream.concat(Stream.of("date", "cpu", "nd4j", "model",
      "parameters", "convolution", "mode", "workers", "threads_per_worker", "batch",
      "averaging_frequency", "iterations", "images_per_sec", "trainable_parameters", "input",
      "classes", "seconds", "run", "master"), Stream.concat(RoundFigures.COLUMNS.stream(),
          Stream.of("processes", "round_scheduling"))).toList();

  private ThroughputBenchmark() {}

  /**
   * Parsed command line.
   *
   * @param input input shape for every model; null: each model's natural input
   * @param batch minibatch for every model; 0: the per-model default
   * @param minSeconds least measured wall time of each measurement
   * @param processes how many benchmark processes the caller runs at once on the machine (the
   *     {@code processes} column; {@link Speedup}'s side-by-side reference)
   * @param warmupSeconds least wall time of the warm-up, seconds (for the JIT compiler: it takes
   *     a tenth of a Spark JVM's CPU time in its first minute, docs/performance.md)
   * @param roundScheduling how the resident master runs its rounds (the {@code
   *     round_scheduling} column of its rows)
   */
  record Options(String mode, List<String> models, List<ConvolutionEngine> engines,
      int iterations, int warmup, int workers, int averagingFrequency,
      TrainingMasterChoice master, boolean stats,
      Path output, ImageShape input, int classes, int batch, double minSeconds, String runId,
      int processes, double warmupSeconds, RoundScheduling roundScheduling) {}

  public static void main(String[] args) throws IOException {
    // touches no ND4J class, so the build can still be selected
    Options o = Cli.parseOrExit(args, ThroughputBenchmark::parse, new ThroughputCommand());
    if (o == null) {
      return;
    }
    String nd4j = NativeBackend.selectAndLog("benchmark");
    JavaSparkContext sc = null;
    if (o.mode().equals("spark")) {
      SparkConf conf = new SparkConf().setIfMissing("spark.master", "local[" + o.workers() + "]");
      sc = new JavaSparkContext(SparkSetup.configure(conf, "spark-cnn throughput benchmark"));
    }
    Table table = new Table(COLUMNS);
    try {
      for (Case c : cases(o)) {
        for (ConvolutionEngine engine : o.engines()) {
          List<String> row = measure(sc, c, engine, o, nd4j);
          System.out.println("RESULT " + String.join(" | ", row));
          table.add(row);
          // appended at once: a later failure keeps this row
          ResultsFile.append(o.output(), new Table(COLUMNS).add(row));
        }
      }
    } finally {
      if (sc != null) {
        sc.stop();
      }
    }
    System.out.println(table.toMarkdown());
  }

  /**
   * Builds and trains one network, returning its CSV row.
   *
   * @param sc null for the single-process mode
   */
  static List<String> measure(JavaSparkContext sc, Case c, ConvolutionEngine engine, Options o,
      String nd4j) throws IOException {
    NeuralNetwork net = network(c, engine);
    long t0 = System.nanoTime();
    SparkThroughput.Result result = sc == null ? new SparkThroughput.Result(single(net, c, o), null)
        : SparkThroughput.measure(sc, net, c, o);
    long seconds = Math.round((System.nanoTime() - t0) / 1e9);
    List<String> row = new ArrayList<>(List.of(LocalDate.now(ZoneOffset.UTC).toString(),
        cpuModel(), nd4j,
        c.model(), Long.toString(totalParams(net)), engine.configName(),
        sc == null ? "single" : sc.master(), Integer.toString(sc == null ? 1 : o.workers()),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "default"),
        Integer.toString(c.batch()),
        sc == null ? "" : Integer.toString(o.averagingFrequency()),
        Integer.toString(o.iterations()),
        String.format(Locale.ROOT, "%.1f", result.imagesPerSec()),
        Long.toString(trainableParams(net)), CaseOptions.shapeText(c.shape()),
        Integer.toString(c.classes()), Long.toString(seconds), o.runId(),
        sc == null ? "" : o.master().configValue()));
    row.addAll(result.rounds() == null ? RoundFigures.noCells() : result.rounds().cells());
    row.add(Integer.toString(o.processes()));
    row.add(sc != null && o.master() == TrainingMasterChoice.RESIDENT
        ? o.roundScheduling().configValue() : "");
    return row;
  }

  /**
   * The options {@code args} give, or null when they ask for help.
   *
   * @throws IllegalArgumentException naming the option that is unknown or has a bad value
   */
  static Options parse(String[] args) {
    ThroughputCommand command = new ThroughputCommand();
    return Cli.parse(command, args) ? command.options() : null;
  }

  /** The benchmark case of each model of {@code o}: input, classes and minibatch. */
  static List<Case> cases(Options o) {
    return o.models().stream().map(m -> new Case(m,
        o.input() != null ? o.input() : Models.naturalInput(m), o.classes(),
        o.batch() > 0 ? o.batch() : EARLIER_BATCH.getOrDefault(m, DEFAULT_BATCH))).toList();
  }

  /**
   * The network of {@code c} with the benchmark's settings (ReLU, He init, L2 5e-4, SGD with
   * Nesterov momentum 0.9 at 0.01, seed 1): a {@link MultiLayerNetwork} or, for the ResNets, a
   * {@link ComputationGraph}.
   */
  static NeuralNetwork network(Case c, ConvolutionEngine engine) {
    NetworkOptions options = new NetworkOptions(c.shape(), c.classes(), "relu", WeightInit.RELU,
        5e-4, new Nesterovs(0.01, 0.9), 1L, engine);
    ModelBuilder builder = Models.create(c.model(), options);
    if (builder instanceof GraphBuilder graph) {
      return graph.init();
    }
    return ((NetworkBuilder) builder).init();
  }

  /** Every parameter, BN's running statistics included (DL4J's {@code numParams()}). */
  static long totalParams(NeuralNetwork net) {
    return net instanceof ComputationGraph g ? g.numParams()
        : ((MultiLayerNetwork) net).numParams();
  }

  /** The parameters gradient descent updates (see {@link ParameterCounts}). */
  static long trainableParams(NeuralNetwork net) {
    return net instanceof ComputationGraph g
        ? ParameterCounts.trainableParams(g.getConfiguration())
        : ParameterCounts.trainableParams(((MultiLayerNetwork) net).getLayerWiseConfigurations());
  }

  /** A minibatch of uniform random images with cycling one-hot labels. */
  static DataSet randomBatch(Case c, long seed) {
    ImageShape s = c.shape();
    Nd4j.getRandom().setSeed(seed);
    INDArray features = Nd4j.rand(DataType.FLOAT, c.batch(), s.channels(), s.height(), s.width());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, c.batch(), c.classes());
    for (int i = 0; i < c.batch(); i++) {
      labels.putScalar(i, i % c.classes(), 1.0);
    }
    return new DataSet(features, labels);
  }

  /** Fits after the warm-up until both {@code iterations} fits and min-seconds have passed. */
  static double single(NeuralNetwork net, Case c, Options o) {
    DataSet batch = randomBatch(c, 1);
    long warmUpStart = System.nanoTime();
    for (int i = 0; i < o.warmup()
        || System.nanoTime() - warmUpStart < o.warmupSeconds() * 1e9; i++) {
      net.fit(batch);
    }
    long minNanos = (long) (o.minSeconds() * 1e9);
    long t0 = System.nanoTime();
    long fits = 0;
    while (fits < o.iterations() || System.nanoTime() - t0 < minNanos) {
      net.fit(batch);
      fits++;
    }
    return fits * (double) batch.numExamples() / ((System.nanoTime() - t0) / 1e9);
  }

  /** The CPU model from /proc/cpuinfo, with the number of cores. */
  static String cpuModel() {
    return NativeBackend.cpuInfo("model name").orElse("unknown CPU") + " x"
        + Runtime.getRuntime().availableProcessors();
  }
}
