package org.sparkcnn.train;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.backend.ClusterEnvironment;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.ModelConfig;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.EpochOrder;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Minibatches;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ModelBuilder;
import org.sparkcnn.models.ModelSummary;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkBuilder;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunReport;
import org.sparkcnn.report.Table;

/**
 * Trains one network with DL4J parameter averaging on Spark and writes its outputs into one
 * directory (a run's, or one repeat's): builds the model of {@code model.name} (or restores it
 * from the newest complete checkpoint when resuming), trains {@code train.epochs} epochs,
 * evaluates on the test set after each, checkpoints, and at the end writes {@code model.zip},
 * {@code model-ema.zip}, the accuracy tables and {@code timing.csv} ({@link RunLayout}).
 *
 * <p>Usage: {@code RunResult result = NetworkTraining.train(sc, inputs, listener);}. The run
 * around it (lock, directory, data, repeats, {@code _SUCCESS}) is {@link RunLifecycle}'s.
 *
 * <p>Divergence stops the training in the averaging round where it shows: a loss that is no
 * longer finite ({@link RoundProgress}) or a parameter that is not ({@link SparkNetwork}), with a
 * {@link DivergedException}.
 */
public final class NetworkTraining {
  /** The training job's logger: its lines keep the name they have always had in the log. */
  private static final Logger log = LoggerFactory.getLogger(TrainJob.class);

  /**
   * What one training needs.
   *
   * @param config the run's configuration ({@code model}, {@code train}, {@code data} sections)
   * @param seed the seed of this training: weights, data order, augmentation, dropout
   * @param dir where the outputs go
   * @param classNames the class names, by class index
   * @param trainAugmenter the training pipeline, seeded with {@code seed}
   * @param evalAugmenter the evaluation pipeline
   * @param train the cached training images
   * @param test the cached test images
   * @param order the training data's order in every epoch, seeded with {@code seed}
   * @param resuming whether to continue from the newest complete checkpoint in {@code dir}
   * @param startNanos {@link System#nanoTime()} at the start of what {@code total_seconds} of
   *     {@code timing.csv} covers
   * @param environment the run's backend probe, whose executor builds {@code timing.csv} reports
   * @param network the network to train (a pruned one, say), its {@code model.md} drawn from its
   *     own configuration; null: a new network of {@code model.name}
   */
  public record Inputs(JobConfig config, long seed, RunDirectory dir, List<String> classNames,
      Augmenter trainAugmenter, Augmenter evalAugmenter, JavaRDD<LabeledImage> train,
      JavaRDD<LabeledImage> test, EpochOrder order, boolean resuming, long startNanos,
      ClusterEnvironment environment, Model network) {
    /** Inputs that train a new network of {@code model.name}. */
    public Inputs(JobConfig config, long seed, RunDirectory dir, List<String> classNames,
        Augmenter trainAugmenter, Augmenter evalAugmenter, JavaRDD<LabeledImage> train,
        JavaRDD<LabeledImage> test, EpochOrder order, boolean resuming, long startNanos,
        ClusterEnvironment environment) {
      this(config, seed, dir, classNames, trainAugmenter, evalAugmenter, train, test, order,
          resuming, startNanos, environment, null);
    }
  }

  private final JavaSparkContext sc;
  private final Inputs in;
  private final JobConfig.TrainConfig tc;
  private final RunDirectory dir;
  private final EpochListener listener;
  private final int workers;
  private final List<EpochMetrics> epochs = new ArrayList<>();
  private Checkpoints checkpoints;
  /** DL4J's master ({@code train.master = "dl4j"}), or null. */
  private EpochSeededTrainingMaster master;
  /** The resident master ({@code train.master = "resident"}), or null. */
  private ResidentTrainingMaster resident;
  private SparkNetwork sparkNet;
  private RoundProgress progress;
  private int firstEpoch = 1;
  /** Rows of round-times.csv from before a resume: the epochs up to the checkpoint's. */
  private List<List<String>> earlierRoundTimes = List.of();
  /** The newest test evaluations: the parameters', then the moving average's when kept. */
  private List<Evaluation> evaluations;

  private NetworkTraining(JavaSparkContext sc, Inputs in, EpochListener listener) {
    this.sc = sc;
    this.in = in;
    this.tc = in.config().train();
    this.dir = in.dir();
    this.listener = listener;
    this.workers = tc.workers() > 0 ? tc.workers() : sc.defaultParallelism();
  }

  /**
   * Trains one network as {@code inputs} describe and writes its outputs into {@code
   * inputs.dir()}.
   *
   * @param listener told of each finished epoch, after its checkpoint
   * @return the test accuracies and the trained network
   * @throws DivergedException when the loss or a parameter becomes NaN or infinite
   * @throws InvalidConfigException when {@code model.name} names no model
   */
  public static RunResult train(JavaSparkContext sc, Inputs inputs, EpochListener listener) {
    return new NetworkTraining(sc, inputs, listener).run();
  }

  private RunResult run() {
    ModelConfig mc = in.config().model();
    NetworkOptions options = new NetworkOptions(in.trainAugmenter().outputShape(),
        in.config().data().numClasses(), mc.activation(), mc.weightInitScheme(), mc.l2(),
        tc.optimizer(), in.seed(), mc.convolutionEngine());
    ModelBuilder model = in.network() != null ? null : builder(mc.name(), options);
    boolean graph = in.network() != null ? in.network() instanceof ComputationGraph
        : model instanceof GraphBuilder;
    checkpoints = new Checkpoints(dir, tc.checkpointEvery(), tc.checkpointsKept());
    Checkpoints.Restored restored = !in.resuming() ? null : checkpoints.latest(
        stream -> graph ? ModelSerializer.restoreComputationGraph(stream, true)
            : ModelSerializer.restoreMultiLayerNetwork(stream, true)).orElse(null);
    Model net = restored != null ? restored.network() : in.network() != null ? in.network()
        : model instanceof NetworkBuilder layers ? layers.init() : ((GraphBuilder) model).init();
    log.info("model {}: {} parameters", mc.name(), net.numParams());
    dir.write(RunLayout.MODEL_SUMMARY, ModelSummary.modelMarkdown(mc.name(),
        options.inputShape(), model != null ? model.summary(options.inputShape())
            : summary(net, options.inputShape())));
    startSparkNetwork(net, restored);
    String driverNd4j = NativeBackend.describe();
    List<String> executorNd4j = in.environment().executorNd4jBuilds();
    log.info("ND4J backend: driver {}; executors {}", driverNd4j, executorNd4j);
    followRounds(restored);
    try {
      for (int epoch = firstEpoch; epoch <= tc.epochs(); epoch++) {
        trainEpoch(epoch);
      }
    } finally {
      if (resident != null) {
        writeRoundTimes(); // also when the training failed (a diverged round is in it)
        resident.deleteTempFiles(sc);
      } else {
        master.deleteTempFiles(sc);
        ExportDirectory.delete(dir);
      }
    }
    if (evaluations == null) { // resumed after the last epoch's checkpoint: evaluate what it holds
      evaluations = evaluate();
    }
    return writeOutputs(driverNd4j, executorNd4j);
  }

  /** The training master and the Spark network, with the moving average when one is kept. */
  private void startSparkNetwork(Model net, Checkpoints.Restored restored) {
    if (tc.master() == TrainingMasterChoice.RESIDENT) {
      resident = new ResidentTrainingMaster(workers, tc.batchSizePerWorker(),
          tc.averagingFrequency(), tc.prefetchBatches(), tc.aggregationDepth(),
          tc.roundScheduling(), trainingHooks(in.seed()));
    } else {
      master = dl4jMaster();
    }
    sparkNet = SparkNetwork.of(sc, net, resident != null ? resident : master);
    if (restored != null && restored.average() != null) {
      sparkNet.averageParameters(new MovingAverage(tc.emaDecay(), restored.average(),
          restored.state().averageUpdates()));
    } else if (tc.emaDecay() > 0) {
      sparkNet.averageParameters(tc.emaDecay());
    }
  }

  /** DL4J's master, exporting each epoch's minibatches into the run directory. */
  private EpochSeededTrainingMaster dl4jMaster() {
    return new EpochSeededTrainingMaster(
        new ParameterAveragingTrainingMaster.Builder(workers, tc.batchSizePerWorker())
            .batchSizePerWorker(tc.batchSizePerWorker())
            .averagingFrequency(tc.averagingFrequency())
            .workerPrefetchNumBatches(tc.prefetchBatches())
            .aggregationDepth(tc.aggregationDepth())
            .rddTrainingApproach(RDDTrainingApproach.Export)
            .exportDirectory(ExportDirectory.create(dir).toString())
            .rngSeed(in.seed())
            .trainingHooks(trainingHooks(in.seed()))
            .saveUpdater(true), in.seed());
  }

  /** Starts following the rounds and, when resuming, continues after the checkpoint's epoch. */
  private void followRounds(Checkpoints.Restored restored) {
    int roundsPerEpoch = resident != null
        ? ResidentTrainingMaster.roundsPerEpoch(in.order().size(), tc.batchSizePerWorker(),
            workers, tc.averagingFrequency())
        : RoundProgress.roundsPerEpoch(in.order().minibatches(tc.batchSizePerWorker()), workers,
            tc.averagingFrequency());
    RoundProgress.Size fullRound = new RoundProgress.Size(
        (long) workers * tc.batchSizePerWorker() * tc.averagingFrequency(),
        tc.averagingFrequency());
    progress = new RoundProgress(sparkNet, tc.schedule(), roundsPerEpoch,
        resident != null ? resident::lastRoundSize : () -> fullRound);
    sparkNet.listenToRounds(progress);
    if (restored == null) {
      if (in.resuming()) {
        log.info("no complete checkpoint in {}: training from epoch 1", dir.path());
      }
      return;
    }
    Checkpoints.State state = restored.state();
    firstEpoch = state.epoch() + 1;
    epochs.addAll(state.epochs());
    progress.restore(state.rounds());
    // Outputs of epochs after the checkpoint, if any, are replaced as they are trained again.
    dir.write(RunLayout.METRICS, RunReports.metrics(epochs).toCsv());
    dir.write(RunLayout.ROUNDS, RunReports.rounds(progress.rounds()).toCsv());
    if (resident != null && dir.exists(RunLayout.ROUND_TIMES)) {
      int epoch = RunLayout.ROUND_TIMES_COLUMNS.indexOf("epoch");
      earlierRoundTimes = Table.parse(new String(dir.readBytes(RunLayout.ROUND_TIMES),
          StandardCharsets.UTF_8)).rows().stream()
          .filter(row -> Integer.parseInt(row.get(epoch)) <= state.epoch()).toList();
    }
    log.info("resuming from the checkpoint of epoch {} of {}", state.epoch(), tc.epochs());
    int partitions = in.order().partitions();
    if (state.workers() != workers || state.partitions() != partitions) {
      log.warn("the run trained with {} workers on {} partitions and now has {} on {}: the"
          + " data order will differ from the uninterrupted run's (set train.workers and"
          + " data.partitions to keep them)", state.workers(), state.partitions(), workers,
          partitions);
    }
  }

  /** Trains, evaluates, reports and checkpoints 1-based {@code epoch}. */
  private void trainEpoch(int epoch) {
    // Every round broadcasts the driver's configuration, so the workers train at the rate the
    // progress sets before each.
    double learningRate = progress.startEpoch(epoch);
    long t0 = System.nanoTime();
    if (resident != null) {
      resident.startEpoch(new ResidentTrainingMaster.EpochSource(in.train(), in.order(),
          in.trainAugmenter(), epoch));
      sparkNet.fitEpoch(sc.emptyRDD()); // the resident master reads the epoch it was given
    } else {
      master.startEpoch(epoch);
      sparkNet.fitEpoch(Minibatches.training(in.train(), in.order(), tc.batchSizePerWorker(),
          in.trainAugmenter(), epoch));
    }
    double trainSeconds = seconds(t0);
    dir.write(RunLayout.ROUNDS, RunReports.rounds(progress.rounds()).toCsv());
    if (resident != null) {
      writeRoundTimes();
    }
    List<RoundProgress.Round> rounds = progress.roundsOf(epoch);
    // Every round's loss is finite: RoundProgress stops the run in the round where it is not.
    double loss = rounds.stream().mapToDouble(RoundProgress.Round::loss).average()
        .orElse(Double.NaN);
    long t1 = System.nanoTime();
    evaluations = evaluate();
    Evaluation eval = evaluations.get(0);
    Evaluation evalEma = evaluations.size() > 1 ? evaluations.get(1) : null;
    EpochMetrics m = new EpochMetrics(epoch, in.order().size(), rounds.size(), learningRate,
        loss, eval.accuracy(), eval.topNAccuracy(),
        evalEma == null ? Double.NaN : evalEma.accuracy(),
        evalEma == null ? Double.NaN : evalEma.topNAccuracy(), trainSeconds, seconds(t1));
    epochs.add(m);
    dir.write(RunLayout.METRICS, RunReports.metrics(epochs).toCsv());
    log.info(String.format(Locale.ROOT,
        "epoch %d/%d | rounds %d | lr %.3g | loss %.4f | test accuracy %.4f (top-5 %.4f)%s"
            + " | %.1f examples/s | train %.1f s | eval %.1f s",
        epoch, tc.epochs(), m.rounds(), learningRate, m.loss(), m.testAccuracy(),
        m.testTop5Accuracy(), evalEma == null ? "" : String.format(Locale.ROOT,
            ", moving average %.4f", m.testAccuracyEma()),
        m.examplesPerSecond(), m.trainSeconds(), m.evalSeconds()));
    MovingAverage average = sparkNet.movingAverage();
    if (checkpoints.due(epoch, tc.epochs())) {
      checkpoints.save(sparkNet.network(), average == null ? null : average.average(),
          new Checkpoints.State(epoch, epochs, progress.rounds(),
              average == null ? 0 : average.updates(), workers, in.order().partitions(),
              Map.of()));
    }
    RunReport.update(dir, RunReport.Status.running(epoch, tc.epochs()));
    listener.epochFinished(m);
  }

  /** round-times.csv: the rows from before a resume, then this process's rounds. */
  private void writeRoundTimes() {
    Table table = new Table(RunLayout.ROUND_TIMES_COLUMNS);
    earlierRoundTimes.forEach(table::add);
    RunReports.roundTimes(resident.rounds()).rows().forEach(table::add);
    dir.write(RunLayout.ROUND_TIMES, table.toCsv());
  }

  /** Writes the models and the final reports; returns what the training reached. */
  private RunResult writeOutputs(String driverNd4j, List<String> executorNd4j) {
    JobConfig config = in.config();
    Evaluation eval = evaluations.get(0);
    Evaluation evalEma = evaluations.size() > 1 ? evaluations.get(1) : null;
    Model trained = sparkNet.network();
    dir.write(RunLayout.MODEL, out -> ModelSerializer.writeModel(trained, out, true));
    if (sparkNet.movingAverage() != null) {
      Model averaged = copyWithParams(trained, sparkNet.movingAverage().average());
      dir.write(RunLayout.MODEL_EMA, out -> ModelSerializer.writeModel(averaged, out, false));
    }
    dir.write(RunLayout.ACCURACY, RunReports.accuracy(config, eval, evalEma).toCsv());
    dir.write(RunLayout.ACCURACY_MD,
        RunReports.accuracyMarkdown(config, in.classNames(), eval, evalEma));
    dir.write(RunLayout.PER_CLASS, RunReports.perClass(in.classNames(), eval).toCsv());
    dir.write(RunLayout.CONFUSION, RunReports.confusion(eval).toCsv());
    var timing = RunReports.timing(config, sc.master(), workers, epochs,
        seconds(in.startNanos()), firstEpoch - 1, driverNd4j, executorNd4j,
        resident != null ? TimeSplit.of(resident.rounds())
            : TimeSplit.of(sparkNet.trainingStats(), workers));

    dir.write(RunLayout.TIMING, timing.toCsv());
    dir.write(RunLayout.TIMING_MD, "# Timing\n\n" + timing.toMarkdown());
    RunReport.update(dir, RunReport.Status.finished(tc.epochs()));
    return new RunResult(dir.path().toString(), eval.accuracy(), eval.topNAccuracy(),
        evalEma == null ? Double.NaN : evalEma.accuracy(),
        evalEma == null ? Double.NaN : evalEma.topNAccuracy(), List.copyOf(epochs), trained);
  }

  /** The hooks run on the workers around every minibatch fit. */
  private static List<TrainingHook> trainingHooks(long seed) {
    List<TrainingHook> hooks = new ArrayList<>(List.of(new MinibatchSeeding(seed)));
    ExecutorHalt.fromSystemProperty().ifPresent(hooks::add);
    return hooks;
  }

  /**
   * Test evaluations of the network's parameters and, when a moving average is kept, of the
   * average (second), in one pass over the test set.
   */
  private List<Evaluation> evaluate() {
    MovingAverage average = sparkNet.movingAverage();
    List<INDArray> parameterSets = average == null ? List.of(sparkNet.network().params())
        : List.of(sparkNet.network().params(), average.average());
    return Evaluator.evaluate(sc, sparkNet.network(), parameterSets, in.test(),
        in.evalAugmenter(), tc.evalBatchSize());
  }

  /** The builder of {@code name}. */
  private static ModelBuilder builder(String name, NetworkOptions options) {
    try {
      return Models.create(name, options);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("model.name: " + e.getMessage(), e);
    }
  }

  /** The layer table of a network given to train, from its own configuration. */
  private static ModelSummary summary(Model net, org.sparkcnn.models.ImageShape input) {
    if (net instanceof MultiLayerNetwork layers) {
      return ModelSummary.of(layers.getLayerWiseConfigurations(), input);
    }
    return ModelSummary.of(((ComputationGraph) net).getConfiguration(),
        org.deeplearning4j.nn.conf.inputs.InputType.convolutional(input.height(), input.width(),
            input.channels()));
  }

  /** A copy of {@code net} holding {@code params}. */
  static Model copyWithParams(Model net, INDArray params) {
    Model copy = net instanceof MultiLayerNetwork layers ? layers.clone()
        : ((ComputationGraph) net).clone();
    copy.setParams(params.dup());
    return copy;
  }

  static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
