package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.sparkcnn.augment.FloatImage;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.RoundScheduling;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.EpochOrder;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Minibatches;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.SparkSetup;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Augmentation throughput of a pipeline on CIFAR-sized images (3x32x32, uint8 as cached), next to
 * the training throughput of the TensorFlow tutorial CNN on the same cores: how many times faster
 * the executors prepare input than training consumes it (the goal: at least 20x).
 *
 * <p>Usage ({@code --help} describes the options; a bad argument is an IllegalArgumentException):
 * <pre>
 * AugmentationBenchmark [--pipeline tf-cifar10-train] [--images 50000] [--seconds 10]
 *     [--workers N] [--output runs/augmentation.csv]
 * </pre>
 *
 * <p>{@code --pipeline}: steps as in {@code train.augment}, separated by ';' (e.g. {@code
 * "random-crop(size=24, padding=4);flip;standardize"}).
 *
 * <p>Rows: the pipeline alone on one thread; the pipeline and the packing of 128-image ND4J
 * minibatches on one thread; the same over Spark local[workers] on a cached RDD of {@code images}
 * random images (an epoch of {@code Minibatches.training}, the partition function that feeds
 * training), per core; and the tutorial CNN's training on one thread (native convolutions,
 * OpenMP threads: OMP_NUM_THREADS, 1 from submit/benchmark.sh). Also prints the cached RDD's size.
 */
public final class AugmentationBenchmark {
  static final ImageShape CIFAR = new ImageShape(3, 32, 32);
  /** The tutorial's minibatch. */
  static final int BATCH = 128;
  static final List<String> COLUMNS = List.of("date", "cpu", "measure", "pipeline", "threads",
      "images_per_sec", "images_per_sec_per_core", "times_training");

  private AugmentationBenchmark() {}

  record Options(String pipeline, int images, double seconds, int workers, Path output) {}

  public static void main(String[] args) throws IOException {
    Options o = parse(args);
    if (o == null) {
      System.out.print(Cli.usage(new Command()));
      return;
    }
    NativeBackend.selectAndLog("benchmark");
    Pipeline pipeline = Pipeline.parse("--pipeline", List.of(o.pipeline().split(";")), false);
    Augmenter augmenter = new Augmenter(CIFAR, pipeline, 10, 42, 1);
    List<LabeledImage> sample = randomImages(0, 2_000);

    double pipelineOnly = timed(o.seconds(), () -> {
      for (LabeledImage image : sample) {
        pipeline.applyOne(FloatImage.fromPixels(image.pixels(), CIFAR), augmenter.randomFor(image));
      }
      return sample.size();
    });
    double withBatches = timed(o.seconds(), () -> {
      for (int i = 0; i + BATCH <= sample.size(); i += BATCH) {
        augmenter.toDataSet(sample.subList(i, i + BATCH));
      }
      return sample.size() / BATCH * BATCH;
    });
    double[] spark = spark(o, augmenter);
    ThroughputBenchmark.Options trainOptions = new ThroughputBenchmark.Options("single",
        List.of("tf-cifar10"), List.of(ConvolutionEngine.NATIVE), 20, 5, 1, 1,
        TrainingMasterChoice.DL4J, false, o.output(), null, ThroughputBenchmark.DEFAULT_CLASSES,
        0, ThroughputBenchmark.DEFAULT_MIN_SECONDS, "", 1, 0, RoundScheduling.JOB);
    ThroughputBenchmark.Case tutorial = ThroughputBenchmark.cases(trainOptions).get(0);
    double training = ThroughputBenchmark.single(
        ThroughputBenchmark.network(tutorial, ConvolutionEngine.NATIVE), tutorial, trainOptions);

    String date = LocalDate.now(ZoneOffset.UTC).toString();
    String cpu = ThroughputBenchmark.cpuModel();
    String omp = System.getenv().getOrDefault("OMP_NUM_THREADS", "default");
    Table table = new Table(COLUMNS);
    table.add(row(date, cpu, "augment (pipeline only)", o.pipeline(), "1", pipelineOnly, 1,
        training));
    table.add(row(date, cpu, "augment + 128-image minibatches", o.pipeline(), "1", withBatches, 1,
        training));
    table.add(row(date, cpu, "augment + minibatches, Spark local[" + o.workers() + "] epoch",
        o.pipeline(), Integer.toString(o.workers()), spark[0], o.workers(), training));
    table.add(row(date, cpu, "train tf-cifar10 (native, batch 128)", "", omp, training, 1,
        training));
    ResultsFile.append(o.output(), table);
    System.out.printf(Locale.ROOT, "cached RDD of %d uint8 CIFAR images: %.1f MB in memory%n",
        o.images(), spark[1] / 1e6);
    System.out.println(table.toMarkdown());
  }

  static List<String> row(String date, String cpu, String measure, String pipeline,
      String threads, double imagesPerSec, int cores, double trainingPerSec) {
    return List.of(date, cpu, measure, pipeline, threads, fixed(imagesPerSec, 0),
        fixed(imagesPerSec / cores, 0), fixed(imagesPerSec / cores / trainingPerSec, 1));
  }

  /** Epoch throughput (images/s over all workers) and the cached RDD's bytes in memory. */
  static double[] spark(Options o, Augmenter augmenter) {
    SparkConf conf = new SparkConf().setIfMissing("spark.master", "local[" + o.workers() + "]");
    JavaSparkContext sc = new JavaSparkContext(
        SparkSetup.configure(conf, "spark-cnn augmentation benchmark"));
    try {
      int images = o.images();
      int workers = o.workers();
      JavaRDD<LabeledImage> cached = sc.parallelize(IntStream.range(0, workers).boxed().toList(),
              workers)
          .flatMap(part -> randomImages((long) images * part / workers,
              (int) ((long) images * (part + 1) / workers - (long) images * part / workers))
              .iterator())
          .persist(StorageLevel.MEMORY_ONLY());
      cached.count();
      long bytes = 0;
      for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
        if (info.id() == cached.id()) {
          bytes = info.memSize();
        }
      }
      EpochOrder order = EpochOrder.of(cached, augmenter.seed());
      Minibatches.training(cached, order, BATCH, augmenter, 1).count(); // warm-up epoch
      long t0 = System.nanoTime();
      int epochs = 0;
      do {
        Minibatches.training(cached, order, BATCH, augmenter, 2 + epochs).count();
        epochs++;
      } while (System.nanoTime() - t0 < o.seconds() * 1e9);
      double perSec = (double) epochs * images / ((System.nanoTime() - t0) / 1e9);
      cached.unpersist(true);
      return new double[] {perSec, bytes};
    } finally {
      sc.stop();
    }
  }

  /** Images per second of {@code work} (which returns how many it processed), after a warm-up. */
  static double timed(double seconds, java.util.function.IntSupplier work) {
    long warmEnd = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      work.getAsInt();
    }
    long t0 = System.nanoTime();
    long images = 0;
    do {
      images += work.getAsInt();
    } while (System.nanoTime() - t0 < seconds * 1e9);
    return images / ((System.nanoTime() - t0) / 1e9);
  }

  /** {@code count} random CIFAR-sized images with indices from {@code first}. */
  static List<LabeledImage> randomImages(long first, int count) {
    Random random = new Random(first);
    List<LabeledImage> images = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] pixels = new byte[CIFAR.size()];
      random.nextBytes(pixels);
      images.add(new LabeledImage(first + i, pixels, i % 10));
    }
    return images;
  }

  /**
   * The options {@code args} give, or null when they ask for help.
   *
   * @throws IllegalArgumentException naming the option that is unknown or has a bad value
   */
  static Options parse(String[] args) {
    Command command = new Command();
    return Cli.parse(command, args) ? new Options(command.pipeline, command.images,
        command.seconds, command.workers, command.output) : null;
  }

  /** The command line (picocli). */
  @CommandLine.Command(name = "AugmentationBenchmark", sortOptions = false, sortSynopsis = false,
      description = "Augmentation throughput of a pipeline on CIFAR-sized images next to the"
          + " training throughput of the TensorFlow tutorial CNN on the same cores.")
  static final class Command {
    @Option(names = "--pipeline", paramLabel = "STEPS", description = "steps as in"
        + " train.augment, separated by ';' (default: ${DEFAULT-VALUE})")
    String pipeline = "tf-cifar10-train";

    @Option(names = "--images", paramLabel = "N",
        description = "random images in the cached RDD (default: ${DEFAULT-VALUE})")
    int images = 50_000;

    @Option(names = "--seconds", paramLabel = "S",
        description = "least time of each measurement (default: ${DEFAULT-VALUE})")
    double seconds = 10;

    @Option(names = "--workers", paramLabel = "N",
        description = "Spark local[N] workers (default: the number of processors)")
    int workers = Runtime.getRuntime().availableProcessors();

    @Option(names = "--output", paramLabel = "FILE",
        description = "CSV file the rows are appended to (default: ${DEFAULT-VALUE})")
    Path output = Path.of("runs", "augmentation.csv");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
