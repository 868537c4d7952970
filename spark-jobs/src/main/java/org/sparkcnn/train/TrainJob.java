package org.sparkcnn.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.backend.BackendProbe;
import org.sparkcnn.backend.BackendUnavailableException;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunLayout;

/**
 * The training command: trains a CNN with DL4J parameter averaging on Spark, evaluates it on the
 * test set after every epoch, and writes a run directory: {@code config.conf}, {@code model.md},
 * {@code metrics.csv}, {@code accuracy.csv/.md}, {@code timing.csv/.md}, {@code model.zip} and,
 * last, {@code _SUCCESS} ({@link RunLayout}). It parses the command line, loads the
 * configuration, calls {@link RunLifecycle} and maps the outcome to an {@link ExitCode}.
 *
 * <p>Usage: {@code TrainJob [--conf FILE]... [--set key=value]...}
 *
 * <p>Files and overrides are layered over {@code reference.conf} in the order given. The master is
 * spark-submit's {@code --master} (or {@code -Dspark.master=local[N]} when run with plain java).
 * Exit codes: see {@link ExitCode}.
 */
public final class TrainJob {
  public static final String APP_NAME = "spark-cnn train";
  /**
   * Test hook: the driver JVM halts (exit code 137) right after this epoch's checkpoint, as if
   * its machine died (an {@link EpochListener} that {@link #main} installs).
   */
  static final String HALT_AFTER_EPOCH = "spark-cnn.test.halt-after-epoch";
  private TrainJob() {}

  public static void main(String[] args) {
    NativeBackend.select(); // before anything loads ND4J
    Integer haltAfterEpoch = Integer.getInteger(HALT_AFTER_EPOCH);
    EpochListener listener = haltAfterEpoch == null ? EpochListener.NONE : metrics -> {
      if (metrics.epoch() == haltAfterEpoch) {
        Runtime.getRuntime().halt(ExecutorHalt.KILLED);
      }
    };
    System.exit(execute(args, () -> new JavaSparkContext(
        SparkSetup.configure(new SparkConf(), APP_NAME)), System.err, listener).code());
  }

  /**
   * Parses {@code args}, loads the configuration, starts Spark through {@code sparkFactory} and
   * runs the job; reports any failure on {@code err} as one clear message.
   */
  public static ExitCode execute(String[] args, Supplier<JavaSparkContext> sparkFactory,
      PrintStream err) {
    return execute(args, sparkFactory, err, EpochListener.NONE);
  }

  /**
   * {@link #execute(String[], Supplier, PrintStream)}, telling {@code listener} of every epoch
   * trained.
   */
  public static ExitCode execute(String[] args, Supplier<JavaSparkContext> sparkFactory,
      PrintStream err, EpochListener listener) {
    return execute(() -> parse(args), TrainCommandLine.usage(), sparkFactory, err,
        (request, sc) -> RunLifecycle.execute(request, sc, listener));
  }

  /**
   * Runs a job command (this one, the pruning job): {@code parse} reads its command line and
   * configuration (null: help, {@code usage} is printed), then Spark is started through {@code
   * sparkFactory} and {@code job} runs; any failure is reported on {@code err} as one clear
   * message and mapped to its {@link ExitCode}. Spark is stopped at the end.
   */
  public static ExitCode execute(Supplier<RunRequest> parse, String usage,
      Supplier<JavaSparkContext> sparkFactory, PrintStream err,
      BiFunction<RunRequest, JavaSparkContext, Optional<RunResult>> job) {
    return execute(TrainJob.class, parse, usage, sparkFactory, err, job);
  }

  /**
   * {@link #execute(Supplier, String, Supplier, PrintStream, BiFunction)} of the job {@code
   * jobClass}, whose logger reports the outcome ("run complete: DIR (test accuracy A)", the
   * accuracy left out when the job measured none).
   */
  public static ExitCode execute(Class<?> jobClass, Supplier<RunRequest> parse, String usage,
      Supplier<JavaSparkContext> sparkFactory, PrintStream err,
      BiFunction<RunRequest, JavaSparkContext, Optional<RunResult>> job) {
    Logger log = LoggerFactory.getLogger(jobClass);
    RunRequest invocation;
    try {
      invocation = parse.get();
    } catch (InvalidConfigException | BadInputException e) {
      err.println("error: " + e.getMessage());
      return ExitCode.of(e);
    }
    if (invocation == null) {
      err.print(usage);
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
      Optional<RunResult> result = job.apply(invocation, sc);
      // empty: run.if-exists = resume, and the run is complete
      result.ifPresent(r -> log.info("run complete: {}{}", r.runDirectory(),
          Double.isNaN(r.testAccuracy()) ? ""
              : String.format(Locale.ROOT, " (test accuracy %.4f)", r.testAccuracy())));
      return ExitCode.OK;
    } catch (Exception | OutOfMemoryError e) { // SparkException is checked, though Scala
      // declares nothing; an OutOfMemoryError of the driver is reported like an executor's
      ExitCode code = ExitCode.of(e);
      if (code == ExitCode.FAILURE || code == ExitCode.OUT_OF_MEMORY) {
        log.error("run failed", e);
      }
      err.println("error: " + ExitCode.message(e));
      if (code == ExitCode.OUT_OF_MEMORY) {
        err.println(ExitCode.OUT_OF_MEMORY_ADVICE);
      }
      return code;
    } finally {
      sc.stop();
    }
  }

  /** The configuration {@code args} describe, or null when they ask for help. */
  static JobConfig parseArgs(String[] args) {
    RunRequest invocation = parse(args);
    return invocation == null ? null : invocation.config();
  }

  /**
   * What {@code args} ask for ({@link TrainCommandLine}), or null when they ask for help: the
   * {@code --conf} files and {@code --set} overrides layered over {@code reference.conf} in the
   * order given, or, with {@code --resume}, the run directory's saved configuration with the
   * {@code cluster.*} overrides.
   *
   * @throws InvalidConfigException for a bad command line or configuration, or a {@code --resume}
   *     directory without {@code config.conf}
   */
  static RunRequest parse(String[] args) {
    TrainCommandLine.Options options = TrainCommandLine.parse(args);
    if (options == null) {
      return null;
    }
    RunRequest request = request(options, loader -> { });
    var resolved = request.config().resolved();
    for (String key : new String[] {"prune.from", "prune.model"}) {
      if (!resolved.getString(key).isEmpty()) {
        throw new InvalidConfigException(key + " is set"
            + (options.resuming() ? " in " + options.resumeDir() + "/" + RunLayout.CONFIG
                + ": it is a pruning run; continue it with the pruning job (submit/prune.sh"
                + " --resume " + options.resumeDir() + ")"
                : ": the prune section is the pruning job's (submit/prune.sh); the training job"
                    + " trains a new network"));
      }
    }
    return request;
  }

  /**
   * The request {@code options} make: {@code base} adds its layers over {@code reference.conf}
   * (a job's own defaults), then the {@code --conf} files and {@code --set} overrides in the order
   * given; or, with {@code --resume}, the run directory's saved configuration with the {@code
   * cluster.*} overrides.
   *
   * @throws InvalidConfigException for a bad configuration, or a {@code --resume} directory
   *     without {@code config.conf}
   */
  public static RunRequest request(TrainCommandLine.Options options,
      Consumer<ConfigLoader> base) {
    Configuration hadoopConf = new Configuration();
    ConfigLoader loader = new ConfigLoader();
    if (options.resuming()) {
      String resume = options.resumeDir();
      Path saved = new Path(resume, RunLayout.CONFIG);
      try {
        if (!saved.getFileSystem(hadoopConf).exists(saved)) {
          throw new InvalidConfigException("--resume " + resume + ": no run directory with a "
              + RunLayout.CONFIG + " there");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot look for " + saved, e);
      }
      loader.savedRun(saved.toString(), hadoopConf);
    } else {
      base.accept(loader);
    }
    for (TrainCommandLine.Source source : options.sources()) { // cluster.* only with --resume
      if (source.kind() == TrainCommandLine.Source.Kind.FILE) {
        loader.file(source.value(), hadoopConf);
      } else {
        loader.set(source.value());
      }
    }
    JobConfig config = JobConfig.from(loader.resolve());
    return options.resuming() ? new RunRequest(config, options.resumeDir())
        : RunRequest.newRun(config);
  }
}
