package org.sparkcnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkcnn.activations.Activations;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;

import static org.sparkcnn.config.InvalidConfigException.check;

/**
 * A whole job's configuration, one record per section of {@code reference.conf} (see there for
 * each key's meaning and unit). Every record validates its values in its constructor, naming the
 * key at fault.
 */
public record JobConfig(RunConfig run, DataConfig data, ModelConfig model, TrainConfig train,
    ClusterConfig cluster, Config resolved) {

  /** Builds the records from a resolved configuration (see {@link ConfigLoader}). */
  public static JobConfig from(Config c) {
    try {
      return read(c);
    } catch (ConfigException e) {
      throw new InvalidConfigException("invalid configuration: " + e.getMessage(), e);
    }
  }

  private static JobConfig read(Config c) {
    return new JobConfig(
        new RunConfig(c.getString("run.output-root"), c.getString("run.id"), c.getLong("run.seed"),
            c.getInt("run.repeats"), c.getString("run.if-exists"),
            c.getLong("run.lock-stale-seconds"), c.getString("run.latest-pointer"),
            c.getInt("run.keep")),
        new DataConfig(
            c.getString("data.name"),
            c.getString("data.format"),
            c.getString("data.train-images"),
            c.getString("data.train-labels"),
            c.getString("data.test-images"),
            c.getString("data.test-labels"),
            new CifarConfig(List.copyOf(c.getStringList("data.cifar.train")),
                List.copyOf(c.getStringList("data.cifar.test")), c.getString("data.cifar.label")),
            new FolderConfig(c.getString("data.folder.train"), c.getString("data.folder.test"),
                c.getInt("data.folder.channels"), c.getInt("data.folder.height"),
                c.getInt("data.folder.width"), c.getString("data.folder.on-size-mismatch"),
                c.getString("data.folder.on-channel-mismatch")),
            c.getDouble("data.max-skipped-fraction"),
            c.getLong("data.max-image-pixels"),
            c.getInt("data.num-classes"),
            List.copyOf(c.getStringList("data.class-names")),
            c.getLong("data.train-limit"),
            c.getLong("data.test-limit"),
            c.getInt("data.partitions")),
        new ModelConfig(
            c.getString("model.name"),
            c.getString("model.activation"),
            c.getString("model.weight-init"),
            c.getDouble("model.l2"),
            c.getString("model.convolution")),
        new TrainConfig(
            c.getInt("train.epochs"),
            c.getInt("train.batch-size-per-worker"),
            c.getInt("train.workers"),
            c.getInt("train.averaging-frequency"),
            c.getInt("train.prefetch-batches"),
            c.getInt("train.aggregation-depth"),
            c.getString("train.updater"),
            c.getDouble("train.learning-rate"),
            c.getDouble("train.learning-rate-decay"),
            c.getDouble("train.learning-rate-decay-epochs"),
            List.copyOf(c.getDoubleList("train.learning-rate-boundaries")),
            c.getBoolean("train.learning-rate-cosine"),
            c.getDouble("train.warmup-epochs"),
            c.getDouble("train.momentum"),
            c.getInt("train.eval-batch-size"),
            c.getDouble("train.ema-decay"),
            c.getInt("train.checkpoint-every"),
            c.getInt("train.checkpoints-kept"),
            pipeline(c, "train.augment", false),
            pipeline(c, "train.eval-augment", true)),
        new ClusterConfig(c.getString("cluster.placement"),
            c.getBoolean("cluster.allow-cpu-fallback")),
        c);
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
  public record RunConfig(String outputRoot, String id, long seed, int repeats, String ifExists,
      long lockStaleSeconds, String latestPointer, int keep) {
    /** Values of {@code run.if-exists}. */
    public static final List<String> IF_EXISTS = List.of("refuse", "resume");
    /** Three of the lock's 30 s refreshes: a driver is not taken for dead after one late one. */
    public static final long MIN_LOCK_STALE_SECONDS = 90;
    private static final String FILE_NAME = "[A-Za-z0-9_-][A-Za-z0-9._-]*";

    public RunConfig {
      check(repeats >= 1, "run.repeats", "must be >= 1", repeats);
      check(!outputRoot.isBlank(), "run.output-root", "must not be empty", "''");
      String idProblem = RunIds.refused(id).orElse(null);
      check(idProblem == null, "run.id", idProblem, "'" + id + "'");
      check(IF_EXISTS.contains(ifExists), "run.if-exists", "must be one of " + IF_EXISTS,
          "'" + ifExists + "'");
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

    /** Age beyond which another driver's lock on a run directory is taken for a dead one's. */
    public Duration lockStale() {
      return Duration.ofSeconds(lockStaleSeconds);
    }
  }

  /** Section {@code data}. */
  public record DataConfig(String name, String format, String trainImages, String trainLabels,
      String testImages, String testLabels, CifarConfig cifar, FolderConfig folder,
      double maxSkippedFraction, long maxImagePixels, int numClasses, List<String> classNames,
      long trainLimit, long testLimit, int partitions) {
    /** Values of {@code data.format}. */
    public static final List<String> FORMATS = List.of("idx", "cifar10", "cifar100",
        "image-folder");

    public DataConfig {
      check(!name.isBlank(), "data.name", "must not be empty", "''");
      check(FORMATS.contains(format), "data.format", "must be one of " + FORMATS,
          "'" + format + "'");
      check(numClasses >= 2 && numClasses <= 256, "data.num-classes", "must be in 2..256",
          numClasses);
      int cifarClasses = format.equals("cifar10") ? 10
          : format.equals("cifar100") ? (cifar.label().equals("coarse") ? 20 : 100) : numClasses;
      check(numClasses == cifarClasses, "data.num-classes",
          "must be " + cifarClasses + " for data.format = " + format
              + (format.equals("cifar100") ? " with data.cifar.label = " + cifar.label() : ""),
          numClasses);
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

    /** Name of class {@code index}: its configured name, or the index itself. */
    public String className(int index) {
      return classNames.isEmpty() ? Integer.toString(index) : classNames.get(index);
    }
  }

  /** Section {@code data.cifar}. */
  public record CifarConfig(List<String> train, List<String> test, String label) {
    public CifarConfig {
      check(!train.isEmpty(), "data.cifar.train", "must name at least one file", "[]");
      check(!test.isEmpty(), "data.cifar.test", "must name at least one file", "[]");
      check(label.equals("fine") || label.equals("coarse"), "data.cifar.label",
          "must be fine or coarse", "'" + label + "'");
    }
  }

  /** Section {@code data.folder}. */
  public record FolderConfig(String train, String test, int channels, int height, int width,
      String onSizeMismatch, String onChannelMismatch) {
    /** Values of {@code data.folder.on-size-mismatch}. */
    public static final List<String> SIZE_POLICIES = List.of("resize", "resize-crop", "reject");
    /** Values of {@code data.folder.on-channel-mismatch}. */
    public static final List<String> CHANNEL_POLICIES = List.of("convert", "reject");

    public FolderConfig {
      check(!train.isBlank(), "data.folder.train", "must not be empty", "''");
      check(!test.isBlank(), "data.folder.test", "must not be empty", "''");
      check(channels == 1 || channels == 3, "data.folder.channels", "must be 1 or 3", channels);
      check(height > 0, "data.folder.height", "must be > 0", height);
      check(width > 0, "data.folder.width", "must be > 0", width);
      check(SIZE_POLICIES.contains(onSizeMismatch), "data.folder.on-size-mismatch",
          "must be one of " + SIZE_POLICIES, "'" + onSizeMismatch + "'");
      check(CHANNEL_POLICIES.contains(onChannelMismatch), "data.folder.on-channel-mismatch",
          "must be one of " + CHANNEL_POLICIES, "'" + onChannelMismatch + "'");
    }

    /** Shape every image is brought to. */
    public ImageShape shape() {
      return new ImageShape(channels, height, width);
    }
  }

  /** Section {@code model}. */
  public record ModelConfig(String name, String activation, String weightInit, double l2,
      String convolution) {
    public ModelConfig {
      try {
        Models.validate(name);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("model.name: " + e.getMessage(), e);
      }
      try {
        if (!Activations.isPrelu(activation)) {
          Activations.parse(activation);
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("model.activation: " + e.getMessage(), e);
      }
      check(parseWeightInit(weightInit) != null, "model.weight-init",
          "must be a DL4J WeightInit name (relu, xavier, ...)", "'" + weightInit + "'");
      check(l2 >= 0 && Double.isFinite(l2), "model.l2", "must be a finite value >= 0", l2);
      try {
        ConvolutionEngine.parse(convolution);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("model.convolution: " + e.getMessage(), e);
      }
    }

    public ConvolutionEngine convolutionEngine() {
      return ConvolutionEngine.parse(convolution);
    }

    public WeightInit weightInitScheme() {
      return parseWeightInit(weightInit);
    }

    private static WeightInit parseWeightInit(String name) {
      try {
        return WeightInit.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** Section {@code train}. */
  public record TrainConfig(int epochs, int batchSizePerWorker, int workers,
      int averagingFrequency, int prefetchBatches, int aggregationDepth, String updater,
      double learningRate, double learningRateDecay, double learningRateDecayEpochs,
      List<Double> learningRateBoundaries, boolean learningRateCosine, double warmupEpochs,
      double momentum, int evalBatchSize, double emaDecay, int checkpointEvery,
      int checkpointsKept, Pipeline augment, Pipeline evalAugment) {
    /** Optimisers {@code train.updater} may name. */
    public static final List<String> UPDATERS = List.of("sgd", "nesterovs", "adam");

    public TrainConfig {
      check(epochs > 0, "train.epochs", "must be > 0", epochs);
      check(batchSizePerWorker > 0, "train.batch-size-per-worker", "must be > 0",
          batchSizePerWorker);
      check(workers >= 0, "train.workers", "must be >= 0", workers);
      check(averagingFrequency > 0, "train.averaging-frequency", "must be > 0",
          averagingFrequency);
      check(prefetchBatches >= 0, "train.prefetch-batches", "must be >= 0", prefetchBatches);
      check(aggregationDepth >= 1, "train.aggregation-depth", "must be >= 1", aggregationDepth);
      check(UPDATERS.contains(updater), "train.updater", "must be one of " + UPDATERS,
          "'" + updater + "'");
      check(learningRate > 0 && Double.isFinite(learningRate), "train.learning-rate",
          "must be a finite value > 0", learningRate);
      check(learningRateDecay > 0 && learningRateDecay <= 1, "train.learning-rate-decay",
          "must be in (0, 1]", learningRateDecay);
      check(learningRateDecayEpochs > 0, "train.learning-rate-decay-epochs", "must be > 0",
          learningRateDecayEpochs);
      for (int i = 0; i < learningRateBoundaries.size(); i++) {
        double b = learningRateBoundaries.get(i);
        check(b > 0 && (i == 0 || b > learningRateBoundaries.get(i - 1)),
            "train.learning-rate-boundaries", "must be increasing epochs > 0",
            learningRateBoundaries);
      }
      check(warmupEpochs >= 0, "train.warmup-epochs", "must be >= 0", warmupEpochs);
      check(momentum >= 0 && momentum < 1, "train.momentum", "must be in [0, 1)", momentum);
      check(evalBatchSize > 0, "train.eval-batch-size", "must be > 0", evalBatchSize);
      check(emaDecay >= 0 && emaDecay < 1, "train.ema-decay", "must be in [0, 1)", emaDecay);
      check(checkpointEvery >= 0, "train.checkpoint-every", "must be >= 0", checkpointEvery);
      check(checkpointsKept >= 1, "train.checkpoints-kept", "must be >= 1", checkpointsKept);
    }

    /** The learning rate schedule these settings describe. */
    public LearningRateSchedule schedule() {
      return new LearningRateSchedule(learningRate, learningRateDecay, learningRateDecayEpochs,
          learningRateBoundaries, learningRateCosine, warmupEpochs, epochs);
    }

    /** The DL4J optimiser this section describes (at the first epoch's learning rate). */
    public IUpdater optimizer() {
      return switch (updater) {
        case "sgd" -> new Sgd(learningRate);
        case "nesterovs" -> new Nesterovs(learningRate, momentum);
        case "adam" -> new Adam(learningRate);
        default -> throw new IllegalStateException(updater);
      };
    }
  }

  /** Section {@code cluster}. */
  public record ClusterConfig(String placement, boolean allowCpuFallback) {
    /** Values of {@code cluster.placement}. */
    public static final List<String> PLACEMENTS = List.of("cpu", "gpu", "hybrid");

    public ClusterConfig {
      check(PLACEMENTS.contains(placement), "cluster.placement", "must be one of " + PLACEMENTS,
          "'" + placement + "'");
    }

    /** Whether the executors are to run the CUDA backend. */
    public boolean executorsOnGpu() {
      return !placement.equals("cpu");
    }

    /** Whether the driver is to run the CUDA backend. */
    public boolean driverOnGpu() {
      return placement.equals("gpu");
    }
  }
}
