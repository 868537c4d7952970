package org.sparkcnn.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.backend.BackendProbe;
import org.sparkcnn.backend.ClusterEnvironment;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.RunIds;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunLock;
import org.sparkcnn.report.RunReport;
import org.sparkcnn.report.SparkConfReport;

/**
 * The life of one run: its directory ({@code <run.output-root>/<run-id>/}, {@link RunLayout}) is
 * created, or an interrupted one reopened; the driver holds its lock throughout; the data is
 * loaded and checked once; {@code run.repeats} networks are trained ({@link NetworkTraining}),
 * each with its own seed; then {@code _SUCCESS}, the latest pointer and retention, or on any
 * failure {@code _FAILED} with the error.
 *
 * <p>Usage: {@code RunLifecycle.run(config, sc, EpochListener.NONE)} for a new run, {@code
 * RunLifecycle.resume(runDir, config, sc, listener)} to continue one, or {@link #execute} for
 * what a command line asks ({@link RunRequest}), {@code run.if-exists} included. Jobs that train
 * networks (pruning, experiments) call these; {@link TrainJob} is the command around them.
 */
public final class RunLifecycle {
  /** The training job's logger: its lines keep the name they have always had in the log. */
  private static final Logger log = LoggerFactory.getLogger(TrainJob.class);
  /** Keys that {@code --resume} may set: where the run continues, not what it computes. */
  public static final String RESUMABLE_PREFIX = TrainCommandLine.RESUMABLE_PREFIX;

  private final JobConfig config;
  private final JavaSparkContext sc;
  private final EpochListener listener;
  private final boolean resuming;
  private final long startNanos = System.nanoTime();
  /** What the run does once its directory, data and environment are ready. */
  private final Work work;

  private RunLifecycle(JobConfig config, JavaSparkContext sc, EpochListener listener,
      boolean resuming, Work work) {
    this.config = config;
    this.sc = sc;
    this.listener = listener;
    this.resuming = resuming;
    this.work = work != null ? work : this::trainRepeats;
  }

  /**
   * A started run, as {@link Work} gets it: its directory (locked), its data (loaded, cached,
   * checked), the backend probe's findings.
   *
   * @param resuming whether the run continues an interrupted one in {@code dir}
   * @param startNanos {@link System#nanoTime()} when the run started
   */
  public record Started(JobConfig config, RunDirectory dir, TrainingData.Sources sources,
      TrainingData data, ClusterEnvironment environment, boolean resuming, long startNanos) {
    /**
     * What {@link NetworkTraining} needs to train one network with {@code seed} from {@code
     * config} into {@code out}: the training and evaluation pipelines seeded with {@code seed},
     * the data and its order.
     *
     * @param network the network to start from; null for a new one of {@code model.name}
     * @param resumingOut whether to continue from the newest checkpoint in {@code out}
     * @param sinceNanos the start of what {@code timing.csv}'s {@code total_seconds} covers
     */
    public NetworkTraining.Inputs trainingInputs(JobConfig config, long seed, RunDirectory out,
        org.deeplearning4j.nn.api.Model network, boolean resumingOut, long sinceNanos) {
      JobConfig.TrainConfig tc = config.train();
      int numClasses = config.data().numClasses();
      Augmenter trainAugmenter = new Augmenter(sources.shape(),
          tc.augment().withStats(data.stats()), numClasses, seed, 1);
      Augmenter evalAugmenter = new Augmenter(sources.shape(),
          tc.evalAugment().withStats(data.stats()), numClasses, seed, Augmenter.EVALUATION_EPOCH);
      log.info("augmentation: {} -> {}; evaluation: {}", trainAugmenter.pipeline(),
          sources.networkInput(), evalAugmenter.pipeline());
      return new NetworkTraining.Inputs(config, seed, out, sources.classNames(), trainAugmenter,
          evalAugmenter, data.train(), data.test(), data.order().withSeed(seed), resumingOut,
          sinceNanos, environment, network);
    }
  }

  /**
   * What a run does between its start and {@code _SUCCESS}: by default, trains {@code
   * run.repeats} networks; the pruning job prunes and retrains one. Whatever it throws fails the
   * run ({@code _FAILED}) and is rethrown.
   */
  @FunctionalInterface
  public interface Work {
    /** Does the run's work in {@code run.dir()}; returns what it reached. */
    RunResult perform(Started run);
  }

  /**
   * Carries out {@code request}: a new run, the resumption it names, or, with {@code
   * run.if-exists = resume} and an existing run of the same {@code run.id}, that run's
   * resumption ({@link ExistingRun}).
   *
   * @return the result; empty when the existing run is complete and there was nothing to do
   * @throws InvalidConfigException when {@code run.output-root} is unusable
   * @throws org.sparkcnn.report.RunExistsException when the run directory may not be used
   * @throws org.sparkcnn.report.RunLockedException when another driver holds the run's lock
   */
  public static Optional<RunResult> execute(RunRequest request, JavaSparkContext sc,
      EpochListener listener) {
    return execute(request, sc, listener, null);
  }

  /**
   * {@link #execute(RunRequest, JavaSparkContext, EpochListener)} with {@code work} in place of
   * training {@code run.repeats} networks (null: that training).
   */
  public static Optional<RunResult> execute(RunRequest request, JavaSparkContext sc,
      EpochListener listener, Work work) {
    if (request.resumeDir() == null) {
      requireFileSystem(request.config().run().outputRoot(), sc.hadoopConfiguration());
    }
    RunRequest resolved = ExistingRun.resolve(request, sc.hadoopConfiguration());
    if (resolved == null) {
      return Optional.empty();
    }
    RunLifecycle lifecycle = new RunLifecycle(resolved.config(), sc, listener,
        resolved.resumeDir() != null, work);
    return Optional.of(resolved.resumeDir() == null ? lifecycle.startNew()
        : lifecycle.resume(resolved.resumeDir()));
  }

  /**
   * Runs the job described by {@code config} on {@code sc} in a new run directory.
   *
   * @param listener told of every epoch trained, after its checkpoint
   * @throws BadInputException for unusable input data (before any training where it can be seen)
   * @throws DivergedException when the loss becomes NaN or infinite
   * @throws org.sparkcnn.report.RunExistsException when the run directory exists
   */
  public static RunResult run(JobConfig config, JavaSparkContext sc, EpochListener listener) {
    return new RunLifecycle(config, sc, listener, false, null).startNew();
  }

  private RunResult startNew() {
    return run(hadoopConf -> RunLock.acquire(
        RunDirectory.create(config.run().outputRoot(), runId(config), hadoopConf), hadoopConf,
        config.run().lockStale(), sc.sc().applicationId(),
        dir -> dir.write(RunLayout.CONFIG, config.render())));
  }

  /**
   * Continues the interrupted run in {@code runDir} (configured by {@code config}, its saved
   * configuration) from its last complete checkpoint, or from the start when it has none. With
   * the same data and parallelism it repeats the uninterrupted run: the same splits, data order,
   * augmentation and results.
   *
   * @throws InvalidConfigException when the run is complete already
   */
  public static RunResult resume(String runDir, JobConfig config, JavaSparkContext sc,
      EpochListener listener) {
    return new RunLifecycle(config, sc, listener, true, null).resume(runDir);
  }

  private RunResult resume(String runDir) {
    return run(hadoopConf -> RunLock.acquire(
        RunDirectory.open(runDir, hadoopConf), hadoopConf, config.run().lockStale(),
        sc.sc().applicationId(), dir -> {
          if (dir.exists(RunLayout.SUCCESS)) {
            throw new InvalidConfigException("run " + dir.path() + " is complete (it has "
                + RunLayout.SUCCESS + "); there is nothing to resume");
          }
          log.info("resuming run {}", dir.path());
          dir.delete(RunLayout.FAILED);
          ExportDirectory.delete(dir);
        }));
  }

  /**
   * Fails before any work when {@code outputRoot} names no filesystem Hadoop knows: a relative
   * folder whose first name holds ':' ({@code out:dir}) reads as a URI with the scheme {@code
   * out}. Also fails when {@code outputRoot}, or a folder above it, is a file: no run directory
   * can be made there.
   *
   * @throws InvalidConfigException naming run.output-root and the scheme, or the file
   */
  public static void requireFileSystem(String outputRoot, Configuration hadoopConf) {
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

  private RunResult run(Function<Configuration, RunLock> directory) {
    log.info("configuration:\n{}", config.renderRedacted());
    Configuration hadoopConf = sc.hadoopConfiguration();
    TrainingData.Sources sources = TrainingData.open(config, hadoopConf);
    RunLock lock = directory.apply(hadoopConf);
    RunDirectory dir = lock.directory();
    log.info("run directory: {}", dir.path());
    List<JavaRDD<?>> cached = new ArrayList<>();
    try {
      ClusterEnvironment environment = start(dir, sources.classNames());
      TrainingData data = TrainingData.load(config, sources, sc, dir, cached);
      RunResult result = work.perform(new Started(config, dir, sources, data, environment,
          resuming, startNanos));
      dir.markSuccess();
      AfterSuccess.apply(config.run(), dir.path().getName(), hadoopConf);
      return result;
    } catch (Exception | OutOfMemoryError e) { // rethrown as is: SparkException is checked
      recordFailure(dir, e);
      throw e;
    } finally {
      lock.release();
      cached.forEach(rdd -> rdd.unpersist(false));
    }
  }

  /**
   * The run's first outputs ({@code spark-conf.properties}, {@code classes.csv}, {@code
   * environment.json}) and its one backend probe, which fails the run on a wrong backend.
   */
  private ClusterEnvironment start(RunDirectory dir, List<String> classNames) {
    ExportDirectory.create(dir); // a place DL4J cannot export to fails the run now
    ExportDirectory.delete(dir); // each repeat makes its own
    dir.write(RunLayout.SPARK_CONF, SparkConfReport.render(sc.getConf()));
    dir.write(RunLayout.CLASSES, RunReports.classes(classNames).toCsv());
    JobConfig.ClusterConfig cluster = config.cluster();
    return BackendProbe.run(sc, cluster,
        found -> dir.write(RunLayout.ENVIRONMENT_JSON, found.toJson(cluster)));
  }

  /**
   * Trains {@code run.repeats} networks, each into its own directory when there are several;
   * returns the mean top-1 accuracy over them and the rest of the last one.
   */
  private RunResult trainRepeats(Started run) {
    RunDirectory dir = run.dir();
    int repeats = config.run().repeats();
    List<RunResult> results = new ArrayList<>();
    for (int repeat = 1; repeat <= repeats; repeat++) {
      long seed = config.run().seed() + repeat - 1;
      if (repeats > 1) {
        log.info("repeat {}/{}: seed {}", repeat, repeats, seed);
      }
      RunDirectory out = repeats == 1 ? dir : dir.child(RunLayout.REPEAT_PREFIX + repeat);
      // total_seconds: the whole run for one repeat, the repeat itself for several
      results.add(NetworkTraining.train(sc, run.trainingInputs(config, seed, out, null, resuming,
          repeats == 1 ? startNanos : System.nanoTime()), listener));
    }
    if (repeats > 1) {
      writeRepeatSummary(dir, results);
    }
    RunResult last = results.get(results.size() - 1);
    return new RunResult(dir.path().toString(),
        results.stream().mapToDouble(RunResult::testAccuracy).average().orElseThrow(),
        last.testTop5Accuracy(), last.testAccuracyEma(), last.testTop5AccuracyEma(),
        last.epochs(), last.network());
  }

  /** {@code accuracy.csv} and {@code accuracy.md} of a run with repeats. */
  private void writeRepeatSummary(RunDirectory dir, List<RunResult> results) {
    var summary = RunReports.repeats(config.run().seed(), results.stream()
        .map(r -> new RunReports.RepeatResult(r.testAccuracy(), r.testTop5Accuracy(),
            r.testAccuracyEma(), r.testTop5AccuracyEma())).toList());
    dir.write(RunLayout.ACCURACY, summary.toCsv());
    dir.write(RunLayout.ACCURACY_MD, "# Test accuracy over " + results.size() + " repeats\n\n"
        + summary.toMarkdown() + "\nstd: sample standard deviation (n - 1). Each repeat's"
        + " outputs are in " + RunLayout.REPEAT_PREFIX + "<i>/.\n");
    RunReport.update(dir,
        RunReport.Status.finishedRepeats(results.size(), config.train().epochs()));
  }

  /**
   * {@code run.id}, or {@code <model>-<dataset>-<UTC time>} when it is empty, the names reduced to
   * letters, digits, '.', '_' and '-' ({@link RunIds#safe}).
   */
  public static String runId(JobConfig config) {
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

  /**
   * Writes {@code _FAILED} with the error (a bad input's own message), unless the run is complete
   * already; the report's status says it failed. Never throws: a failure here is added to {@code
   * e} as suppressed.
   */
  public static void recordFailure(RunDirectory dir, Throwable e) {
    try {
      if (dir.exists(RunLayout.SUCCESS)) { // the run is complete; what followed it failed
        return;
      }
      BadInputException bad = BadInputException.findIn(e);
      String why = bad != null ? bad.getMessage()
          : e instanceof DivergedException ? e.getMessage() : String.valueOf(e);
      ExportDirectory.delete(dir);
      dir.write(RunLayout.FAILED, why + "\n");
      RunReport.update(dir, RunReport.Status.failed(why));
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }
}
