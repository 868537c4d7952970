package org.sparkcnn.predict;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.PredictConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.ImageFolderDataset;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.train.ExitCode;
import org.sparkcnn.train.RunLifecycle;
import org.sparkcnn.train.RunRequest;
import org.sparkcnn.train.SparkSetup;
import org.sparkcnn.train.TrainCommandLine;
import org.sparkcnn.train.TrainJob;

/**
 * The batch prediction command: a trained model ({@code predict.model}) scores images with its
 * run's evaluation pipeline and writes a run directory ({@link RunLayout}): {@code config.conf},
 * {@code classes.csv}, {@code predictions.parquet} and {@code predictions.csv} (each image's
 * predicted class and its top-k classes with probabilities), {@code skipped-images.csv} when
 * images could not be used, for a labelled dataset the evaluation tables of a training run
 * ({@code accuracy.csv}, {@code accuracy.md}, {@code per-class.csv}, {@code confusion.csv}) and,
 * last, {@code _SUCCESS}. See {@link Prediction} for what is scored and how.
 *
 * <p>Usage: {@code PredictJob [--conf FILE]... [--set key=value]...}, with {@code predict.model}
 * set. The configuration is layered as {@code reference.conf}, then the model's run's {@code
 * data}, {@code model} and {@code train} sections and {@code run.seed} (so its test set is the
 * default input, split and limited as the run had it), then the {@code --conf} files and {@code
 * --set} overrides. An empty {@code run.id} becomes {@code predict-<model>-<dataset>-<UTC time>}.
 * Run directories, lock and exit codes ({@link ExitCode}) are the training job's; there is no
 * {@code --resume} (run the prediction again).
 */
public final class PredictJob {
  public static final String APP_NAME = "spark-cnn predict";
  /** The keys a prediction takes from its model's run's {@code config.conf}. */
  static final List<String> SOURCE_KEYS = List.of("data", "model", "train", "run.seed");
  static final TrainCommandLine.Job COMMAND = new TrainCommandLine.Job("PredictJob",
      "Scores images with a trained model (predict.model: a run directory or a model file in"
          + " one) through its run's evaluation pipeline: the images of predict.input (a folder"
          + " or glob, no labels) or the data section's dataset (its test split by default,"
          + " with the evaluation tables). Writes a run directory with predictions.parquet and"
          + " predictions.csv. Exit codes: 0 done, 1 failure, 2 bad arguments or configuration,"
          + " 3 bad input data (a missing model or run file, images of a shape the model cannot"
          + " take, no images, too many unusable images), 5 backend not available, 6 run"
          + " exists, 7 run locked, 52 out of memory.");

  private PredictJob() {}

  public static void main(String[] args) {
    NativeBackend.select(); // before anything loads ND4J
    System.exit(execute(args, () -> new JavaSparkContext(
        SparkSetup.configure(new SparkConf(), APP_NAME)), System.err).code());
  }

  /**
   * Parses {@code args}, then scores on the Spark context {@code sparkFactory} starts; reports
   * any failure on {@code err} as one clear message.
   */
  public static ExitCode execute(String[] args, Supplier<JavaSparkContext> sparkFactory,
      PrintStream err) {
    return TrainJob.execute(PredictJob.class, () -> parse(args), TrainCommandLine.usage(COMMAND),
        sparkFactory, err,
        (request, sc) -> java.util.Optional.of(Prediction.run(request.config(), sc)));
  }

  /**
   * What {@code args} ask for, or null when they ask for help (see the class comment for the
   * layers).
   *
   * @throws InvalidConfigException for a bad command line or configuration, {@code --resume},
   *     or an empty {@code predict.model}
   * @throws BadInputException when {@code predict.model} names nothing, or a run without {@code
   *     config.conf}
   */
  static RunRequest parse(String[] args) {
    TrainCommandLine.Options options = TrainCommandLine.parse(args, COMMAND);
    if (options == null) {
      return null;
    }
    if (options.resuming()) {
      throw new InvalidConfigException("--resume: the prediction job does not resume a run; run"
          + " the prediction again");
    }
    RunRequest request = TrainJob.request(options, loader -> { });
    PredictConfig predict = PredictConfig.from(request.config().resolved());
    Path runConfig = new Path(runOf(predict.model()), RunLayout.CONFIG);
    Consumer<ConfigLoader> base = loader -> { };
    if (exists(runConfig)) {
      base = loader -> loader.file(runConfig.toString(), new Configuration(), SOURCE_KEYS);
      request = TrainJob.request(options, base);
    }
    if (!request.config().run().id().isEmpty()) {
      return request;
    }
    String id = "predict-" + RunLifecycle.runId(request.config());
    return TrainJob.request(options, base.andThen(loader -> loader.set("run.id=" + id)));
  }

  /**
   * The run directory of the model at {@code location}: the directory itself, or the folder
   * holding a model file; for a repeat's folder ({@code RUN/repeat-2}), the run's.
   *
   * @throws BadInputException when nothing is at {@code location}
   */
  static Path runOf(String location) {
    Path path = new Path(location);
    Path dir;
    try {
      FileSystem fs = path.getFileSystem(new Configuration());
      if (!fs.exists(path)) {
        throw new BadInputException("predict.model: no model or run directory at " + location);
      }
      dir = fs.getFileStatus(path).isDirectory() ? path : path.getParent();
    } catch (IOException | IllegalArgumentException e) {
      // A filesystem that does not answer, or an unknown host (an IllegalArgumentException).
      throw new BadInputException("predict.model: cannot read " + location + ": "
          + ImageFolderDataset.rootMessage(e), e);
    }
    if (!exists(new Path(dir, RunLayout.CONFIG))
        && dir.getName().startsWith(RunLayout.REPEAT_PREFIX) && dir.getParent() != null) {
      return dir.getParent();
    }
    return dir;
  }

  private static boolean exists(Path path) {
    try {
      return path.getFileSystem(new Configuration()).exists(path);
    } catch (IOException | IllegalArgumentException e) {
      throw new BadInputException("predict.model: cannot read " + path + ": "
          + ImageFolderDataset.rootMessage(e), e);
    }
  }
}
