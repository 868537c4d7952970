package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.report.Table;
import org.sparkcnn.ml.CnnClassificationModel;
import org.sparkcnn.predict.ScoringPayload;
import org.sparkcnn.train.SparkSetup;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Scoring throughput (images/s) of networks of the {@link Models} registry: DL4J's {@code
 * output()} in this process, {@link CnnClassificationModel#transform} of an image DataFrame and
 * the prediction job's scoring (a broadcast {@link ScoringPayload}, a {@code Scorer} per
 * partition) in Spark local[N], and PyTorch inference of the same network ({@code
 * bench/torch_throughput.py --inference}, read from its CSV rows of the same run id), with their
 * ratios, printed as one Markdown table; this process's rows are appended to a CSV file.
 *
 * <p>Usage:
 * <pre>
 * ScoringBenchmark [--models "lenet5;tf-cifar10;mobilenet-v1-cifar"] [--batch 64]
 *     [--images 2048] [--workers N] [--warmup 5] [--warmup-seconds 3] [--passes 9]
 *     [--spark-passes 3] [--run-id ID] [--torch runs/torch_inference.csv]
 *     [--output runs/scoring.csv]
 * </pre>
 *
 * <p>Every network gets its natural input, 10 classes, fresh (He) weights and the same minibatch
 * of {@code --batch} images (default 64) on every path; speed does not depend on the weights or
 * pixel values. DL4J: {@code output()} in inference mode on one minibatch of random images, the
 * median of {@code --passes} timed passes after at least {@code --warmup} passes and {@code
 * --warmup-seconds}, as {@code prune/InferenceSpeed} times it. Spark ML: {@code --images} random
 * uint8 images as structs of Spark's image source in a cached DataFrame of {@code --workers}
 * partitions, through {@link CnnClassificationModel#transform} (network broadcast, decoding of
 * the structs, the evaluation pipeline {@code scale}, minibatches of {@code --batch}), every
 * prediction computed. Spark prediction: the same images in a cached RDD of {@code --workers}
 * partitions, scored as the prediction job scores its cached examples (the payload broadcast
 * once, a scorer per partition, the evaluation pipeline {@code scale}, minibatches of {@code
 * --batch}, one probability vector per image). Both Spark paths: one untimed pass, then the
 * median of {@code --spark-passes} passes, each including Spark's scheduling. Threads: ND4J's as
 * launched ({@code submit/benchmark.sh --scoring} sets {@code OMP_NUM_THREADS=1}, so DL4J uses
 * one core and Spark local[N] N cores). The PyTorch columns take the rows of this run id with 1
 * and N threads.
 *
 * <p>Exit code 2 for bad arguments (an unknown model lists the known ones), 3 for a malformed
 * PyTorch CSV file.
 */
public final class ScoringBenchmark {
  static final List<String> DEFAULT_MODELS = List.of("lenet5", "tf-cifar10",
      "mobilenet-v1-cifar");
  /** The minibatch of every path and network (PyTorch's --inference default too). */
  static final int DEFAULT_BATCH = 64;
  static final int CLASSES = 10;
  /** Columns of the CSV rows this process appends. */
  static final List<String> COLUMNS = List.of("date", "cpu", "nd4j", "model", "input", "batch",
      "threads_per_worker", "workers", "images", "dl4j_output_images_per_sec",
      "spark_images_per_sec", "spark_ml_images_per_sec", "run");

  private ScoringBenchmark() {}

  /**
   * Parsed command line.
   *
   * @param images images scored by each Spark pass
   * @param warmupSeconds least seconds of untimed DL4J passes
   */
  record Options(List<String> models, int batch, int images, int workers, int warmup,
      double warmupSeconds, int passes, int sparkPasses, String runId, Path torch, Path output) {}

  public static void main(String[] args) throws IOException {
    // touches no ND4J class, so the build can still be selected
    Options o = Cli.parseOrExit(args, ScoringBenchmark::parse, new Command());
    if (o == null) {
      return;
    }
    String nd4j = NativeBackend.selectAndLog("benchmark");
    SparkConf conf = new SparkConf().setIfMissing("spark.master", "local[" + o.workers() + "]");
    JavaSparkContext sc =
        new JavaSparkContext(SparkSetup.configure(conf, "spark-cnn scoring benchmark"));
    Table rows = new Table(COLUMNS);
    try {
      for (String model : o.models()) {
        List<String> row = measure(sc, model, o, nd4j);
        System.out.println("RESULT " + String.join(" | ", row));
        rows.add(row);
        // appended at once: a later failure keeps this row
        ResultsFile.append(o.output(), new Table(COLUMNS).add(row));
      }
    } finally {
      sc.stop();
    }
    RunTableOptions.printOrExit(
        () -> table(rows, SideBySide.rows(o.torch(), o.runId()), o.workers()));
  }

  /**
   * The options {@code args} give, or null when they ask for help.
   *
   * @throws IllegalArgumentException naming the option that is unknown or has a bad value
   */
  static Options parse(String[] args) {
    Command command = new Command();
    return Cli.parse(command, args) ? command.options() : null;
  }

  /** Measures {@code model} both ways, returning its CSV row. */
  static List<String> measure(JavaSparkContext sc, String model, Options o, String nd4j) {
    ThroughputBenchmark.Case c =
        new ThroughputBenchmark.Case(model, Models.naturalInput(model), CLASSES, o.batch());
    NeuralNetwork net = ThroughputBenchmark.network(c, ConvolutionEngine.NATIVE);
    double single = outputRate(net, c, o);
    List<LabeledImage> images = randomImages(c, o.images());
    double spark = sparkRate(sc, net, c, o, images);
    double ml = sparkMlRate(sc, net, c, o, images);
    return List.of(LocalDate.now(ZoneOffset.UTC).toString(), ThroughputBenchmark.cpuModel(), nd4j,
        model, CaseOptions.shapeText(c.shape()), Integer.toString(o.batch()),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "default"),
        Integer.toString(o.workers()), Integer.toString(o.images()), oneDecimal(single),
        oneDecimal(spark), oneDecimal(ml), o.runId());
  }

  /** Median images/s of DL4J's {@code output()} (inference mode) on one random minibatch. */
  static double outputRate(NeuralNetwork net, ThroughputBenchmark.Case c, Options o) {
    ImageShape s = c.shape();
    INDArray images = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(1), c.batch(),
        s.channels(), s.height(), s.width());
    Function<INDArray, INDArray> output = net instanceof ComputationGraph g
        ? x -> g.outputSingle(false, x)
        : x -> ((MultiLayerNetwork) net).output(x, false);
    long start = System.nanoTime();
    for (int i = 0; i < o.warmup() || System.nanoTime() - start < o.warmupSeconds() * 1e9; i++) {
      output.apply(images).close();
    }
    return median(o.passes(), () -> output.apply(images).close(), c.batch());
  }

  /**
   * Median images/s of scoring {@code images}, cached, as the prediction job scores its examples,
   * after one untimed pass.
   */
  static double sparkRate(JavaSparkContext sc, NeuralNetwork net, ThroughputBenchmark.Case c,
      Options o, List<LabeledImage> images) {
    JavaRDD<LabeledImage> cached = sc.parallelize(images, o.workers()).cache();
    cached.count();
    Broadcast<ScoringPayload> payload =
        sc.broadcast(new ScoringPayload((Model) net, evaluation(c), classNames()));
    int batch = c.batch();
    Runnable pass = () -> cached.mapPartitions(
        partition -> payload.value().scorer().score(partition, batch)).count();
    try {
      pass.run();
      return median(o.sparkPasses(), pass, o.images());
    } finally {
      cached.unpersist(false);
      payload.unpersist(false);
    }
  }

  /**
   * Median images/s of {@link CnnClassificationModel#transform} over a cached DataFrame of the
   * same images as structs of Spark's image source, after one untimed pass; each pass computes
   * every prediction.
   */
  static double sparkMlRate(JavaSparkContext sc, NeuralNetwork net, ThroughputBenchmark.Case c,
      Options o, List<LabeledImage> images) {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    ImageShape s = c.shape();
    List<Row> rows = new ArrayList<>();
    for (LabeledImage image : images) {
      rows.add(RowFactory.create(RowFactory.create("random-" + image.index(), s.height(),
          s.width(), s.channels(), s.channels() == 1 ? CV_8UC1 : CV_8UC3, image.pixels())));
    }
    Dataset<Row> cached =
        spark.createDataFrame(rows, ImageSchema.imageSchema()).repartition(o.workers()).cache();
    cached.count();
    CnnClassificationModel model = CnnClassificationModel.fromNetwork((Model) net, evaluation(c),
        classNames(), SizePolicy.REJECT, ChannelPolicy.REJECT, Long.MAX_VALUE)
        .setBatchSize(c.batch());
    Runnable pass = () -> model.transform(cached).agg(functions.sum("prediction")).first();
    try {
      pass.run();
      return median(o.sparkPasses(), pass, o.images());
    } finally {
      cached.unpersist(false);
    }
  }

  /** OpenCV's types of 8-bit images of 1 and 3 channels, as Spark's image source writes them. */
  private static final int CV_8UC1 = 0;
  private static final int CV_8UC3 = 16;

  /** {@code count} uint8 images of {@code c}'s shape, uniform random, labels cycling. */
  static List<LabeledImage> randomImages(ThroughputBenchmark.Case c, int count) {
    int pixels = c.shape().channels() * c.shape().height() * c.shape().width();
    List<LabeledImage> images = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < count; i++) {
      byte[] image = new byte[pixels];
      random.nextBytes(image);
      images.add(new LabeledImage(i, image, i % CLASSES));
    }
    return images;
  }

  /** Class names "0" to "9". */
  private static List<String> classNames() {
    return IntStream.range(0, CLASSES).mapToObj(Integer::toString).toList();
  }

  /** The evaluation pipeline of both Spark paths: {@code scale} to [0, 1]. */
  private static Augmenter evaluation(ThroughputBenchmark.Case c) {
    return new Augmenter(c.shape(), Pipeline.parse("train.eval-augment", List.of("scale"), true),
        CLASSES, 1, Augmenter.EVALUATION_EPOCH);
  }

  /** The median images/s of {@code passes} timed runs of {@code pass}, each of {@code images}. */
  static double median(int passes, Runnable pass, int images) {
    double[] rates = new double[passes];
    for (int i = 0; i < passes; i++) {
      long t0 = System.nanoTime();
      pass.run();
      rates[i] = images / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rates);
    return passes % 2 == 1 ? rates[passes / 2]
        : (rates[passes / 2 - 1] + rates[passes / 2]) / 2;
  }

  /**
   * The table of this process's {@code rows} (columns {@link #COLUMNS}) beside the PyTorch rows
   * of the same run ({@code torch}, as {@link SideBySide#rows} reads them): images/s of DL4J
   * {@code output()}, Spark ML transform and Spark prediction in local[workers], PyTorch on 1 and
   * on {@code workers} threads, and the ratios Spark ML / DL4J, DL4J / PyTorch 1 thread and Spark
   * ML / PyTorch on {@code workers} threads (the same cores). A missing PyTorch row shows as "-".
   */
  static Table table(Table rows, List<Map<String, String>> torch, int workers) {
    String local = "local[" + workers + "]";
    Table table = new Table("network", "input, batch", "DL4J output() (1 process)",
        "Spark ML transform " + local, "Spark prediction " + local, "PyTorch 1 thread",
        "PyTorch " + workers + " threads", "Spark ML / DL4J", "DL4J / PyTorch 1 thread",
        "Spark ML / PyTorch " + workers + " threads");
    for (int r = 0; r < rows.rows().size(); r++) {
      String model = rows.cell(r, "model");
      double single = Double.parseDouble(rows.cell(r, "dl4j_output_images_per_sec"));
      double spark = Double.parseDouble(rows.cell(r, "spark_images_per_sec"));
      double ml = Double.parseDouble(rows.cell(r, "spark_ml_images_per_sec"));
      Optional<Double> torchOne = torchRate(torch, model, 1);
      Optional<Double> torchMany = torchRate(torch, model, workers);
      table.add("`" + model + "`", rows.cell(r, "input") + ", " + rows.cell(r, "batch"),
          grouped(single), grouped(ml), grouped(spark),
          torchOne.map(ScoringBenchmark::grouped).orElse("-"),
          torchMany.map(ScoringBenchmark::grouped).orElse("-"),
          SideBySide.ratio(Optional.of(ml), Optional.of(single)),
          SideBySide.ratio(Optional.of(single), torchOne),
          SideBySide.ratio(Optional.of(ml), torchMany));
    }
    return table;
  }

  /** The images/s of the last PyTorch row of {@code model} on {@code threads} threads. */
  private static Optional<Double> torchRate(List<Map<String, String>> torch, String model,
      int threads) {
    Optional<Double> rate = Optional.empty();
    for (Map<String, String> row : torch) {
      if (row.get("model").equals(model) && row.get("threads").equals("" + threads)) {
        rate = Optional.of(Double.parseDouble(row.get("images_per_sec")));
      }
    }
    return rate;
  }

  private static String oneDecimal(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static String grouped(double value) {
    return String.format(Locale.ROOT, "%,.1f", value);
  }

  /** The command line (picocli); {@link #options()} checks it. */
  @CommandLine.Command(name = "ScoringBenchmark", sortOptions = false, sortSynopsis = false,
      description = "Scoring throughput (images/s): DL4J output() in one process, the project's"
          + " executor-side scoring in Spark local[N] and PyTorch inference (rows of the same run"
          + " id), with the ratios, as one Markdown table. Exit code 2 for bad arguments, 3 for a"
          + " malformed PyTorch CSV file.")
  static final class Command {
    @Option(names = "--models", paramLabel = "LIST", description = "registry specs separated by"
        + " ';' or by commas outside parentheses (default: lenet5;tf-cifar10;mobilenet-v1-cifar)")
    String models = String.join(";", DEFAULT_MODELS);

    @Option(names = "--batch", paramLabel = "N",
        description = "minibatch of every path and network (default: ${DEFAULT-VALUE})")
    String batch = Integer.toString(DEFAULT_BATCH);

    @Option(names = "--images", paramLabel = "N",
        description = "images scored by each Spark pass (default: ${DEFAULT-VALUE})")
    String images = "2048";

    @Option(names = "--workers", paramLabel = "N",
        description = "Spark workers (default: the number of processors)")
    String workers = Integer.toString(Runtime.getRuntime().availableProcessors());

    @Option(names = "--warmup", paramLabel = "N",
        description = "least untimed output() passes (default: ${DEFAULT-VALUE})")
    String warmup = "5";

    @Option(names = "--warmup-seconds", paramLabel = "S",
        description = "least seconds of untimed output() passes (default: ${DEFAULT-VALUE})")
    String warmupSeconds = "3";

    @Option(names = "--passes", paramLabel = "N",
        description = "timed output() passes, the median is taken (default: ${DEFAULT-VALUE})")
    String passes = "9";

    @Option(names = "--spark-passes", paramLabel = "N",
        description = "timed Spark passes, the median is taken (default: ${DEFAULT-VALUE})")
    String sparkPasses = "3";

    @Option(names = "--run-id", paramLabel = "ID",
        description = "the run column of every row; PyTorch rows of this run are shown (default:"
            + " the UTC time, yyyyMMdd-HHmmss)")
    String runId = ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));

    @Option(names = "--torch", paramLabel = "FILE",
        description = "PyTorch's inference rows (default: ${DEFAULT-VALUE})")
    Path torch = Path.of("runs", "torch_inference.csv");

    @Option(names = "--output", paramLabel = "FILE",
        description = "CSV file the rows are appended to (default: ${DEFAULT-VALUE})")
    Path output = Path.of("runs", "scoring.csv");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    Options options() {
      List<String> specs = ThroughputCommand.splitSpecs(models);
      specs.forEach(Models::validate); // an unknown name lists the known ones
      if (runId == null || runId.isBlank()) {
        throw new IllegalArgumentException("--run-id must not be empty");
      }
      return new Options(List.copyOf(specs), Numbers.positive("--batch", batch),
          Numbers.positive("--images", images), Numbers.positive("--workers", workers),
          Numbers.nonNegative("--warmup", warmup),
          Numbers.seconds("--warmup-seconds", warmupSeconds),
          Numbers.positive("--passes", passes), Numbers.positive("--spark-passes", sparkPasses),
          runId, torch, output);
    }
  }
}
