package org.sparkcnn.train;

import java.util.Random;
import java.util.function.Function;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sparkcnn.data.Permutation;
import org.sparkcnn.data.Seeds;

/**
 * DL4J's parameter-averaging training master whose split of each epoch's minibatches into
 * averaging rounds depends only on (seed, epoch).
 *
 * <p>DL4J draws the seed of every fit's random split from one {@code java.util.Random} that each
 * fit advances, so the split of epoch e depends on how many fits the same master ran before: a run
 * resumed at epoch e with a new master would split differently from the uninterrupted run.
 * {@link #startEpoch} replaces that source before each epoch's fit with one seeded from (seed,
 * epoch), so a resumed run repeats the uninterrupted run's splits.
 *
 * <p>It deals each epoch's exported minibatches into the averaging rounds evenly (see {@link
 * #getSplitRDDs}), hands out {@link GpuBoundWorker}s, which bind each training task to the GPU
 * Spark assigned it, and exports the minibatches without DL4J's check of the default filesystem
 * (see {@link #exportIfRequired}).
 */
final class EpochSeededTrainingMaster extends ParameterAveragingTrainingMaster {
  private static final long serialVersionUID = 1L;
  /** Coordinate that keeps the split seeds apart from the other per-epoch seeds. */
  private static final long SPLITS = 0x5311_7500L;
  private final long seed;

  EpochSeededTrainingMaster(Builder builder, long seed) {
    super(builder);
    this.seed = seed;
  }

  /** Seeds the split of the next fit for 1-based {@code epoch}. */
  void startEpoch(int epoch) {
    rng = new Random(Seeds.mix(seed, SPLITS, epoch));
  }

  /**
   * DL4J's split of the {@code totalObjects} exported minibatches of an epoch into averaging
   * rounds (as many as whole rounds of workers x averaging frequency minibatches fit, at least
   * one), but dealt evenly: the minibatch at position i of the export goes to round p(i) mod
   * rounds, p a random permutation seeded from the split source, so every round holds
   * floor(total / rounds) or one more minibatch.
   *
   * <p>DL4J's split ({@code SparkUtils.balancedRandomSplit}, {@code SplitPartitionsFunction}) is
   * balanced only inside each partition: it seeds a {@code java.util.Random} with the split seed
   * plus the partition's index and sends the partition's first minibatch to the first entry of a
   * shuffled list of rounds. The first draws of Randoms seeded with consecutive numbers hardly
   * differ, so when partitions hold one minibatch each (1,280 images in 20 partitions of 64) every
   * minibatch lands in the same round and the others are empty: a round fits only averaging
   * frequency of the minibatches per worker and drops the rest, and an empty round ends the run
   * in DL4J's statistics ("Cannot merge: training master specific stats is null in one, but not
   * the other").
   *
   * <p>So the even deal is used only where DL4J's split fails: when the partitions hold fewer
   * minibatches on average than there are rounds. Otherwise DL4J's split stays, whose rounds were
   * shown to repeat exactly on a cluster after an executor or the driver was lost (the even deal,
   * whose rounds filter a {@code zipWithIndex} of the export's paths once per round, gave other
   * losses from the second round on in those cluster tests; left to find out).
   */
  @Override
  protected <T> JavaRDD<T>[] getSplitRDDs(JavaRDD<T> data, int totalObjects,
      int examplesPerObject) {
    int perSplit = getNumDataSetObjectsPerSplit(examplesPerObject);
    if (totalObjects / Math.max(1, data.getNumPartitions()) >= totalObjects / perSplit) {
      return super.getSplitRDDs(data, totalObjects, examplesPerObject);
    }
    if (collectTrainingStats) {
      stats.logSplitStart();
    }
    long splitSeed = rng.nextLong(); // one draw per fit, as DL4J's split
    int rounds = Math.max(1, totalObjects / perSplit);
    @SuppressWarnings("unchecked")
    JavaRDD<T>[] splits = (JavaRDD<T>[]) new JavaRDD<?>[rounds];
    if (rounds == 1) {
      splits[0] = data;
    } else {
      Permutation order = new Permutation(totalObjects, splitSeed);
      JavaPairRDD<T, Long> indexed = data.zipWithIndex();
      for (int r = 0; r < rounds; r++) {
        int round = r;
        splits[r] = indexed.filter(e -> order.apply(e._2()) % rounds == round).keys();
      }
    }
    if (collectTrainingStats) {
      stats.logSplitEnd();
    }
    return splits;
  }

  /** DL4J's worker for {@code network}, as a {@link GpuBoundWorker}. */
  @Override
  public ParameterAveragingTrainingWorker getWorkerInstance(SparkDl4jMultiLayer network) {
    MultiLayerNetwork net = network.getNetwork();
    return worker(network.getSparkContext(), new NetBroadcastTuple(
        net.getLayerWiseConfigurations(), net.params(), net.getUpdater().getStateViewArray()),
        false);
  }

  /** DL4J's worker for {@code graph}, as a {@link GpuBoundWorker}. */
  @Override
  public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
    ComputationGraph net = graph.getNetwork();
    return worker(graph.getSparkContext(), new NetBroadcastTuple(net.getConfiguration(),
        net.params(), net.getUpdater().getStateViewArray()), true);
  }

  /** What DL4J's getWorkerInstance does (broadcast the network, configure), with our worker. */
  private ParameterAveragingTrainingWorker worker(JavaSparkContext sc, NetBroadcastTuple tuple,
      boolean graph) {
    if (collectTrainingStats) {
      stats.logBroadcastStart();
    }
    Broadcast<NetBroadcastTuple> broadcast = sc.broadcast(tuple);
    if (collectTrainingStats) {
      stats.logBroadcastEnd();
    }
    WorkerConfiguration configuration = new WorkerConfiguration(graph, rddDataSetNumExamples,
        batchSizePerWorker, averagingFrequency, prefetchNumBatches, collectTrainingStats);
    return new GpuBoundWorker(broadcast, saveUpdater, configuration, trainingHookList,
        listeners, getRouterProvider());
  }

  /**
   * DL4J's export of the minibatches of {@code trainingData} for training, without its check of
   * the default filesystem. DL4J exports to the export directory it was given, here inside the
   * run directory, which must be a path every executor reaches (HDFS, S3, a disk all machines
   * share) like the rest of the run directory; but it checks {@code fs.defaultFS} instead and,
   * on a cluster, refuses the local filesystem even when the export directory is elsewhere or on
   * a shared disk ("Export training approach is not supported in the current environment").
   */
  @Override
  protected JavaRDD<String> exportIfRequired(JavaSparkContext sc, JavaRDD<DataSet> trainingData) {
    return exportUnlessDone(sc, trainingData, this::export);
  }

  /** As {@link #exportIfRequired}, for networks trained on MultiDataSets (computation graphs). */
  @Override
  protected JavaRDD<String> exportIfRequiredMDS(JavaSparkContext sc,
      JavaRDD<MultiDataSet> trainingData) {
    return exportUnlessDone(sc, trainingData, this::exportMDS);
  }

  /** DL4J's export bookkeeping: one export per RDD, the previous RDD's export deleted. */
  private <T> JavaRDD<String> exportUnlessDone(JavaSparkContext sc, JavaRDD<T> trainingData,
      Function<JavaRDD<T>, String> export) {
    if (collectTrainingStats) {
      stats.logExportStart();
    }
    String baseDir;
    if (lastExportedRDDId == trainingData.id()) {
      baseDir = getBaseDirForRDD(trainingData);
    } else {
      if (lastExportedRDDId != Integer.MIN_VALUE) {
        deleteTempDir(sc, lastRDDExportPath);
      }
      baseDir = export.apply(trainingData);
    }
    if (collectTrainingStats) {
      stats.logExportEnd();
    }
    return sc.textFile(baseDir + "paths/");
  }
}
