package org.sparkcnn.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.SparkConf;
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
import org.sparkcnn.augment.DatasetStats;
import org.sparkcnn.backend.BackendProbe;
import org.sparkcnn.backend.BackendUnavailableException;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.DataFormat;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.RunIds;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.Datasets;
import org.sparkcnn.data.EpochOrder;
import org.sparkcnn.data.ImageDataset;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Loaded;
import org.sparkcnn.data.Minibatches;
import org.sparkcnn.data.PartitionLabels;
import org.sparkcnn.data.PixelStatistics;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ModelBuilder;
import org.sparkcnn.models.ModelSummary;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkBuilder;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLock;
import org.sparkcnn.report.RunReports;
import org.sparkcnn.report.SparkConfReport;

/**
 * Trains a CNN with DL4J parameter averaging on Spark, evaluates it on the test set after every
 * epoch, and writes a run directory: {@code config.conf}, {@code model.md}, {@code metrics.csv},
 * {@code accuracy.csv/.md}, {@code timing.csv/.md}, {@code model.zip} and, last, {@code
 * _SUCCESS}.
 *
 * <p>Usage: {@code TrainJob [--conf FILE]... [--set key=value]...}
 *
 * <p>Files and overrides are layered over {@code reference.conf} in the order given. The master is
 * spark-submit's {@code --master} (or {@code -Dspark.master=local[N]} when run with plain java).
 * Exit codes: see {@link ExitCode}.
 */
public final class TrainJob {
  private static final Logger log = LoggerFactory.getLogger(TrainJob.class);
  public static final String APP_NAME = "spark-cnn train";
  /** The resolved configuration of the run, which {@code --resume} reads back. */
  static final String CONFIG = "config.conf";
  /** Keys that {@code --resume} may set: where the run continues, not what it computes. */
  static final String RESUMABLE_PREFIX = "cluster.";
  /** Where DL4J exports each epoch's minibatches, inside the run directory; deleted at the end. */
  static final String EXPORT_DIR = ExportDirectory.INSIDE;
  /** The training set's pixel statistics (normalize, pca-lighting use them). */
  static final String STATS = "dataset-stats.json";
  /** Sub-directory of each repeat when {@code run.repeats} > 1: repeat-1, repeat-2, ... */
  static final String REPEAT_PREFIX = "repeat-";
  /** One row per averaging round: epoch, round, learning rate, loss, seconds, examples/s. */
  static final String ROUNDS = "rounds.csv";
  /** The moving average of the parameters as a second model (no updater state). */
  static final String MODEL_EMA = "model-ema.zip";
  /** Inputs left out (undecodable or rejected images), with the reason for each. */
  static final String SKIPPED = "skipped-images.csv";
  /** Written instead of {@code _SUCCESS} when a run fails, holding the error. */
  static final String FAILED = RunDirectory.FAILED;
  /** Called after each epoch's outputs and checkpoint are written; tests stop runs with it. */
  static volatile IntConsumer afterEpoch = epoch -> { };
  /** Test hook: the driver JVM halts (exit code 137) right after this epoch's checkpoint. */
  static final String HALT_AFTER_EPOCH = "spark-cnn.test.halt-after-epoch";
  private static final String USAGE =
      "Usage: TrainJob [--conf FILE]... [--set key=value]...\n"
          + "       TrainJob --resume RUN_DIR [--set cluster.KEY=value]...\n"
          + "  --conf FILE      HOCON file layered over the defaults (local path or Hadoop URI)\n"
          + "  --set key=value  one override, e.g. --set train.epochs=2\n"
          + "  --resume RUN_DIR continue an interrupted run from its last complete checkpoint,\n"
          + "                   with the configuration saved in RUN_DIR/config.conf (only\n"
          + "                   cluster.* keys, where it runs, may be set with it)\n"
          + "Keys and defaults: reference.conf (org/sparkcnn/config in the jar).";

  private TrainJob() {}

  public static void main(String[] args) {
    NativeBackend.select(); // before anything loads ND4J
    Integer haltAfterEpoch = Integer.getInteger(HALT_AFTER_EPOCH);
    if (haltAfterEpoch != null) {
      afterEpoch = epoch -> {
        if (epoch == haltAfterEpoch) {
          Runtime.getRuntime().halt(ExecutorHalt.KILLED);
        }
      };
    }
    System.exit(execute(args, () -> new JavaSparkContext(
        SparkSetup.configure(new SparkConf(), APP_NAME)), System.err).code());
  }

  /**
   * Parses {@code args}, loads the configuration, starts Spark through {@code sparkFactory} and
   * runs the job; reports any failure on {@code err} as one clear message.
   */
  public static ExitCode execute(String[] args, Supplier<JavaSparkContext> sparkFactory,
      PrintStream err) {
    Invocation invocation;
    try {
      invocation = parse(args);
    } catch (InvalidConfigException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.USAGE;
    }
    if (invocation == null) {
      err.println(USAGE);
      return ExitCode.OK;
    }
    try {
      // before the Spark context loads ND4J
      BackendProbe.checkDriverBeforeNd4j(invocation.config().cluster());
    } catch (BackendUnavailableException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.BACKEND;
    }
    JavaSparkContext sc = sparkFactory.get();
    try {
      if (invocation.resumeDir() == null) {
        requireFileSystem(invocation.config().run().outputRoot(), sc.hadoopConfiguration());
      }
      invocation = ExistingRun.resolve(invocation, sc.hadoopConfiguration());
      if (invocation == null) { // run.if-exists = resume, and the run is complete
        return ExitCode.OK;
      }
      RunResult result = invocation.resumeDir() == null ? run(invocation.config(), sc)
          : resume(invocation.resumeDir(), invocation.config(), sc);
      log.info("run complete: {} (test accuracy {})", result.runDirectory(),
          String.format(Locale.ROOT, "%.4f", result.testAccuracy()));
      return ExitCode.OK;
    } catch (Exception | OutOfMemoryError e) { // SparkException is checked, though Scala
      // declares nothing; an OutOfMemoryError of the driver is reported like an executor's
      ExitCode code = ExitCode.of(e);
      BadInputException bad = BadInputException.findIn(e);
      String message = bad != null ? bad.getMessage() : e.getMessage();
      if (code == ExitCode.FAILURE || code == ExitCode.OUT_OF_MEMORY) {
        log.error("run failed", e);
      }
      err.println("error: " + message);
      if (code == ExitCode.OUT_OF_MEMORY) {
        err.println(ExitCode.OUT_OF_MEMORY_ADVICE);
      }
      return code;
    } finally {
      sc.stop();
    }
  }

  /**
   * What the command line asks for: a new run with {@code config}, or the resumption of the run
   * in {@code resumeDir} (null for a new run) with the configuration saved there.
   */
  record Invocation(JobConfig config, String resumeDir) {}

  /** The configuration {@code args} describe, or null when they ask for help. */
  static JobConfig parseArgs(String[] args) {
    Invocation invocation = parse(args);
    return invocation == null ? null : invocation.config();
  }

  /** What {@code args} ask for, or null when they ask for help. */
  static Invocation parse(String[] args) {
    ConfigLoader loader = new ConfigLoader();
    Configuration hadoopConf = new Configuration();
    String resume = null;
    List<String> sets = new ArrayList<>();
    List<String> notResumable = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "-h", "--help" -> {
          return null;
        }
        case "--conf" -> {
          String file = value(args, ++i, "--conf");
          loader.file(file, hadoopConf);
          notResumable.add("--conf " + file);
        }
        case "--set" -> {
          String set = value(args, ++i, "--set");
          loader.set(set);
          sets.add(set);
          if (!set.startsWith(RESUMABLE_PREFIX)) {
            notResumable.add("--set " + set);
          }
        }
        case "--resume" -> resume = value(args, ++i, "--resume");
        default -> throw new InvalidConfigException(
            "unknown argument '" + args[i] + "'\n" + USAGE);
      }
    }
    if (resume == null) {
      return new Invocation(JobConfig.from(loader.resolve()), null);
    }
    if (!notResumable.isEmpty()) {
      throw new InvalidConfigException("--resume continues a run with the configuration saved in"
          + " its directory (" + CONFIG + "); only " + RESUMABLE_PREFIX + "* keys (where it runs)"
          + " may be set with it, not " + notResumable.get(0));
    }
    Path saved = new Path(resume, CONFIG);
    try {
      if (!saved.getFileSystem(hadoopConf).exists(saved)) {
        throw new InvalidConfigException("--resume " + resume + ": no run directory with a "
            + CONFIG + " there");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + saved, e);
    }
    ConfigLoader resumed = new ConfigLoader();
    resumed.file(saved.toString(), hadoopConf);
    sets.forEach(resumed::set); // cluster.* only, checked above
    return new Invocation(JobConfig.from(resumed.resolve()), resume);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new InvalidConfigException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  /**
   * Runs the job described by {@code config} on {@code sc}.
   *
   * @throws BadInputException for unusable input data (before any training where it can be seen)
   * @throws DivergedException when the loss becomes NaN or infinite
   */
  public static RunResult run(JobConfig config, JavaSparkContext sc) {
    return run(config, sc, hadoopConf -> RunLock.acquire(
        RunDirectory.create(config.run().outputRoot(), runId(config), hadoopConf), hadoopConf,
        config.run().lockStale(), sc.sc().applicationId(),
        dir -> dir.write(CONFIG, config.render())), false);
  }

  /**
   * Fails before any work when {@code outputRoot} names no filesystem Hadoop knows: a relative
   * folder whose first name holds ':' ({@code out:dir}) reads as a URI with the scheme {@code
   * out}. Also fails when {@code outputRoot}, or a folder above it, is a file: no run directory
   * can be made there.
   *
   * @throws InvalidConfigException naming run.output-root and the scheme, or the file
   */
  static void requireFileSystem(String outputRoot, Configuration hadoopConf) {
    try {
      FileSystem fs = new Path(outputRoot).getFileSystem(hadoopConf);
      // The nearest existing path at or above the root must be a directory.
      for (Path p = fs.makeQualified(new Path(outputRoot)); p != null; p = p.getParent()) {
        FileStatus status;
        try {
          status = fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
          continue;
        }
        if (!status.isDirectory()) {
          throw new InvalidConfigException("run.output-root '" + outputRoot + "' "
              + (p.equals(fs.makeQualified(new Path(outputRoot))) ? "is a file"
                  : "lies under " + p + ", which is a file")
              + ", not a directory; choose a folder (it is created when missing)");
        }
        break;
      }
    } catch (IllegalArgumentException | UnsupportedFileSystemException e) {
      String scheme = outputRoot.substring(0, Math.max(outputRoot.indexOf(':'), 0));
      throw new InvalidConfigException("run.output-root '" + outputRoot + "' names no filesystem"
          + (scheme.isEmpty() ? "" : " (Hadoop reads '" + scheme + ":' as a URI scheme; a local"
              + " folder whose name holds ':' is written ./" + outputRoot + ")")
          + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach run.output-root " + outputRoot, e);
    }
  }

  /**
   * Continues the interrupted run in {@code runDir} (configured by {@code config}, its saved
   * configuration) from its last complete checkpoint, or from the start when it has none. With
   * the same data and parallelism it repeats the uninterrupted run: the same splits, data order,
   * augmentation and results.
   *
   * @throws InvalidConfigException when the run is complete already
   */
  public static RunResult resume(String runDir, JobConfig config, JavaSparkContext sc) {
    return run(config, sc, hadoopConf -> RunLock.acquire(RunDirectory.open(runDir, hadoopConf),
        hadoopConf, config.run().lockStale(), sc.sc().applicationId(), dir -> {
          if (dir.exists(RunDirectory.SUCCESS)) {
            throw new InvalidConfigException("run " + dir.path() + " is complete (it has "
                + RunDirectory.SUCCESS + "); there is nothing to resume");
          }
          log.info("resuming run {}", dir.path());
          dir.delete(FAILED);
          ExportDirectory.delete(dir);
        }), true);
  }

  private static RunResult run(JobConfig config, JavaSparkContext sc,
      Function<Configuration, RunLock> directory, boolean resuming) {
    long startNanos = System.nanoTime();
    log.info("configuration:\n{}", config.renderRedacted());
    Configuration hadoopConf = sc.hadoopConfiguration();
    JobConfig.DataConfig data = config.data();

    long seed0 = config.run().seed();
    ImageDataset trainSet = Datasets.open(data, Datasets.Split.TRAIN, seed0, hadoopConf);
    ImageDataset testSet = Datasets.open(data, Datasets.Split.TEST, seed0, hadoopConf);
    ImageShape shape = trainSet.shape();
    if (!shape.equals(testSet.shape())) {
      throw new BadInputException(testSet.location() + " holds images of shape " + testSet.shape()
          + " but " + trainSet.location() + " holds " + shape);
    }
    List<String> classNames = DataChecks.classNames(data, trainSet, testSet);
    JobConfig.TrainConfig tc = config.train();
    ImageShape networkInput = DataChecks.networkInput(tc, shape);

    RunLock lock = directory.apply(hadoopConf);
    RunDirectory dir = lock.directory();
    log.info("run directory: {}", dir.path());
    JavaRDD<LabeledImage> train = null;
    JavaRDD<LabeledImage> test = null;
    try {
      ExportDirectory.create(dir); // a place DL4J cannot export to fails the run now
      ExportDirectory.delete(dir); // each repeat makes its own
      dir.write(SparkConfReport.FILE, SparkConfReport.render(sc.getConf()));
      dir.write("classes.csv", RunReports.classes(classNames).toCsv());
      BackendProbe.run(sc, config.cluster(), dir); // environment.json; fails on a wrong backend
      int partitions = data.partitions() > 0 ? data.partitions() : sc.defaultParallelism();
      // Reads and checks every record now, so bad input fails before any training.
      Loaded trainData = trainSet.loadCached(sc, partitions);
      train = trainData.examples();
      Loaded testData = testSet.loadCached(sc, partitions);
      test = testData.examples();
      DataChecks.checkSkipped(dir, data, trainSet, trainData, testSet, testData);
      log.info("data: {} training and {} test images of shape {} in {} partitions",
          trainData.count(), testData.count(), shape, partitions);
      if (trainData.count() < (long) partitions * tc.batchSizePerWorker()) {
        // Minibatches are made inside a partition, so they cannot be fuller than it.
        log.warn(String.format(Locale.ROOT, "data.partitions = %d leaves %.1f training images"
            + " per partition, fewer than train.batch-size-per-worker = %d: the minibatches hold"
            + " at most that many; set data.partitions to at most %d for full minibatches",
            partitions, (double) trainData.count() / partitions, tc.batchSizePerWorker(),
            Math.max(1, trainData.count() / tc.batchSizePerWorker())));
      }

      DatasetStats stats = PixelStatistics.compute(train, shape);
      EpochOrder order = EpochOrder.of(train, config.run().seed());
      PartitionLabels labels = order.labels(train, data.numClasses(), 1);
      DataChecks.logPartitionLabels(labels);
      boolean sampled = data.format() == DataFormat.IMAGE_FOLDER;
      DataChecks.warnMissingClasses("training", "data.train-limit", data.trainLimit(), sampled,
          labels.whole());
      DataChecks.warnMissingClasses("test", "data.test-limit", data.testLimit(), sampled,
          DataChecks.classCounts(test, data.numClasses()));
      dir.write(STATS, stats.toJson(Map.of("partitions", labels.toJson(1))));
      int repeats = config.run().repeats();
      List<RunResult> results = new ArrayList<>();
      for (int repeat = 1; repeat <= repeats; repeat++) {
        long seed = config.run().seed() + repeat - 1;
        Augmenter trainAugmenter = new Augmenter(shape, tc.augment().withStats(stats),
            data.numClasses(), seed, 1);
        Augmenter evalAugmenter = new Augmenter(shape, tc.evalAugment().withStats(stats),
            data.numClasses(), seed, Augmenter.EVALUATION_EPOCH);
        log.info("augmentation: {} -> {}; evaluation: {}", trainAugmenter.pipeline(),
            networkInput, evalAugmenter.pipeline());
        if (repeats > 1) {
          log.info("repeat {}/{}: seed {}", repeat, repeats, seed);
        }
        RunDirectory out = repeats == 1 ? dir : dir.child(REPEAT_PREFIX + repeat);
        // total_seconds: the whole run for one repeat, the repeat itself for several
        results.add(train(config, seed, sc, out, classNames, trainAugmenter, evalAugmenter,
            train, test, order.withSeed(seed), resuming,
            repeats == 1 ? startNanos : System.nanoTime()));
      }
      if (repeats > 1) {
        var summary = RunReports.repeats(config.run().seed(), results.stream()
            .map(r -> new RunReports.RepeatResult(r.testAccuracy(), r.testTop5Accuracy(),
                r.testAccuracyEma(), r.testTop5AccuracyEma())).toList());
        dir.write("accuracy.csv", summary.toCsv());
        dir.write("accuracy.md", "# Test accuracy over " + repeats + " repeats\n\n"
            + summary.toMarkdown() + "\nstd: sample standard deviation (n - 1). Each repeat's"
            + " outputs are in " + REPEAT_PREFIX + "<i>/.\n");
      }
      dir.markSuccess();
      AfterSuccess.apply(config.run(), dir.path().getName(), hadoopConf);
      RunResult last = results.get(results.size() - 1);
      return new RunResult(dir.path().toString(),
          results.stream().mapToDouble(RunResult::testAccuracy).average().orElseThrow(),
          last.testTop5Accuracy(), last.testAccuracyEma(), last.testTop5AccuracyEma(),
          last.epochs(), last.network());
    } catch (Exception | OutOfMemoryError e) { // rethrown as is: SparkException is checked
      recordFailure(dir, e);
      throw e;
    } finally {
      lock.release();
      if (train != null) {
        train.unpersist(false);
      }
      if (test != null) {
        test.unpersist(false);
      }
    }
  }

  /**
   * Trains one network with {@code seed} and writes its outputs (model, metrics, accuracy,
   * timing) into {@code dir}.
   */
  private static RunResult train(JobConfig config, long seed, JavaSparkContext sc,
      RunDirectory dir, List<String> classNames, Augmenter trainAugmenter,
      Augmenter evalAugmenter, JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> test,
      EpochOrder order, boolean resuming, long startNanos) {
    long trainCount = order.size();
    int partitions = order.partitions();
    JobConfig.TrainConfig tc = config.train();
    int numClasses = config.data().numClasses();
    int workers = tc.workers() > 0 ? tc.workers() : sc.defaultParallelism();
    NetworkOptions options = new NetworkOptions(trainAugmenter.outputShape(), numClasses,
        config.model().activation(), config.model().weightInitScheme(),
        config.model().l2(), tc.optimizer(), seed, config.model().convolutionEngine());
    ModelBuilder model;
    try {
      model = Models.create(config.model().name(), options);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("model.name: " + e.getMessage(), e);
    }
    Checkpoints checkpoints = new Checkpoints(dir, tc.checkpointEvery(), tc.checkpointsKept());
    Checkpoints.Restored restored = !resuming ? null : checkpoints.latest(
        in -> model instanceof NetworkBuilder ? ModelSerializer.restoreMultiLayerNetwork(in, true)
            : ModelSerializer.restoreComputationGraph(in, true)).orElse(null);
    Model net = restored != null ? restored.network()
        : model instanceof NetworkBuilder layers ? layers.init() : ((GraphBuilder) model).init();
    log.info("model {}: {} parameters", config.model().name(), net.numParams());
    dir.write("model.md", ModelSummary.modelMarkdown(config.model().name(),
        options.inputShape(), model.summary(options.inputShape())));

    EpochSeededTrainingMaster master = new EpochSeededTrainingMaster(
        new ParameterAveragingTrainingMaster.Builder(workers, tc.batchSizePerWorker())
            .batchSizePerWorker(tc.batchSizePerWorker())
            .averagingFrequency(tc.averagingFrequency())
            .workerPrefetchNumBatches(tc.prefetchBatches())
            .aggregationDepth(tc.aggregationDepth())
            .rddTrainingApproach(RDDTrainingApproach.Export)
            .exportDirectory(ExportDirectory.create(dir).toString())
            .rngSeed(seed)
            .trainingHooks(trainingHooks(seed))
            .saveUpdater(true), seed);
    SparkNetwork sparkNet = SparkNetwork.of(sc, net, master);
    if (restored != null && restored.average() != null) {
      sparkNet.averageParameters(new MovingAverage(tc.emaDecay(), restored.average(),
          restored.state().averageUpdates()));
    } else if (tc.emaDecay() > 0) {
      sparkNet.averageParameters(tc.emaDecay());
    }
    String driverNd4j = NativeBackend.describe();
    List<String> executorNd4j = executorBackends(sc, workers);
    log.info("ND4J backend: driver {}; executors {}", driverNd4j, executorNd4j);

    List<EpochMetrics> epochs = new ArrayList<>();
    int firstEpoch = 1;
    Evaluation eval = null;
    Evaluation evalEma = null;
    int roundsPerEpoch = RoundProgress.roundsPerEpoch(
        order.minibatches(tc.batchSizePerWorker()), workers, tc.averagingFrequency());
    RoundProgress progress = new RoundProgress(sparkNet, tc.schedule(), roundsPerEpoch,
        (long) workers * tc.batchSizePerWorker() * tc.averagingFrequency(),
        tc.averagingFrequency());
    sparkNet.listenToRounds(progress);
    if (restored != null) {
      Checkpoints.State state = restored.state();
      firstEpoch = state.epoch() + 1;
      epochs.addAll(state.epochs());
      progress.restore(state.rounds());
      // Outputs of epochs after the checkpoint, if any, are replaced as they are trained again.
      dir.write("metrics.csv", RunReports.metrics(epochs).toCsv());
      dir.write(ROUNDS, RunReports.rounds(progress.rounds()).toCsv());
      log.info("resuming from the checkpoint of epoch {} of {}", state.epoch(), tc.epochs());
      if (state.workers() != workers || state.partitions() != partitions) {
        log.warn("the run trained with {} workers on {} partitions and now has {} on {}: the"
            + " data order will differ from the uninterrupted run's (set train.workers and"
            + " data.partitions to keep them)", state.workers(), state.partitions(), workers,
            partitions);
      }
    } else if (resuming) {
      log.info("no complete checkpoint in {}: training from epoch 1", dir.path());
    }
    try {
      for (int epoch = firstEpoch; epoch <= tc.epochs(); epoch++) {
        // Every round broadcasts the driver's configuration, so the workers train at the rate
        // the progress sets before each.
        double learningRate = progress.startEpoch(epoch);
        master.startEpoch(epoch);
        long t0 = System.nanoTime();
        sparkNet.fitEpoch(
            Minibatches.training(train, order, tc.batchSizePerWorker(), trainAugmenter, epoch));
        double trainSeconds = seconds(t0);
        dir.write(ROUNDS, RunReports.rounds(progress.rounds()).toCsv());
        List<RoundProgress.Round> rounds = progress.roundsOf(epoch);
        double loss = rounds.stream().mapToDouble(RoundProgress.Round::loss).average()
            .orElse(Double.NaN);
        if (!Double.isFinite(loss)) {
          throw new DivergedException(String.format(Locale.ROOT,
              "training diverged in epoch %d: loss %s after %d averaging rounds; lower"
                  + " train.learning-rate", epoch, loss, rounds.size()));
        }
        long t1 = System.nanoTime();
        List<Evaluation> evaluations = evaluate(sc, sparkNet, test, evalAugmenter,
            tc.evalBatchSize());
        eval = evaluations.get(0);
        evalEma = evaluations.size() > 1 ? evaluations.get(1) : null;
        EpochMetrics m = new EpochMetrics(epoch, trainCount, rounds.size(), learningRate, loss,
            eval.accuracy(), eval.topNAccuracy(),
            evalEma == null ? Double.NaN : evalEma.accuracy(),
            evalEma == null ? Double.NaN : evalEma.topNAccuracy(), trainSeconds, seconds(t1));
        epochs.add(m);
        dir.write("metrics.csv", RunReports.metrics(epochs).toCsv());
        log.info(String.format(Locale.ROOT,
            "epoch %d/%d | rounds %d | lr %.3g | loss %.4f | test accuracy %.4f (top-5 %.4f)%s"
                + " | %.1f examples/s | train %.1f s | eval %.1f s",
            epoch, tc.epochs(), m.rounds(), learningRate, m.loss(), m.testAccuracy(),
            m.testTop5Accuracy(), evalEma == null ? "" : String.format(Locale.ROOT,
                ", moving average %.4f", m.testAccuracyEma()),
            m.examplesPerSecond(),
            m.trainSeconds(), m.evalSeconds()));
        MovingAverage average = sparkNet.movingAverage();
        if (checkpoints.due(epoch, tc.epochs())) {
          checkpoints.save(sparkNet.network(), average == null ? null : average.average(),
              new Checkpoints.State(epoch, epochs, progress.rounds(),
                  average == null ? 0 : average.updates(), workers, partitions, Map.of()));
        }
        afterEpoch.accept(epoch);
      }
    } finally {
      master.deleteTempFiles(sc);
      ExportDirectory.delete(dir);
    }

    if (eval == null) { // resumed after the last epoch's checkpoint: evaluate what it holds
      List<Evaluation> evaluations = evaluate(sc, sparkNet, test, evalAugmenter,
          tc.evalBatchSize());
      eval = evaluations.get(0);
      evalEma = evaluations.size() > 1 ? evaluations.get(1) : null;
    }
    Model trained = sparkNet.network();
    dir.write("model.zip", out -> ModelSerializer.writeModel(trained, out, true));
    if (sparkNet.movingAverage() != null) {
      Model averaged = copyWithParams(trained, sparkNet.movingAverage().average());
      dir.write(MODEL_EMA, out -> ModelSerializer.writeModel(averaged, out, false));
    }
    dir.write("accuracy.csv", RunReports.accuracy(config, eval, evalEma).toCsv());
    dir.write("accuracy.md", RunReports.accuracyMarkdown(config, classNames, eval, evalEma));
    dir.write("per-class.csv", RunReports.perClass(classNames, eval).toCsv());
    dir.write("confusion.csv", RunReports.confusion(eval).toCsv());
    var timing = RunReports.timing(config, sc.master(), workers, epochs, seconds(startNanos),
        firstEpoch - 1, driverNd4j, executorNd4j,
        TimeSplit.of(sparkNet.trainingStats(), workers));
    dir.write("timing.csv", timing.toCsv());
    dir.write("timing.md", "# Timing\n\n" + timing.toMarkdown());
    return new RunResult(dir.path().toString(), eval.accuracy(), eval.topNAccuracy(),
        evalEma == null ? Double.NaN : evalEma.accuracy(),
        evalEma == null ? Double.NaN : evalEma.topNAccuracy(), epochs, trained);
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
  private static List<Evaluation> evaluate(JavaSparkContext sc, SparkNetwork sparkNet,
      JavaRDD<LabeledImage> test, Augmenter evalAugmenter, int batchSize) {
    MovingAverage average = sparkNet.movingAverage();
    List<INDArray> parameterSets = average == null ? List.of(sparkNet.network().params())
        : List.of(sparkNet.network().params(), average.average());
    return Evaluator.evaluate(sc, sparkNet.network(), parameterSets, test, evalAugmenter,
        batchSize);
  }

  /** A copy of {@code net} holding {@code params}. */
  static Model copyWithParams(Model net, INDArray params) {
    Model copy = net instanceof MultiLayerNetwork layers ? layers.clone()
        : ((ComputationGraph) net).clone();
    copy.setParams(params.dup());
    return copy;
  }

  /** The distinct ND4J backends and builds that {@code tasks} tasks find on the executors. */
  static List<String> executorBackends(JavaSparkContext sc, int tasks) {
    List<Integer> ids = IntStream.range(0, tasks).boxed().toList();
    return sc.parallelize(ids, tasks).map(i -> NativeBackend.describe()).collect().stream()
        .distinct().sorted().toList();
  }

  /**
   * {@code run.id}, or {@code <model>-<dataset>-<UTC time>} when it is empty, the names reduced to
   * letters, digits, '.', '_' and '-' ({@link RunIds#safe}).
   */
  static String runId(JobConfig config) {
    return runId(config, ZonedDateTime.now(ZoneOffset.UTC));
  }

  /** {@link #runId(JobConfig)} at {@code now}. */
  static String runId(JobConfig config, ZonedDateTime now) {
    if (!config.run().id().isEmpty()) {
      return config.run().id();
    }
    String time = now.withZoneSameInstant(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    return RunIds.safe(config.model().name()) + "-" + RunIds.safe(config.data().name()) + "-"
        + time;
  }

  private static void recordFailure(RunDirectory dir, Throwable e) {
    try {
      if (dir.exists(RunDirectory.SUCCESS)) { // the run is complete; what followed it failed
        return;
      }
      BadInputException bad = BadInputException.findIn(e);
      String why = bad != null ? bad.getMessage()
          : e instanceof DivergedException ? e.getMessage() : String.valueOf(e);
      ExportDirectory.delete(dir);
      dir.write(FAILED, why + "\n");
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }

  /**
   * Where a finished run's outputs are and what it reached (with repeats: the mean top-1 accuracy
   * over them, the rest of the last repeat).
   *
   * @param network the trained network (a MultiLayerNetwork or, for ResNet, a ComputationGraph),
   *     as saved in {@code model.zip}
   */
  public record RunResult(String runDirectory, double testAccuracy, double testTop5Accuracy,
      double testAccuracyEma, double testTop5AccuracyEma, List<EpochMetrics> epochs,
      Model network) {}
}
