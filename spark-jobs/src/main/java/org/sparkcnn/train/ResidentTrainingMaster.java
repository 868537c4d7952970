package org.sparkcnn.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleConsumer;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.TrainingResult;
import org.deeplearning4j.spark.api.TrainingWorker;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.sparkcnn.config.RoundScheduling;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.EpochOrder;
import org.sparkcnn.data.FloatArrays;
import org.sparkcnn.data.LabeledImage;

/**
 * A parameter-averaging training master behind DL4J's {@link TrainingMaster} interface whose
 * workers keep their network alive across rounds and make their minibatches from the cached
 * examples: no minibatch export, no network built per round.
 *
 * <p>The averaging is DL4J's (ParameterAveragingTrainingMaster): before every round the driver
 * broadcasts its network's parameters, updater state, learning rates and iteration count ({@link
 * RoundState}); each worker fits at most {@code averaging frequency} minibatches from that state;
 * the workers' parameters and updater states are summed by {@code treeAggregate} of the given
 * depth and divided by the number of workers on the driver, which sets them and the workers' mean
 * last-minibatch loss ({@code setScore}) on its network and advances its iteration count by the
 * averaging frequency. What differs is how a round gets its data and network:
 * <ul>
 *   <li>each epoch's examples are dealt by one shuffle of the cached uint8 examples into
 *       rounds x workers partitions ({@link RoundDeal}), in the epoch's order ({@link
 *       EpochOrder}, seeded by (seed, epoch)); each round's Spark job reads its workers'
 *       partitions, and the worker tasks augment and batch them ({@link ResidentRound});
 *   <li>each task fits on a network resident in its executor ({@link ResidentSlots}), built on
 *       first use and reset from the broadcast every round.
 * </ul>
 * Every round depends only on (seed, epoch, examples, workers, batch, averaging frequency) and
 * the driver's state, so a resumed run repeats the uninterrupted run's rounds, and a task rerun
 * after an executor is lost recomputes the same result. The sum is {@link RoundSum}'s: while it
 * has no level between the workers and the driver (depth 1, or up to 5 workers at depth 2) the
 * driver adds the workers' results in worker order, so the training is the same bitwise from run
 * to run; with more workers Spark's {@code treeAggregate} adds partial sums in an order that
 * varies, as in DL4J's master.
 *
 * <p>With {@link RoundScheduling#BARRIER} ({@code train.round-scheduling = "barrier"}) an epoch
 * is one barrier-mode Spark job instead of one job per round: the epoch's deal has one partition
 * per worker ({@link RoundDeal#byWorker}), whose task ({@link BarrierEpoch}) stays up for the
 * epoch and exchanges every round's state and result with the driver over a connection ({@link
 * RoundExchange}); the driver adds the results in worker order whatever the number of workers,
 * so the training is the same, bitwise, as one job per round summed on the driver.
 *
 * <p>Usage: {@code master.startEpoch(new EpochSource(cached, order, augmenter, epoch));} then
 * {@code sparkNet.fit(anyRdd)} (the RDD given to {@code fit} is not read) for every epoch.
 */
public final class ResidentTrainingMaster
    implements TrainingMaster<TrainingResult, TrainingWorker<TrainingResult>>, Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * One epoch's data.
   *
   * @param examples the cached examples (uint8 pixels)
   * @param order their order in every epoch, made of {@code examples}
   * @param augmenter the training pipeline
   * @param epoch the 1-based epoch
   */
  public record EpochSource(JavaRDD<LabeledImage> examples, EpochOrder order,
      Augmenter augmenter, int epoch) {}

  /**
   * Where one round's time went, in milliseconds.
   *
   * @param wallMs the whole round on the driver: broadcast, job and driver update
   * @param broadcastMs creating the round's broadcast
   * @param jobMs the round's Spark job: the workers' set-up and fit, scheduling, returning and
   *     tree-aggregating their results (the first round of an epoch also deals the epoch)
   * @param driverMs dividing the sums and setting them, the loss and the counts on the driver
   * @param maxFitMs the slowest worker's fit
   * @param minFitMs the fastest worker's fit
   * @param meanFitMs the workers' mean fit
   * @param meanInitMs the workers' mean set-up: getting the broadcast, building the network
   *     (first use only) and setting the state into it
   * @param builds networks built in the round
   * @param meanWaitMs the workers' mean time waiting for their next minibatch (reading the
   *     round's examples and augmenting them, when the fit is faster)
   * @param meanTaskMs the workers' mean task time, from its start to its result
   */
  public record Round(int epoch, int round, int workers, int minibatches, double wallMs,
      double broadcastMs, double jobMs, double driverMs, double maxFitMs, double minFitMs,
      double meanFitMs, double meanInitMs, int builds, double meanWaitMs, double meanTaskMs) {}

  private final int workers;
  private final int batchSize;
  private final int averagingFrequency;
  private final int prefetch;
  private final int aggregationDepth;
  private final RoundScheduling scheduling;
  private final List<TrainingHook> hooks = new ArrayList<>();
  private final transient List<Round> rounds = new ArrayList<>();
  private transient EpochSource source;
  private transient Broadcast<ModelSpec> spec;
  private transient RoundProgress.Size lastRoundSize;

  /**
   * @param workers workers per round (Spark tasks)
   * @param batchSize examples per minibatch
   * @param averagingFrequency the most minibatches a worker fits between two averagings
   * @param prefetch minibatches a task makes ahead of its fit (at least one is)
   * @param aggregationDepth depth of the {@code treeAggregate} of the workers' results
   * @param hooks run on the workers around every minibatch fit
   * @throws IllegalArgumentException when a number is out of range
   */
  public ResidentTrainingMaster(int workers, int batchSize, int averagingFrequency, int prefetch,
      int aggregationDepth, Collection<TrainingHook> hooks) {
    this(workers, batchSize, averagingFrequency, prefetch, aggregationDepth, RoundScheduling.JOB,
        hooks);
  }

  /**
   * As {@link #ResidentTrainingMaster(int, int, int, int, int, Collection)}, with the rounds run
   * as {@code scheduling} says ({@code train.round-scheduling}).
   */
  public ResidentTrainingMaster(int workers, int batchSize, int averagingFrequency, int prefetch,
      int aggregationDepth, RoundScheduling scheduling, Collection<TrainingHook> hooks) {
    if (workers < 1 || batchSize < 1 || averagingFrequency < 1 || prefetch < 0
        || aggregationDepth < 1) {
      throw new IllegalArgumentException("workers, batch size, averaging frequency and"
          + " aggregation depth must be >= 1 and prefetch >= 0, got " + workers + ", "
          + batchSize + ", " + averagingFrequency + ", " + aggregationDepth + " and " + prefetch);
    }
    this.workers = workers;
    this.batchSize = batchSize;
    this.averagingFrequency = averagingFrequency;
    this.prefetch = prefetch;
    this.aggregationDepth = aggregationDepth;
    this.scheduling = Objects.requireNonNull(scheduling, "scheduling");
    this.hooks.addAll(hooks);
  }

  /** Rounds of an epoch of {@code examples} examples (see {@link RoundDeal}). */
  public static int roundsPerEpoch(long examples, int batchSize, int workers,
      int averagingFrequency) {
    return RoundDeal.rounds(examples, batchSize, workers, averagingFrequency);
  }

  /** Sets the data of the next {@code fit}, which trains one epoch of it. */
  public void startEpoch(EpochSource epochSource) {
    this.source = epochSource;
  }

  /** What the newest round fitted (set before its loss is reported), or null before any. */
  public RoundProgress.Size lastRoundSize() {
    return lastRoundSize;
  }

  /** Every round so far. */
  public List<Round> rounds() {
    return List.copyOf(rounds);
  }

  /**
   * Trains the epoch set by {@link #startEpoch}; {@code ignored} is not read.
   *
   * @throws IllegalStateException when no epoch was set since the last fit
   */
  @Override
  public void executeTraining(SparkDl4jMultiLayer network, JavaRDD<DataSet> ignored) {
    train(network.getSparkContext(), network.getNetwork(), network::setScore);
  }

  /** As {@link #executeTraining(SparkDl4jMultiLayer, JavaRDD)}, for a computation graph. */
  @Override
  public void executeTraining(SparkComputationGraph graph, JavaRDD<DataSet> ignored) {
    train(graph.getSparkContext(), graph.getNetwork(), graph::setScore);
  }

  /** As {@link #executeTraining(SparkDl4jMultiLayer, JavaRDD)}, for a computation graph. */
  @Override
  public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> ignored) {
    train(graph.getSparkContext(), graph.getNetwork(), graph::setScore);
  }

  /** Not supported: this master trains from cached examples ({@link #startEpoch}). */
  @Override
  public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph,
      JavaRDD<String> paths, DataSetLoader dsLoader, MultiDataSetLoader mdsLoader) {
    throw new UnsupportedOperationException("the resident master trains from cached examples"
        + " (startEpoch), not from exported minibatch paths");
  }

  private void train(JavaSparkContext sc, Model net, DoubleConsumer setScore) {
    EpochSource epoch = source;
    if (epoch == null) {
      throw new IllegalStateException("the resident master trains the epoch startEpoch set;"
          + " call it before every fit");
    }
    source = null;
    if (spec == null) {
      spec = sc.broadcast(ModelSpec.of(net));
    }
    RoundDeal deal = new RoundDeal(epoch.order().size(), batchSize, workers, averagingFrequency);
    if (scheduling == RoundScheduling.BARRIER) {
      BarrierRounds.check(sc, workers);
      BarrierRounds.run(sc, net, epoch.epoch(), workers, deal,
          epoch.order().positioned(epoch.examples(), epoch.epoch()),
          (host, port, token) -> new BarrierEpoch(spec, epoch.augmenter().forEpoch(
              epoch.epoch()), batchSize, prefetch, hooks, deal, epoch.epoch(), host, port, token),
          (r, sum, t0, t1, t2) -> endRound(net, setScore, epoch.epoch(), r, sum, t0, t1, t2));
      return;
    }
    // One shuffle deals the epoch; each task sorts its partition (ResidentRound), so Spark's
    // shuffle writes without sorting or sizing the records.
    ResidentRound work = new ResidentRound(spec, epoch.augmenter().forEpoch(epoch.epoch()),
        batchSize, prefetch, hooks);
    JavaRDD<RoundResult> results = deal.deal(epoch.order().positioned(epoch.examples(),
        epoch.epoch())).mapPartitions(work);
    for (int r = 0; r < deal.rounds(); r++) {
      long t0 = System.nanoTime();
      Broadcast<RoundState> state = sc.broadcast(RoundState.of(net));
      work.startRound(state);
      long t1 = System.nanoTime();
      RoundResult sum = RoundSum.of(results, r, workers, aggregationDepth);
      long t2 = System.nanoTime();
      try {
        endRound(net, setScore, epoch.epoch(), r, sum, t0, t1, t2);
      } finally {
        state.destroy();
      }
    }
  }

  /** The driver's end of round {@code r}: the averaging, the loss and the round's times. */
  private void endRound(Model net, DoubleConsumer setScore, int epoch, int r, RoundResult sum,
      long t0, long t1, long t2) {
    if (sum == null) {
      throw new IllegalStateException("round " + (r + 1) + " of epoch " + epoch
          + " had no minibatches");
    }
    average(net, sum);
    lastRoundSize = new RoundProgress.Size(sum.examples(),
        (sum.minibatches() + sum.workers() - 1) / sum.workers());
    try {
      setScore.accept(sum.meanScore()); // the round's listeners (RoundProgress) run here
    } finally { // a diverged round is recorded too
      long t3 = System.nanoTime();
      int w = sum.workers();
      rounds.add(new Round(epoch, r + 1, w, sum.minibatches(), ms(t3 - t0), ms(t1 - t0),
          ms(t2 - t1), ms(t3 - t2), ms(sum.maxFitNanos()), ms(sum.minFitNanos()),
          ms(sum.fitNanos()) / w, ms(sum.initNanos()) / w, sum.builds(),
          ms(sum.waitNanos()) / w, ms(sum.taskNanos()) / w));
    }
  }

  /**
   * DL4J's driver step (ParameterAveragingTrainingMaster.processResults): the sums divided by the
   * number of workers and set on {@code net}, then its iteration count advanced by the averaging
   * frequency.
   */
  private void average(Model net, RoundResult sum) {
    INDArray params = net.params();
    FloatArrays.copyInto(sum.params(), params);
    params.divi(sum.workers());
    INDArray view = RoundState.updaterState(net);
    if (view != null) {
      FloatArrays.copyInto(sum.updaterState(), view);
      view.divi(sum.workers());
    }
    if (net instanceof MultiLayerNetwork m) {
      var conf = m.getLayerWiseConfigurations();
      conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
    } else {
      var conf = ((ComputationGraph) net).getConfiguration();
      conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** Not supported: the workers are this master's tasks, not DL4J's workers. */
  @Override
  public TrainingWorker<TrainingResult> getWorkerInstance(SparkDl4jMultiLayer network) {
    throw new UnsupportedOperationException("the resident master has no DL4J worker");
  }

  /** Not supported: the workers are this master's tasks, not DL4J's workers. */
  @Override
  public TrainingWorker<TrainingResult> getWorkerInstance(SparkComputationGraph graph) {
    throw new UnsupportedOperationException("the resident master has no DL4J worker");
  }

  @Override
  public void addHook(TrainingHook hook) {
    hooks.add(hook);
  }

  @Override
  public void removeHook(TrainingHook hook) {
    hooks.remove(hook);
  }

  /** The settings, as JSON. */
  @Override
  public String toJson() {
    return String.format(java.util.Locale.ROOT, "{\"master\":\"resident\",\"workers\":%d,"
        + "\"batchSize\":%d,\"averagingFrequency\":%d,\"prefetch\":%d,\"aggregationDepth\":%d,"
        + "\"roundScheduling\":\"%s\"}", workers, batchSize, averagingFrequency, prefetch,
        aggregationDepth, scheduling);
  }

  /** The settings, as YAML. */
  @Override
  public String toYaml() {
    return String.format(java.util.Locale.ROOT, "master: resident%nworkers: %d%nbatchSize: %d%n"
        + "averagingFrequency: %d%nprefetch: %d%naggregationDepth: %d%nroundScheduling: %s%n",
        workers, batchSize, averagingFrequency, prefetch, aggregationDepth, scheduling);
  }

  /** No DL4J statistics are kept: the rounds' times are {@link #rounds()}. */
  @Override
  public void setCollectTrainingStats(boolean collect) {}

  @Override
  public boolean getIsCollectTrainingStats() {
    return false;
  }

  /** None: the rounds' times are {@link #rounds()}. */
  @Override
  public SparkTrainingStats getTrainingStats() {
    return null;
  }

  /**
   * Not supported: DL4J listeners would have to be broadcast to the resident networks.
   *
   * @throws UnsupportedOperationException unless {@code listeners} is empty
   */
  @Override
  public void setListeners(Collection<TrainingListener> listeners) {
    setListeners(null, listeners);
  }

  /** As {@link #setListeners(Collection)}. */
  @Override
  public void setListeners(StatsStorageRouter router, Collection<TrainingListener> listeners) {
    if (listeners != null && !listeners.isEmpty()) {
      throw new UnsupportedOperationException("the resident master takes no DL4J listeners");
    }
  }

  /**
   * Ends the training: destroys the model broadcast and closes this JVM's resident networks of
   * it (in local mode, all of them; an executor's are replaced by the next training's).
   */
  @Override
  public boolean deleteTempFiles(JavaSparkContext sc) {
    if (spec != null) {
      ResidentSlots.evict(spec.value().id());
      spec.destroy();
      spec = null;
    }
    return true;
  }

  @Override
  public boolean deleteTempFiles(SparkContext sc) {
    return deleteTempFiles(new JavaSparkContext(sc));
  }
}
