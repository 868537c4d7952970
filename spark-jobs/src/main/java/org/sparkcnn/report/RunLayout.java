package org.sparkcnn.report;

import java.util.List;

/**
 * The run directory, {@code <run.output-root>/<run-id>/}, declared once: the name of every file a
 * run writes there and the columns of every CSV table, in the order they are written. Writers
 * (the training job) and readers ({@code --resume}, {@code run.if-exists}, the benchmarks, later
 * jobs) use these names instead of spelling them.
 *
 * <p>CSV files are UTF-8, comma-separated with RFC 4180 quoting, one header row ({@link Table});
 * every {@code .md} file is the Markdown twin of the CSV of the same name. Each file is written
 * atomically ({@link RunDirectory#write}); {@link #SUCCESS} is written last.
 */
public final class RunLayout {
  /** The resolved configuration of the run (HOCON, secrets redacted), which a resume reads. */
  public static final String CONFIG = "config.conf";
  /** The Spark configuration the driver ran with, one {@code key=value} a line, redacted. */
  public static final String SPARK_CONF = "spark-conf.properties";
  /** The backend probe: the placement asked for and every JVM's ND4J backend and machine. */
  public static final String ENVIRONMENT_JSON = "environment.json";
  /** The class index of each class name ({@link #CLASSES_COLUMNS}). */
  public static final String CLASSES = "classes.csv";
  /** Columns of {@link #CLASSES}: 0-based class index, class name. */
  public static final List<String> CLASSES_COLUMNS = List.of("index", "name");
  /** The training set's pixel statistics and its labels per partition (JSON). */
  public static final String DATASET_STATS = "dataset-stats.json";
  /**
   * Member of {@link #DATASET_STATS}: the shape [channels, height, width] of the cached images
   * (before the evaluation pipeline), which serving brings its inputs to.
   */
  public static final String STATS_IMAGE_SHAPE = "image_shape";
  /** Inputs left out (undecodable or rejected images), with the reason for each. */
  public static final String SKIPPED = "skipped-images.csv";
  /** Columns of {@link #SKIPPED}: {@code train} or {@code test}, the input's path, why. */
  public static final List<String> SKIPPED_COLUMNS = List.of("split", "path", "reason");
  /** The network's layers, output shapes and parameter counts (Markdown). */
  public static final String MODEL_SUMMARY = "model.md";
  /** One row per parameter-averaging round ({@link #ROUNDS_COLUMNS}). */
  public static final String ROUNDS = "rounds.csv";
  /**
   * Columns of {@link #ROUNDS}: 1-based epoch and round within it, the round's learning rate and
   * training loss, wall seconds since the previous round, examples per second.
   */
  public static final List<String> ROUNDS_COLUMNS = List.of("epoch", "round", "learning_rate",
      "loss", "seconds", "examples_per_sec");
  /**
   * The resident training master's rounds, one row each ({@link #ROUND_TIMES_COLUMNS}); written
   * at the end of a training with {@code train.master = "resident"}.
   */
  public static final String ROUND_TIMES = "round-times.csv";
  /**
   * Columns of {@link #ROUND_TIMES}: epoch, round, workers and minibatches of the round, then
   * milliseconds: the round's wall time on the driver, its broadcast, its Spark job, the driver's
   * averaging, the slowest, fastest and mean worker fit, the mean worker set-up; the round's
   * overhead (wall time minus the slowest worker's fit) and the networks built in it; the mean
   * worker wait for its next minibatch and the mean task time (milliseconds).
   */
  public static final List<String> ROUND_TIMES_COLUMNS = List.of("epoch", "round", "workers",
      "minibatches", "wall_ms", "broadcast_ms", "job_ms", "driver_ms", "max_fit_ms",
      "min_fit_ms", "mean_fit_ms", "mean_init_ms", "overhead_ms", "networks_built",
      "mean_wait_ms", "mean_task_ms");
  /** One row per epoch ({@link #METRICS_COLUMNS}). */
  public static final String METRICS = "metrics.csv";
  /**
   * Columns of {@link #METRICS}: epoch, training examples, averaging rounds, learning rate, mean
   * round loss, top-1 test accuracy, training seconds, examples per second, evaluation seconds,
   * top-5 test accuracy, and the two accuracies of the moving average (empty when none is kept).
   */
  public static final List<String> METRICS_COLUMNS = List.of("epoch", "examples",
      "averaging_rounds", "learning_rate", "loss", "test_accuracy", "seconds", "examples_per_sec",
      "eval_seconds", "test_top5_accuracy", "test_accuracy_ema", "test_top5_accuracy_ema");
  /** Column of {@link #ACCURACY}: the final top-1 test accuracy of the raw parameters. */
  public static final String TOP1_ACCURACY = "top1_accuracy";
  /** Column of {@link #TIMING}: seconds of training (the epochs' fits, without evaluation). */
  public static final String TRAIN_SECONDS = "train_seconds";
  /** Column of {@link #TIMING}: training examples per second over the run. */
  public static final String EXAMPLES_PER_SEC = "examples_per_sec";
  /** The final test accuracy: one row, or with repeats one row per repeat, mean and std. */
  public static final String ACCURACY = "accuracy.csv";
  /** The Markdown twin of {@link #ACCURACY}, with the per-class table. */
  public static final String ACCURACY_MD = "accuracy.md";
  /**
   * Columns of {@link #ACCURACY} of a single run; one {@link #ACCURACY_CLASS_PREFIX}{@code <i>}
   * column per class follows them (that class's recall; empty when the test set has none).
   */
  public static final List<String> ACCURACY_COLUMNS = List.of("model", "activation", "dataset",
      "epochs", "test_examples", TOP1_ACCURACY, "top5_accuracy", "top1_accuracy_ema",
      "top5_accuracy_ema");
  /** Prefix of the per-class columns of {@link #ACCURACY}: {@code class_0}, {@code class_1}... */
  public static final String ACCURACY_CLASS_PREFIX = "class_";
  /**
   * Columns of {@link #ACCURACY} of a run with {@code run.repeats} > 1: one row per repeat (its
   * number and seed), then the rows {@code mean} and {@code std} (sample standard deviation).
   */
  public static final List<String> REPEATS_ACCURACY_COLUMNS = List.of("repeat", "seed",
      "top1_accuracy", "top5_accuracy", "top1_accuracy_ema", "top5_accuracy_ema");
  /** Per class: test examples, predictions, recall, precision and F1. */
  public static final String PER_CLASS = "per-class.csv";
  /** Columns of {@link #PER_CLASS}; fractions without examples read {@code n/a}. */
  public static final List<String> PER_CLASS_COLUMNS = List.of("class", "name", "test_examples",
      "predicted", "recall", "precision", "f1");
  /** The confusion matrix: test examples of each actual class (row) by predicted class. */
  public static final String CONFUSION = "confusion.csv";
  /** First column of {@link #CONFUSION}; {@link #CONFUSION_PREDICTED_PREFIX}{@code <i>} follow. */
  public static final String CONFUSION_ACTUAL = "actual";
  /** Prefix of the predicted-class columns of {@link #CONFUSION}: {@code predicted_0}... */
  public static final String CONFUSION_PREDICTED_PREFIX = "predicted_";
  /** How the run was parallelised and where its time went: one row ({@link #TIMING_COLUMNS}). */
  public static final String TIMING = "timing.csv";
  /** The Markdown twin of {@link #TIMING}. */
  public static final String TIMING_MD = "timing.md";
  /**
   * Columns of {@link #TIMING}: Spark master, workers, batch per worker, averaging frequency,
   * epochs, total/train seconds, seconds per epoch, examples per second, convolution engine, the
   * ND4J builds of driver and executors, DL4J's split of the training time (export, broadcast,
   * worker init, worker fit, round overhead, other), the checkpoint epoch a resumed run continued
   * after (0 if none), the tree-aggregation depth, the driver's averaging seconds and the
   * training master ({@code train.master}).
   */
  public static final List<String> TIMING_COLUMNS = List.of("spark_master", "workers",
      "batch_per_worker", "averaging_frequency", "epochs", "total_seconds", TRAIN_SECONDS,
      "seconds_per_epoch", EXAMPLES_PER_SEC, "convolution", "driver_nd4j", "executor_nd4j",
      "export_seconds", "broadcast_seconds", "worker_init_seconds", "worker_fit_seconds",
      "round_overhead_seconds", "other_seconds", "resumed_after_epoch", "aggregation_depth",
      "driver_averaging_seconds", "training_master");
  /**
   * The run's report, one self-contained HTML page (pictures inline, no script): status,
   * accuracy, curves, per-class table, confusion matrix, timing, model, configuration and
   * environment, from the files above. Rewritten after every epoch (its status line says {@code
   * running, epoch k of N}), when the training's outputs are written and when the run fails.
   */
  public static final String REPORT = "report.html";
  /**
   * The curves in one PNG picture, two charts to a row: training loss, test accuracy per epoch
   * (raw and moving average), learning rate and training examples per second per averaging
   * round. Written with {@link #REPORT}.
   */
  public static final String CURVES = "curves.png";
  /** The trained network with its updater state (DL4J {@code ModelSerializer} format). */
  public static final String MODEL = "model.zip";
  /** The moving average of the parameters as a second model (no updater state). */
  public static final String MODEL_EMA = "model-ema.zip";
  /** Checkpoints, one sub-directory per checkpointed epoch: {@code checkpoints/epoch-0003/}. */
  public static final String CHECKPOINTS = "checkpoints";
  /** Prefix of a checkpoint's directory, followed by the epoch in four digits. */
  public static final String CHECKPOINT_PREFIX = "epoch-";
  /** In a checkpoint: the network with its updater state. */
  public static final String CHECKPOINT_MODEL = MODEL;
  /** In a checkpoint: the moving average of the parameters, when one is kept. */
  public static final String CHECKPOINT_AVERAGE = "moving-average.bin";
  /** In a checkpoint, written last: epoch, metrics, rounds, checksums of the other files. */
  public static final String CHECKPOINT_STATE = "state.json";
  /** Where DL4J exports each epoch's minibatches while training; deleted at the end. */
  public static final String EXPORT = "_export";
  /**
   * An experiment's file as given (HOCON: base, vary, mode, repeats, reference), which a re-run
   * and {@code --resume} read back; the experiment directory's {@link #CONFIG} is its base.
   */
  public static final String EXPERIMENT_CONF = "experiment.conf";
  /** An experiment's table: one row per variant over its repeats, the source's figure beside. */
  public static final String EXPERIMENT = "experiment.csv";
  /** The Markdown twin of {@link #EXPERIMENT}. */
  public static final String EXPERIMENT_MD = "experiment.md";
  /** An experiment's report: its table and the variants' curves overlaid, self-contained. */
  public static final String EXPERIMENT_HTML = "experiment.html";
  /**
   * The variants' curves in one picture: test accuracy and training loss per epoch, the mean
   * over repeats with a band from the lowest to the highest repeat.
   */
  public static final String EXPERIMENT_CURVES = "experiment-curves.png";
  /**
   * A prediction run's predictions, one row per image scored, in index order (Spark's Parquet
   * output: a directory of part files): the columns of {@link #PREDICTIONS_COLUMNS}, then for
   * i = 1..k (k = {@code predict.top-k}, at most the classes) {@code class_<i>}, {@code
   * name_<i>} and {@code probability_<i>}, the i-th most probable class; then {@code
   * probabilities}, every class's probability (an array by class index).
   */
  public static final String PREDICTIONS_PARQUET = "predictions.parquet";
  /** {@link #PREDICTIONS_PARQUET} as one CSV file, without the {@code probabilities} array. */
  public static final String PREDICTIONS_CSV = "predictions.csv";
  /**
   * First columns of {@link #PREDICTIONS_CSV}: the image's index in its input (0-based, the
   * dataset's order, or the sorted paths of unlabelled images), its path (empty for IDX and CIFAR
   * records), its label and the label's class name (empty without labels), the predicted class
   * (the most probable; ties to the lower index) and its name.
   */
  public static final List<String> PREDICTIONS_COLUMNS = List.of("index", "path", "label",
      "label_name", "prediction", "prediction_name");
  /** Prefixes of the top-k columns of {@link #PREDICTIONS_CSV}, each followed by 1..k. */
  public static final List<String> PREDICTIONS_TOP_PREFIXES = List.of("class_", "name_",
      "probability_");
  /** Last column of {@link #PREDICTIONS_PARQUET}: every class's probability. */
  public static final String PREDICTIONS_PROBABILITIES = "probabilities";
  /** Sub-directory of each repeat when {@code run.repeats} > 1: repeat-1, repeat-2, ... */
  public static final String REPEAT_PREFIX = "repeat-";
  /**
   * A pruning run's table: the unpruned network (step 0) and every step after its retraining
   * (the pruning job's {@code PruningTable} has the columns).
   */
  public static final String PRUNING = "pruning.csv";
  /** {@link #PRUNING} as Markdown, with the 2022 paper's rows beside it. */
  public static final String PRUNING_MD = "pruning.md";
  /**
   * Sub-directory of each step of a pruning run, its retraining's outputs as a run's: step-1,
   * step-2, ...
   */
  public static final String STEP_PREFIX = "step-";

  /** A pruning run's network after step {@code step} and its retraining: model-step-2.zip. */
  public static String modelAfterStep(int step) {
    return "model-step-" + step + ".zip";
  }

  /** The lock of the driver training the run: host, pid, Spark application; refreshed. */
  public static final String LOCK = "_LOCK";
  /** Written instead of {@link #SUCCESS} when a run fails, holding the error. */
  public static final String FAILED = "_FAILED";
  /** Marker written last, only when every other output is complete. */
  public static final String SUCCESS = "_SUCCESS";

  private RunLayout() {}
}
