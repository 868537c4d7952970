package org.sparkcnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.NeuralNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.EpochOrder;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.train.ResidentTrainingMaster;

/**
 * The Spark mode of {@link ThroughputBenchmark}: images/s of a network trained by parameter
 * averaging with {@code workers} workers every {@code averaging-frequency} minibatches, by DL4J's
 * training master or the project's resident one ({@code --master}).
 *
 * <p>Both masters train the same number of minibatches the same way: a warm-up fit of {@code
 * workers x max(warmup, averaging frequency)} minibatches, then timed fits of {@code workers x
 * rounds x averaging frequency} minibatches (rounds = {@code iterations} / averaging frequency,
 * rounded up) until {@code min-seconds} have passed, through {@code SparkDl4jMultiLayer} (or
 * {@code SparkComputationGraph} for graphs). DL4J's master gets RDDs of random float minibatches
 * made on the executors and exports them before each fit; the resident one gets a cached RDD of
 * random uint8 images with cycling labels and trains one epoch of it per fit ({@code startEpoch}
 * then {@code fit}), its workers scaling the pixels to [0, 1] and batching them. For the resident
 * master the measurement also gives the {@link RoundFigures} of the timed fits' rounds.
 */
final class SparkThroughput {
  /** Seed of the data order, the augmentation and the DL4J master's random streams. */
  private static final long SEED = 1L;
  /** Minibatches a worker prepares ahead of its fit, as the training job's default. */
  private static final int PREFETCH = 2;
  /** Depth of the resident master's treeAggregate, as {@code train.aggregation-depth}. */
  private static final int AGGREGATION_DEPTH = 2;

  /**
   * One measurement.
   *
   * @param imagesPerSec images of the timed fits per second of their wall time
   * @param rounds the resident master's round figures; null for DL4J's
   */
  record Result(double imagesPerSec, RoundFigures rounds) {}

  private SparkThroughput() {}

  /** Trains {@code net} on Spark as {@code o} says (see the class comment). */
  static Result measure(JavaSparkContext sc, NeuralNetwork net, ThroughputBenchmark.Case c,
      ThroughputBenchmark.Options o) throws IOException {
    int rounds = (o.iterations() + o.averagingFrequency() - 1) / o.averagingFrequency();
    int warmUpMinibatches = o.workers() * Math.max(o.warmup(), o.averagingFrequency());
    int timedMinibatches = o.workers() * rounds * o.averagingFrequency();
    Fits fits = o.master() == TrainingMasterChoice.RESIDENT
        ? new ResidentFits(sc, c, o, warmUpMinibatches, timedMinibatches)
        : new Dl4jFits(sc, c, o, warmUpMinibatches, timedMinibatches);
    try {
      SparkNet spark = SparkNet.of(sc, net, fits.master());
      long warmUpStart = System.nanoTime();
      do { // the warm-up fit, repeated until --warmup-seconds have passed
        spark.fit().accept(fits.warmUp());
      } while (System.nanoTime() - warmUpStart < o.warmupSeconds() * 1e9);
      long minNanos = (long) (o.minSeconds() * 1e9);
      long fitted = 0;
      long t0 = System.nanoTime();
      do {
        spark.collectStats().accept(o.stats());
        spark.fit().accept(fits.timed());
        fitted += timedMinibatches;
      } while (System.nanoTime() - t0 < minNanos);
      double imagesPerSec = fitted * (double) c.batch() / ((System.nanoTime() - t0) / 1e9);
      SparkTrainingStats stats = spark.stats().get();
      if (o.stats() && stats != null) {
        System.out.println(stats.statsAsString());
      }
      RoundFigures figures = fits.roundFigures(net);
      if (figures != null) {
        System.out.println("ROUNDS " + c.model() + ": " + figures.summary());
      }
      return new Result(imagesPerSec, figures);
    } finally {
      fits.close();
    }
  }

  /** What differs between the masters: the master, the data of each fit, the clean-up. */
  private interface Fits {
    TrainingMaster<?, ?> master();

    /** The data of the warm-up fit. */
    JavaRDD<DataSet> warmUp();

    /** The data of the next timed fit. */
    JavaRDD<DataSet> timed();

    /** The figures of the timed fits' rounds, or null when the master keeps none. */
    RoundFigures roundFigures(NeuralNetwork net);

    void close();
  }

  /** DL4J's master, exporting each fit's random minibatches to a temporary directory. */
  private static final class Dl4jFits implements Fits {
    private final JavaSparkContext sc;
    private final ParameterAveragingTrainingMaster master;
    private final JavaRDD<DataSet> warmUp;
    private final JavaRDD<DataSet> timed;

    Dl4jFits(JavaSparkContext sc, ThroughputBenchmark.Case c, ThroughputBenchmark.Options o,
        int warmUpMinibatches, int timedMinibatches) throws IOException {
      this.sc = sc;
      Path export = Files.createTempDirectory("spark-cnn-bench-export");
      master = new ParameterAveragingTrainingMaster.Builder(o.workers(), c.batch())
          .batchSizePerWorker(c.batch())
          .averagingFrequency(o.averagingFrequency())
          .workerPrefetchNumBatches(PREFETCH)
          .rddTrainingApproach(RDDTrainingApproach.Export)
          .exportDirectory(export.toUri().toString())
          .rngSeed(SEED)
          .build();
      warmUp = batches(sc, c, warmUpMinibatches, o.workers());
      timed = batches(sc, c, timedMinibatches, o.workers());
    }

    @Override
    public TrainingMaster<?, ?> master() {
      return master;
    }

    @Override
    public JavaRDD<DataSet> warmUp() {
      return warmUp;
    }

    @Override
    public JavaRDD<DataSet> timed() {
      return timed;
    }

    @Override
    public RoundFigures roundFigures(NeuralNetwork net) {
      return null;
    }

    @Override
    public void close() {
      master.deleteTempFiles(sc);
    }

    private static JavaRDD<DataSet> batches(JavaSparkContext sc, ThroughputBenchmark.Case c,
        int count, int partitions) {
      List<Integer> seeds = IntStream.range(0, count).boxed().toList();
      return sc.parallelize(seeds, partitions)
          .map(seed -> ThroughputBenchmark.randomBatch(c, seed));
    }
  }

  /**
   * The resident master, training one epoch of cached random uint8 images per fit: the warm-up
   * fit epoch 1 of its own examples, the timed fits epochs 2, 3, ... of theirs.
   */
  private static final class ResidentFits implements Fits {
    private final JavaSparkContext sc;
    private final ResidentTrainingMaster master;
    private final Augmenter augmenter;
    private final JavaRDD<LabeledImage> warmUpExamples;
    private final JavaRDD<LabeledImage> timedExamples;
    private final EpochOrder warmUpOrder;
    private final EpochOrder timedOrder;
    private int epoch;
    /** Rounds of the warm-up fit, left out of the figures. */
    private int warmUpRounds = -1;

    ResidentFits(JavaSparkContext sc, ThroughputBenchmark.Case c, ThroughputBenchmark.Options o,
        int warmUpMinibatches, int timedMinibatches) {
      this.sc = sc;
      master = new ResidentTrainingMaster(o.workers(), c.batch(), o.averagingFrequency(),
          PREFETCH, AGGREGATION_DEPTH, o.roundScheduling(), List.of());
      augmenter = new Augmenter(c.shape(), Pipeline.parse("benchmark pipeline",
          List.of("scale"), false), c.classes(), SEED, 1);
      warmUpExamples = examples(sc, c, warmUpMinibatches * c.batch(), o.workers());
      timedExamples = examples(sc, c, timedMinibatches * c.batch(), o.workers());
      warmUpOrder = EpochOrder.of(warmUpExamples, SEED); // counting them fills the cache
      timedOrder = EpochOrder.of(timedExamples, SEED);
    }

    @Override
    public TrainingMaster<?, ?> master() {
      return master;
    }

    @Override
    public JavaRDD<DataSet> warmUp() {
      return startEpoch(warmUpExamples, warmUpOrder);
    }

    @Override
    public JavaRDD<DataSet> timed() {
      if (warmUpRounds < 0) {
        warmUpRounds = master.rounds().size();
      }
      return startEpoch(timedExamples, timedOrder);
    }

    private JavaRDD<DataSet> startEpoch(JavaRDD<LabeledImage> examples, EpochOrder order) {
      master.startEpoch(new ResidentTrainingMaster.EpochSource(examples, order, augmenter,
          ++epoch));
      return sc.emptyRDD(); // the resident master reads the epoch it was given
    }

    @Override
    public RoundFigures roundFigures(NeuralNetwork net) {
      List<ResidentTrainingMaster.Round> rounds = master.rounds();
      INDArray updater = net instanceof MultiLayerNetwork m ? m.getUpdater().getStateViewArray()
          : ((ComputationGraph) net).getUpdater().getStateViewArray();
      return RoundFigures.of(rounds.subList(warmUpRounds, rounds.size()),
          ThroughputBenchmark.totalParams(net), updater == null ? 0 : updater.length());
    }

    @Override
    public void close() {
      master.deleteTempFiles(sc);
      warmUpExamples.unpersist(false);
      timedExamples.unpersist(false);
    }

    /** {@code count} cached uniform random uint8 images of {@code c}'s shape, cycling labels. */
    private static JavaRDD<LabeledImage> examples(JavaSparkContext sc,
        ThroughputBenchmark.Case c, int count, int partitions) {
      List<Integer> indices = IntStream.range(0, count).boxed().toList();
      return sc.parallelize(indices, partitions).map(i -> {
        byte[] pixels = new byte[c.shape().size()];
        new SplittableRandom(i).nextBytes(pixels);
        return new LabeledImage(i, pixels, i % c.classes());
      }).cache();
    }
  }

  /** {@code SparkDl4jMultiLayer} or {@code SparkComputationGraph}, as far as this class uses it. */
  private record SparkNet(Consumer<JavaRDD<DataSet>> fit, Consumer<Boolean> collectStats,
      Supplier<SparkTrainingStats> stats) {
    static SparkNet of(JavaSparkContext sc, NeuralNetwork net, TrainingMaster<?, ?> master) {
      if (net instanceof ComputationGraph graph) {
        SparkComputationGraph spark = new SparkComputationGraph(sc, graph, master);
        return new SparkNet(spark::fit, spark::setCollectTrainingStats,
            spark::getSparkTrainingStats);
      }
      SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, (MultiLayerNetwork) net, master);
      return new SparkNet(spark::fit, spark::setCollectTrainingStats,
          spark::getSparkTrainingStats);
    }
  }
}
