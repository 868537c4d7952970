package org.sparkcnn.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.RunIds;
import org.sparkcnn.report.RunExistsException;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.train.EpochListener;
import org.sparkcnn.train.ExitCode;
import org.sparkcnn.train.RunLifecycle;
import org.sparkcnn.train.RunRequest;
import org.sparkcnn.train.SparkSetup;
import org.sparkcnn.train.TrainCommandLine;
import org.sparkcnn.train.TrainJob;

/**
 * The experiment command: trains every variant of an experiment file ({@link ExperimentSpec})
 * {@code repeats} times in one Spark application and writes one experiment directory: {@code
 * <run.output-root>/<run.id>/} ({@code run.id} defaults to the experiment's {@code name}) with
 * {@code experiment.conf} (the file), {@code config.conf} (the base), {@code
 * <variant>/repeat-<i>/} (a training run each), {@code experiment.csv}, {@code experiment.md},
 * {@code experiment-curves.png}, {@code experiment.html} and, last, {@code _SUCCESS}.
 *
 * <p>Usage: {@code ExperimentJob EXPERIMENT_FILE [--conf FILE]... [--set key=value]...} or
 * {@code ExperimentJob --resume EXPERIMENT_DIR}. The base configuration is {@code
 * reference.conf}, {@code run.if-exists = resume}, the file's {@code base}, then the {@code
 * --conf} files and {@code --set} overrides; each variant sets its values over it. Running the
 * same command again resumes the experiment: complete runs are kept, interrupted ones continue
 * from their checkpoints, missing ones run ({@link ExperimentRun}). Lock, {@code _SUCCESS},
 * {@code _FAILED} and exit codes ({@link ExitCode}) as for a training run.
 */
public final class ExperimentJob {
  public static final String APP_NAME = "spark-cnn experiment";
  static final TrainCommandLine.Job COMMAND = new TrainCommandLine.Job("ExperimentJob",
      "Trains every variant of an experiment file (base, vary, mode, repeats, reference) and"
          + " writes one experiment directory with experiment.csv / .md / .html; the experiment"
          + " file comes first, before these options (none with --resume EXPERIMENT_DIR). Exit"
          + " codes: 0 done (failed variants are rows that say why), 1 failure, 2 bad arguments,"
          + " experiment file or configuration (naming the key), 3 bad input data, 5 backend"
          + " not available for the base, 6 run exists, 7 run locked, 52 out of memory.");
  static final String USAGE_LINE = "Usage: ExperimentJob EXPERIMENT_FILE [--conf FILE]..."
      + " [--set key=value]...\n       ExperimentJob --resume EXPERIMENT_DIR\n";

  private ExperimentJob() {}

  public static void main(String[] args) {
    NativeBackend.select(); // before anything loads ND4J
    System.exit(execute(args, () -> new JavaSparkContext(
        SparkSetup.configure(new SparkConf(), APP_NAME)), System.err, EpochListener.NONE).code());
  }

  /**
   * Parses {@code args} and checks the experiment file and every variant's configuration (before
   * any directory is made), then runs the experiment on the Spark context {@code sparkFactory}
   * starts; reports any failure on {@code err} as one clear message.
   *
   * @param listener told of every epoch of every run
   */
  public static ExitCode execute(String[] args, Supplier<JavaSparkContext> sparkFactory,
      PrintStream err, EpochListener listener) {
    AtomicReference<Parsed> parsed = new AtomicReference<>();
    return TrainJob.execute(ExperimentJob.class, () -> {
      parsed.set(parse(args));
      return parsed.get() == null ? null : parsed.get().request();
    }, USAGE_LINE + TrainCommandLine.usage(COMMAND), sparkFactory, err,
        (request, sc) -> {
          Experiment experiment = parsed.get().experiment();
          if (request.resumeDir() == null) {
            requireSameExperiment(request.config().run(), experiment.spec(),
                sc.hadoopConfiguration());
          }
          return RunLifecycle.execute(request, sc, listener,
              new ExperimentRun(sc, experiment, listener));
        });
  }

  /** What a command line asks for: the experiment, and the run it is (new or resumed). */
  record Parsed(Experiment experiment, RunRequest request) {}

  /**
   * The experiment {@code args} ask for and its run request, or null when they ask for help.
   *
   * @throws InvalidConfigException for a bad command line, experiment file or configuration
   */
  static Parsed parse(String[] args) {
    String file = args.length > 0 && !args[0].startsWith("-") ? args[0] : null;
    String[] rest = file == null ? args : Arrays.copyOfRange(args, 1, args.length);
    TrainCommandLine.Options options = TrainCommandLine.parse(rest, COMMAND);
    if (options == null) {
      return null;
    }
    if (file == null && !options.resuming()) {
      throw new InvalidConfigException("no experiment file: " + USAGE_LINE.strip());
    }
    if (file != null && options.resuming()) {
      throw new InvalidConfigException("--resume " + options.resumeDir() + " continues the"
          + " experiment saved there (" + RunLayout.EXPERIMENT_CONF + "); give no experiment"
          + " file with it");
    }
    Configuration hadoopConf = new Configuration();
    String origin = file != null ? file
        : new Path(options.resumeDir(), RunLayout.EXPERIMENT_CONF).toString();
    ExperimentSpec spec = ExperimentSpec.parse(read(origin, hadoopConf), origin);
    Consumer<ConfigLoader> base = loader -> {
      loader.set("run.if-exists=resume");
      spec.addBase(loader, hadoopConf);
    };
    RunRequest request = TrainJob.request(options, base);
    if (request.config().run().id().isEmpty()) {
      request = TrainJob.request(options,
          base.andThen(loader -> loader.set("run.id=" + RunIds.safe(spec.name()))));
    }
    if (request.config().run().repeats() != 1) {
      throw new InvalidConfigException("run.repeats: an experiment repeats each variant as its"
          + " file's repeats says; leave run.repeats at 1 (got "
          + request.config().run().repeats() + ")");
    }
    return new Parsed(Experiment.of(spec, request.config()), request);
  }

  /**
   * Refuses a run.id whose directory holds another experiment file, before anything (a complete
   * experiment would otherwise pass for this one).
   *
   * @throws RunExistsException naming the directory
   */
  private static void requireSameExperiment(JobConfig.RunConfig run, ExperimentSpec spec,
      Configuration hadoopConf) {
    Path saved = new Path(new Path(run.outputRoot(), run.id()), RunLayout.EXPERIMENT_CONF);
    try {
      if (saved.getFileSystem(hadoopConf).exists(saved)
          && !read(saved.toString(), hadoopConf).equals(spec.text())) {
        throw new RunExistsException("experiment directory " + saved.getParent() + " holds"
            + " another experiment file (its " + RunLayout.EXPERIMENT_CONF + " differs from "
            + spec.origin() + "); choose another run.id");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + saved, e);
    }
  }

  private static String read(String location, Configuration hadoopConf) {
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(hadoopConf).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read experiment file " + location
          + (location.endsWith(RunLayout.EXPERIMENT_CONF) ? " (is it an experiment directory?)"
              : "") + ": " + e, e);
    }
  }
}
