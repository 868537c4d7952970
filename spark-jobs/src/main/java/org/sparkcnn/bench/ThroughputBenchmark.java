package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.SparkSetup;

/**
 * Training throughput (images/s) of the project's networks on random data, in one process or with
 * Spark parameter averaging, appended as rows to a CSV file and printed as a Markdown table.
 *
 * <pre>
 * ThroughputBenchmark --mode single|spark [--models lenet5,lenet-caffe,tf-cifar10]
 *     [--engines native,dl4j] [--iterations 100] [--warmup 10] [--workers N]
 *     [--averaging-frequency 5] [--stats false] [--output FILE]
 * </pre>
 *
 * <p>{@code single}: {@code MultiLayerNetwork.fit} on one minibatch, timed over at least {@code
 * iterations} fits and 10 seconds, after {@code warmup} fits. {@code spark}: {@code
 * SparkDl4jMultiLayer.fit} with {@code workers} workers (Spark local[workers] unless spark.master
 * is set), each fitting {@code iterations} minibatches of the same size, averaging every {@code
 * averaging-frequency}, after a warm-up fit; the time includes Spark's scheduling, export and
 * averaging ({@code --stats true} prints DL4J's breakdown of it). Threads per worker:
 * OMP_NUM_THREADS. Run by {@code submit/benchmark.sh}, which
 * covers both modes.
 */
public final class ThroughputBenchmark {
  /** Input shape and minibatch of a benchmarked model. */
  record Case(ImageShape shape, int batch) {}

  /** The benchmarked models, with the PyTorch peers' sizes. */
  static final Map<String, Case> CASES = Map.of(
      "lenet5", new Case(new ImageShape(1, 28, 28), 64),
      "lenet-caffe", new Case(new ImageShape(1, 28, 28), 64),
      "tf-cifar10", new Case(new ImageShape(3, 24, 24), 128));
  static final int CLASSES = 10;
  static final long MIN_SINGLE_NANOS = 10_000_000_000L;
  static final List<String> COLUMNS = List.of("date", "cpu", "nd4j", "model", "parameters",
      "convolution", "mode", "workers", "threads_per_worker", "batch", "averaging_frequency",
      "iterations", "images_per_sec");

  private ThroughputBenchmark() {}

  record Options(String mode, List<String> models, List<ConvolutionEngine> engines,
      int iterations, int warmup, int workers, int averagingFrequency, boolean stats,
      Path output) {}

  public static void main(String[] args) throws IOException {
    Options o = parse(args); // touches no ND4J class, so the build can still be selected
    String nd4j = NativeBackend.selectAndLog("benchmark");
    List<List<String>> rows = new ArrayList<>();
    JavaSparkContext sc = null;
    if (o.mode().equals("spark")) {
      SparkConf conf = new SparkConf().setIfMissing("spark.master", "local[" + o.workers() + "]");
      sc = new JavaSparkContext(SparkSetup.configure(conf, "spark-cnn throughput benchmark"));
    }
    try {
      for (String model : o.models()) {
        for (ConvolutionEngine engine : o.engines()) {
          MultiLayerNetwork net = network(model, engine);
          int batch = CASES.get(model).batch();
          double imagesPerSec = sc == null ? single(net, model, o) : spark(sc, net, model, o);
          List<String> row = List.of(LocalDate.now(ZoneOffset.UTC).toString(), cpuModel(), nd4j,
              model, Long.toString(net.numParams()), engine.configName(),
              sc == null ? "single" : sc.master(), Integer.toString(sc == null ? 1 : o.workers()),
              System.getenv().getOrDefault("OMP_NUM_THREADS", "default"),
              Integer.toString(batch),
              sc == null ? "" : Integer.toString(o.averagingFrequency()),
              Integer.toString(o.iterations()),
              String.format(Locale.ROOT, "%.1f", imagesPerSec));
          System.out.println("RESULT " + String.join(" | ", row));
          rows.add(row);
        }
      }
    } finally {
      if (sc != null) {
        sc.stop();
      }
    }
    Table table = new Table(COLUMNS);
    rows.forEach(table::add);
    append(o.output(), table);
    System.out.println(table.toMarkdown());
  }

  static Options parse(String[] args) {
    String mode = null;
    List<String> models = List.of("lenet5", "lenet-caffe", "tf-cifar10");
    List<ConvolutionEngine> engines = List.of(ConvolutionEngine.NATIVE, ConvolutionEngine.DL4J);
    int iterations = 100;
    int averagingFrequency = 5;
    boolean stats = false;
    int warmup = 10;
    int workers = Runtime.getRuntime().availableProcessors();
    Path output = Path.of("runs", "throughput.csv");
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--mode" -> mode = v;
        case "--models" -> models = Arrays.asList(v.split(","));
        case "--engines" -> engines =
            Arrays.stream(v.split(",")).map(ConvolutionEngine::parse).toList();
        case "--iterations" -> iterations = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--workers" -> workers = Integer.parseInt(v);
        case "--averaging-frequency" -> averagingFrequency = Integer.parseInt(v);
        case "--stats" -> stats = Boolean.parseBoolean(v);
        case "--output" -> output = Path.of(v);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (!"single".equals(mode) && !"spark".equals(mode)) {
      throw new IllegalArgumentException("--mode must be single or spark, got " + mode);
    }
    for (String m : models) {
      if (!CASES.containsKey(m)) {
        throw new IllegalArgumentException("unknown model " + m + "; known: " + CASES.keySet());
      }
    }
    return new Options(mode, models, engines, iterations, warmup, workers, averagingFrequency,
        stats, output);
  }

  static MultiLayerNetwork network(String model, ConvolutionEngine engine) {
    NetworkOptions options = new NetworkOptions(CASES.get(model).shape(), CLASSES,
        "relu", WeightInit.RELU, 5e-4,
        new Nesterovs(0.01, 0.9), 1L, engine);
    return Models.builder(model, options).init();
  }

  /** A minibatch of uniform random images with cycling one-hot labels. */
  static DataSet randomBatch(String model, long seed) {
    ImageShape s = CASES.get(model).shape();
    int batch = CASES.get(model).batch();
    Nd4j.getRandom().setSeed(seed);
    INDArray features = Nd4j.rand(DataType.FLOAT, batch, s.channels(), s.height(), s.width());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, CLASSES);
    for (int i = 0; i < batch; i++) {
      labels.putScalar(i, i % CLASSES, 1.0);
    }
    return new DataSet(features, labels);
  }

  /** Fits after the warm-up until both {@code iterations} fits and 10 seconds have passed. */
  static double single(MultiLayerNetwork net, String model, Options o) {
    DataSet batch = randomBatch(model, 1);
    for (int i = 0; i < o.warmup(); i++) {
      net.fit(batch);
    }
    long t0 = System.nanoTime();
    long fits = 0;
    while (fits < o.iterations() || System.nanoTime() - t0 < MIN_SINGLE_NANOS) {
      net.fit(batch);
      fits++;
    }
    return fits * (double) batch.numExamples() / ((System.nanoTime() - t0) / 1e9);
  }

  static double spark(JavaSparkContext sc, MultiLayerNetwork net, String model, Options o)
      throws IOException {
    int batch = CASES.get(model).batch();
    Path export = Files.createTempDirectory("spark-cnn-bench-export");
    ParameterAveragingTrainingMaster master =
        new ParameterAveragingTrainingMaster.Builder(o.workers(), batch)
            .batchSizePerWorker(batch)
            .averagingFrequency(o.averagingFrequency())
            .workerPrefetchNumBatches(2)
            .rddTrainingApproach(RDDTrainingApproach.Export)
            .exportDirectory(export.toUri().toString())
            .rngSeed(1L)
            .build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
    try {
      sparkNet.fit(batches(sc, model,
          o.workers() * Math.max(o.warmup(), o.averagingFrequency()), o.workers()));
      int count = o.workers() * o.iterations();
      JavaRDD<DataSet> data = batches(sc, model, count, o.workers());
      long t0 = System.nanoTime();
      sparkNet.setCollectTrainingStats(o.stats());
      sparkNet.fit(data);
      double imagesPerSec = count * (double) batch / ((System.nanoTime() - t0) / 1e9);
      if (o.stats()) {
        System.out.println(sparkNet.getSparkTrainingStats().statsAsString());
      }
      return imagesPerSec;
    } finally {
      master.deleteTempFiles(sc);
    }
  }

  private static JavaRDD<DataSet> batches(JavaSparkContext sc, String model, int count,
      int partitions) {
    List<Integer> seeds = IntStream.range(0, count).boxed().toList();
    return sc.parallelize(seeds, partitions).map(seed -> randomBatch(model, seed));
  }

  /** The CPU model from /proc/cpuinfo, with the number of cores. */
  static String cpuModel() {
    return NativeBackend.cpuInfo("model name").orElse("unknown CPU") + " x"
        + Runtime.getRuntime().availableProcessors();
  }

  /** Appends {@code table}'s rows to {@code csv}, with the header only if the file is new. */
  static void append(Path csv, Table table) throws IOException {
    if (csv.getParent() != null) {
      Files.createDirectories(csv.getParent());
    }
    String text = table.toCsv();
    if (Files.exists(csv)) {
      text = text.substring(text.indexOf('\n') + 1); // header already there
    }
    Files.writeString(csv, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
