package org.sparkcnn.prune;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.PruneConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.train.EpochListener;
import org.sparkcnn.train.ExitCode;
import org.sparkcnn.train.RunLifecycle;
import org.sparkcnn.train.RunRequest;
import org.sparkcnn.train.SparkSetup;
import org.sparkcnn.train.TrainCommandLine;
import org.sparkcnn.train.TrainJob;

/**
 * The pruning command: removes pointwise filters of a trained MobileNet V1 step by step,
 * retraining on Spark after each, and writes a run directory ({@link RunLayout}): {@code
 * config.conf}, {@code pruning.csv} / {@code pruning.md}, {@code step-<k>/} (each step's
 * retraining, laid out as a training run), {@code model-step-<k>.zip}, {@code model.zip} and, last,
 * {@code _SUCCESS}. The 2022 paper's compression (SEEDS.md section 4); see {@link Pruning}.
 *
 * <p>Usage: {@code PruneJob [--conf FILE]... [--set key=value]...} or {@code PruneJob --resume
 * RUN_DIR}, as the training job ({@link TrainJob}): the same run directories, lock, exit codes
 * ({@link ExitCode}) and {@code run.*} keys; the {@code prune} section says what to prune. With
 * {@code prune.from = RUN_DIR} the configuration is layered as {@code reference.conf}, then the
 * source run's {@code data}, {@code model} and {@code train} sections and {@code run.seed}, then
 * the {@code --conf} files and {@code --set} overrides. An empty {@code run.id} becomes {@code
 * prune-<model>-<dataset>-<UTC time>}.
 */
public final class PruneJob {
  public static final String APP_NAME = "spark-cnn prune";
  /** The keys a pruning run takes from its source run's {@code config.conf}. */
  static final List<String> SOURCE_KEYS = List.of("data", "model", "train", "run.seed");
  static final TrainCommandLine.Job COMMAND = new TrainCommandLine.Job("PruneJob",
      "Removes pointwise filters of a trained MobileNet V1 (the prune section: prune.from or"
          + " prune.model, prune.schedule or prune.rule), retraining on Spark after each step,"
          + " and writes a run directory with pruning.csv. Exit codes: 0 done, 1 failure, 2 bad"
          + " arguments or configuration (a network that is not MobileNet V1, an unknown layer,"
          + " too many filters, steps out of order), 3 bad input data or a missing model, 4"
          + " diverged, 5 backend not available, 6 run exists, 7 run locked, 52 out of memory.");

  private PruneJob() {}

  public static void main(String[] args) {
    NativeBackend.select(); // before anything loads ND4J
    System.exit(execute(args, () -> new JavaSparkContext(
        SparkSetup.configure(new SparkConf(), APP_NAME)), System.err, EpochListener.NONE).code());
  }

  /**
   * Parses {@code args}, reads and checks the network and the steps (before any run directory
   * is made), then prunes and retrains on the Spark context {@code sparkFactory} starts;
   * reports any failure on {@code err} as one clear message.
   *
   * @param listener told of every epoch of every step's retraining
   */
  public static ExitCode execute(String[] args, Supplier<JavaSparkContext> sparkFactory,
      PrintStream err, EpochListener listener) {
    return TrainJob.execute(PruneJob.class, () -> parse(args), TrainCommandLine.usage(COMMAND),
        sparkFactory, err, (request, sc) -> {
          PruneConfig prune = PruneConfig.from(request.config().resolved());
          PruningSource source = PruningSource.open(request.config(), prune,
              sc.hadoopConfiguration());
          return RunLifecycle.execute(request, sc, listener,
              new Pruning(sc, source, prune, listener));
        });
  }

  /**
   * What {@code args} ask for, or null when they ask for help (see the class comment for the
   * layers).
   *
   * @throws InvalidConfigException for a bad command line or configuration, {@code run.repeats}
   *     above 1
   * @throws BadInputException for a {@code prune.from} without {@code config.conf}
   */
  static RunRequest parse(String[] args) {
    TrainCommandLine.Options options = TrainCommandLine.parse(args, COMMAND);
    if (options == null) {
      return null;
    }
    RunRequest request = TrainJob.request(options, loader -> { });
    var resolved = request.config().resolved();
    if (options.resuming() && resolved.getString("prune.from").isEmpty()
        && resolved.getString("prune.model").isEmpty()) {
      throw new InvalidConfigException("--resume " + options.resumeDir() + ": not a pruning run"
          + " (its " + RunLayout.CONFIG + " sets neither prune.from nor prune.model); a training"
          + " run continues with the training job (submit/local.sh --resume ...)");
    }
    PruneConfig prune = PruneConfig.from(resolved);
    if (options.resuming()) {
      return request;
    }
    options = absolute(options, prune);
    request = TrainJob.request(options, loader -> { });
    prune = PruneConfig.from(request.config().resolved());
    Consumer<ConfigLoader> base = loader -> { };
    if (!prune.from().isEmpty()) {
      Path saved = new Path(PruningSource.runOf(prune.from(), new Configuration()),
          RunLayout.CONFIG);
      try {
        if (!saved.getFileSystem(new Configuration()).exists(saved)) {
          throw new BadInputException("prune.from: no training run at " + prune.from()
              + " (no " + RunLayout.CONFIG + " there)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot look for " + saved, e);
      }
      base = loader -> loader.file(saved.toString(), new Configuration(), SOURCE_KEYS);
      request = TrainJob.request(options, base);
    }
    if (request.config().run().repeats() != 1) {
      throw new InvalidConfigException("run.repeats: the pruning job prunes one network; got "
          + request.config().run().repeats());
    }
    if (!request.config().run().id().isEmpty()) {
      return request;
    }
    String id = "prune-" + RunLifecycle.runId(request.config());
    return TrainJob.request(options, base.andThen(loader -> loader.set("run.id=" + id)));
  }

  /**
   * {@code options} with a relative {@code prune.from} or {@code prune.model} made absolute (a
   * fully qualified URI), so the saved {@code config.conf} names the same source for a {@code
   * --resume} started in another working directory.
   */
  static TrainCommandLine.Options absolute(TrainCommandLine.Options options, PruneConfig prune) {
    String key = prune.from().isEmpty() ? "prune.model" : "prune.from";
    Path path = new Path(prune.from().isEmpty() ? prune.model() : prune.from());
    if (path.isAbsolute()) {
      return options;
    }
    String qualified;
    try {
      qualified = path.getFileSystem(new Configuration()).makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + key + " " + path, e);
    }
    List<TrainCommandLine.Source> sources = new ArrayList<>(options.sources());
    sources.add(new TrainCommandLine.Source(TrainCommandLine.Source.Kind.SET,
        key + "=" + qualified));
    return new TrainCommandLine.Options(sources, options.resumeDir());
  }
}
