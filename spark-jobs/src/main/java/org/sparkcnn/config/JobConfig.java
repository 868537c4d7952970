package org.sparkcnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.learning.config.IUpdater;
import org.sparkcnn.augment.Pipeline;

import static org.sparkcnn.config.ConfigNumbers.wholeInt;
import static org.sparkcnn.config.ConfigNumbers.wholeLong;
import static org.sparkcnn.config.InvalidConfigException.check;

/**
 * A whole job's configuration, one record per section of {@code reference.conf} (see there for
 * each key's meaning and unit). Every record reads its own keys ({@code from(Config)}) and
 * validates its values in its constructor, naming the key at fault; sub-sections have records of
 * their own ({@link IdxConfig}, {@link CifarConfig}, {@link FolderConfig}).
 */
public record JobConfig(RunConfig run, DataConfig data, ModelConfig model, TrainConfig train,
    ClusterConfig cluster, Config resolved) {

  /** Builds the records from a resolved configuration (see {@link ConfigLoader}). */
  public static JobConfig from(Config c) {
    try {
      return new JobConfig(RunConfig.from(c), DataConfig.from(c), ModelConfig.from(c),
          TrainConfig.from(c), ClusterConfig.from(c), c);
    } catch (ConfigException e) {
      throw new InvalidConfigException("invalid configuration: " + e.getMessage(), e);
    }
  }

  private static Pipeline pipeline(Config c, String key, boolean evaluation) {
    try {
      return Pipeline.parse(key, c.getList(key).unwrapped(), evaluation);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }

  /** The resolved configuration as HOCON, as saved in the run directory. */
  public String render() {
    return render(resolved);
  }

  /** The resolved configuration as HOCON with any secret redacted, for logs. */
  public String renderRedacted() {
    return render(Redaction.redact(resolved));
  }

  private static String render(Config config) {
    return config.root().render(ConfigRenderOptions.defaults()
        .setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
  }

  /** Section {@code run}. */
  public record RunConfig(String outputRoot, String id, long seed, int repeats, IfExists ifExists,
      long lockStaleSeconds, String latestPointer, int keep) {
    /** Three of the lock's 30 s refreshes: a driver is not taken for dead after one late one. */
    public static final long MIN_LOCK_STALE_SECONDS = 90;
    private static final String FILE_NAME = "[A-Za-z0-9_-][A-Za-z0-9._-]*";

    public RunConfig {
      check(repeats >= 1, "run.repeats", "must be >= 1", repeats);
      check(!outputRoot.isBlank(), "run.output-root", "must not be empty", "''");
      String idProblem = RunIds.refused(id).orElse(null);
      check(idProblem == null, "run.id", idProblem, "'" + id + "'");
      Objects.requireNonNull(ifExists, "run.if-exists");
      check(lockStaleSeconds >= MIN_LOCK_STALE_SECONDS, "run.lock-stale-seconds",
          "must be >= " + MIN_LOCK_STALE_SECONDS + " (three missed refreshes of the lock)",
          lockStaleSeconds);
      check(latestPointer.isEmpty() || latestPointer.matches(FILE_NAME), "run.latest-pointer",
          "must be empty or a file name of letters, digits, '.', '_' and '-' (not starting with"
              + " '.')", "'" + latestPointer + "'");
      check(latestPointer.isEmpty() || !latestPointer.equals(id), "run.latest-pointer",
          "must differ from run.id (it is a file beside the run directories)",
          "'" + latestPointer + "'");
      check(keep >= 0, "run.keep", "must be >= 0", keep);
      check(keep == 0 || RunSeries.of(id).isPresent(), "run.keep",
          "needs run.id of a series, <name>-<yyyyMMdd>[-HHmm[ss]] (e.g. nightly-20260105), to"
              + " know which runs to prune; run.id is '" + id + "'", keep);
    }

    /** As the canonical constructor, {@code ifExists} spelt as in the configuration. */
    public RunConfig(String outputRoot, String id, long seed, int repeats, String ifExists,
        long lockStaleSeconds, String latestPointer, int keep) {
      this(outputRoot, id, seed, repeats, IfExists.parse(ifExists), lockStaleSeconds,
          latestPointer, keep);
    }

    /** Reads {@code run.*}. */
    public static RunConfig from(Config c) {
      return new RunConfig(c.getString("run.output-root"), c.getString("run.id"),
          wholeLong(c, "run.seed"), wholeInt(c, "run.repeats"), c.getString("run.if-exists"),
          wholeLong(c, "run.lock-stale-seconds"), c.getString("run.latest-pointer"),
          wholeInt(c, "run.keep"));
    }

    /** Age beyond which another driver's lock on a run directory is taken for a dead one's. */
    public Duration lockStale() {
      return Duration.ofSeconds(lockStaleSeconds);
    }
  }

  /**
   * Section {@code data}: the dataset's name and format, the sub-section of that format ({@code
   * idx}, {@code cifar}, {@code folder}, or {@code dataframe} with {@code folder}'s shape) and what
   * holds for every format.
   */
  public record DataConfig(String name, DataFormat format, IdxConfig idx, CifarConfig cifar,
      FolderConfig folder, DataFrameConfig dataframe, double maxSkippedFraction,
      long maxImagePixels, int numClasses, List<String> classNames, long trainLimit,
      long testLimit, int partitions) {
    public DataConfig {
      classNames = List.copyOf(classNames);
      check(!name.isBlank(), "data.name", "must not be empty", "''");
      Objects.requireNonNull(format, "data.format");
      check(numClasses >= 2 && numClasses <= 256, "data.num-classes", "must be in 2..256",
          numClasses);
      int formatClasses = switch (format) {
        case CIFAR10 -> 10;
        case CIFAR100 -> cifar.label().classes();
        default -> numClasses;
      };
      check(numClasses == formatClasses, "data.num-classes",
          "must be " + formatClasses + " for data.format = " + format
              + (format == DataFormat.CIFAR100 ? " with data.cifar.label = " + cifar.label() : ""),
          numClasses);
      check(format == DataFormat.PARQUET || dataframe.labelFrom() == LabelSource.PARENT_FOLDER,
          "data.dataframe.label-from", "must be parent-folder for data.format = " + format
              + " (a folder of files has no label column; column is for parquet)",
          dataframe.labelFrom());
      check(maxSkippedFraction >= 0 && maxSkippedFraction <= 1, "data.max-skipped-fraction",
          "must be in [0, 1]", maxSkippedFraction);
      check(maxImagePixels > 0, "data.max-image-pixels", "must be > 0", maxImagePixels);
      check(classNames.isEmpty() || classNames.size() == numClasses, "data.class-names",
          "must be empty or hold data.num-classes (" + numClasses + ") names",
          classNames.size() + " names");
      check(trainLimit >= 0, "data.train-limit", "must be >= 0", trainLimit);
      check(testLimit >= 0, "data.test-limit", "must be >= 0", testLimit);
      check(partitions >= 0, "data.partitions", "must be >= 0", partitions);
    }

    /** Reads {@code data.*}, its sub-sections by their records. */
    public static DataConfig from(Config c) {
      return new DataConfig(c.getString("data.name"), DataFormat.parse(c.getString("data.format")),
          IdxConfig.from(c), CifarConfig.from(c), FolderConfig.from(c), DataFrameConfig.from(c),
          c.getDouble("data.max-skipped-fraction"), wholeLong(c, "data.max-image-pixels"),
          wholeInt(c, "data.num-classes"), c.getStringList("data.class-names"),
          wholeLong(c, "data.train-limit"), wholeLong(c, "data.test-limit"),
          wholeInt(c, "data.partitions"));
    }

    /** Name of class {@code index}: its configured name, or the index itself. */
    public String className(int index) {
      return classNames.isEmpty() ? Integer.toString(index) : classNames.get(index);
    }

    /** {@code data.idx.train-images}. */
    public String trainImages() {
      return idx.trainImages();
    }

    /** {@code data.idx.train-labels}. */
    public String trainLabels() {
      return idx.trainLabels();
    }

    /** {@code data.idx.test-images}. */
    public String testImages() {
      return idx.testImages();
    }

    /** {@code data.idx.test-labels}. */
    public String testLabels() {
      return idx.testLabels();
    }
  }

  /**
   * Section {@code train}, its keys grouped: the training master's ({@link AveragingConfig}),
   * the optimiser's ({@link OptimiserConfig}), and the epochs, evaluation, moving average,
   * checkpoints and augmentation here.
   */
  public record TrainConfig(int epochs, AveragingConfig averaging, OptimiserConfig optimiser,
      int evalBatchSize, double emaDecay, int checkpointEvery, int checkpointsKept,
      Pipeline augment, Pipeline evalAugment) {
    public TrainConfig {
      check(epochs > 0, "train.epochs", "must be > 0", epochs);
      check(evalBatchSize > 0, "train.eval-batch-size", "must be > 0", evalBatchSize);
      check(emaDecay >= 0 && emaDecay < 1, "train.ema-decay", "must be in [0, 1)", emaDecay);
      check(checkpointEvery >= 0, "train.checkpoint-every", "must be >= 0", checkpointEvery);
      check(checkpointsKept >= 1, "train.checkpoints-kept", "must be >= 1", checkpointsKept);
    }

    /** Reads {@code train.*}. */
    public static TrainConfig from(Config c) {
      return new TrainConfig(wholeInt(c, "train.epochs"), AveragingConfig.from(c),
          OptimiserConfig.from(c), wholeInt(c, "train.eval-batch-size"),
          c.getDouble("train.ema-decay"), wholeInt(c, "train.checkpoint-every"),
          wholeInt(c, "train.checkpoints-kept"), pipeline(c, "train.augment", false),
          pipeline(c, "train.eval-augment", true));
    }

    /** The learning rate schedule these settings describe. */
    public LearningRateSchedule schedule() {
      return optimiser.schedule(epochs);
    }

    /** The DL4J optimiser this section describes (at the first epoch's learning rate). */
    public IUpdater optimizer() {
      return optimiser.optimizer();
    }

    /** {@code train.learning-rate}. */
    public double learningRate() {
      return optimiser.learningRate();
    }

    /** {@code train.batch-size-per-worker}. */
    public int batchSizePerWorker() {
      return averaging.batchSizePerWorker();
    }

    /** {@code train.workers}. */
    public int workers() {
      return averaging.workers();
    }

    /** {@code train.averaging-frequency}. */
    public int averagingFrequency() {
      return averaging.averagingFrequency();
    }

    /** {@code train.prefetch-batches}. */
    public int prefetchBatches() {
      return averaging.prefetchBatches();
    }

    /** {@code train.aggregation-depth}. */
    public int aggregationDepth() {
      return averaging.aggregationDepth();
    }

    /** {@code train.master}. */
    public TrainingMasterChoice master() {
      return averaging.master();
    }

    /** {@code train.round-scheduling}. */
    public RoundScheduling roundScheduling() {
      return averaging.roundScheduling();
    }
  }

  /** Section {@code cluster}. */
  public record ClusterConfig(ComputePlacement placement, boolean allowCpuFallback) {
    /** Values of {@code cluster.placement}, as spelt in the configuration. */
    public static final List<String> PLACEMENTS =
        ConfigChoice.spellings(ComputePlacement.values());

    public ClusterConfig {
      Objects.requireNonNull(placement, "cluster.placement");
    }

    /** As the canonical constructor, {@code placement} spelt as in the configuration. */
    public ClusterConfig(String placement, boolean allowCpuFallback) {
      this(ComputePlacement.parse(placement), allowCpuFallback);
    }

    /** Reads {@code cluster.*}. */
    public static ClusterConfig from(Config c) {
      return new ClusterConfig(c.getString("cluster.placement"),
          c.getBoolean("cluster.allow-cpu-fallback"));
    }

    /** Whether the executors are to run the CUDA backend. */
    public boolean executorsOnGpu() {
      return placement.executorsOnGpu();
    }

    /** Whether the driver is to run the CUDA backend. */
    public boolean driverOnGpu() {
      return placement.driverOnGpu();
    }
  }
}
