package org.sparkcnn.predict;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.sparkcnn.augment.DatasetStats;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.DataFormat;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.Datasets;
import org.sparkcnn.data.ImageFolderDataset;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;

/**
 * A trained network with what serving needs to preprocess images exactly as its training run
 * evaluated them, read on the driver from a run directory: the model ({@code model.zip}, or the
 * moving average {@code model-ema.zip}), the run's {@code config.conf} (size and channel policies,
 * {@code train.eval-augment}, {@code run.seed}), {@code classes.csv} and {@code
 * dataset-stats.json} (the training set's statistics that {@code normalize} uses).
 *
 * <p>Usage: {@code ServingModel model = ServingModel.load("runs/lenet5-fm", false, hadoopConf);}
 * then broadcast {@link #payload()} and score on the executors with {@link ScoringPayload#scorer}.
 *
 * <p>The evaluation {@link Augmenter} is built as the run built it ({@code
 * tc.evalAugment().withStats(stats)}, {@link Augmenter#EVALUATION_EPOCH}, the run's seed, or its
 * repeat's for a model in {@code repeat-<n>/}), so training and serving preprocessing are
 * identical.
 */
public final class ServingModel {
  private final Model network;
  private final String modelPath;
  private final String runDirectory;
  private final JobConfig runConfig;
  private final List<String> classNames;
  private final DatasetStats stats;
  private final ImageShape inputShape;
  private final Augmenter evalAugmenter;

  private ServingModel(Model network, String modelPath, String runDirectory, JobConfig runConfig,
      List<String> classNames, DatasetStats stats, ImageShape inputShape,
      Augmenter evalAugmenter) {
    this.network = network;
    this.modelPath = modelPath;
    this.runDirectory = runDirectory;
    this.runConfig = runConfig;
    this.classNames = classNames;
    this.stats = stats;
    this.inputShape = inputShape;
    this.evalAugmenter = evalAugmenter;
  }

  /**
   * {@link #load(String, boolean, Configuration)} of the trained parameters: a run directory's
   * {@code model.zip}, or the model file {@code location} names.
   */
  public static ServingModel load(String location, Configuration hadoopConf) {
    return load(location, false, hadoopConf);
  }

  /**
   * Reads a model and its run's preprocessing.
   *
   * @param location a model file ({@code model.zip}, {@code model-ema.zip}, any DL4J model file
   *     in a run directory or a run's {@code repeat-<n>/}), or a run directory (or a repeat's
   *     directory) on any Hadoop filesystem
   * @param movingAverage for a directory: its {@code model-ema.zip} instead of {@code model.zip};
   *     with a file, only a {@code model-ema.zip} is taken (any other file is an {@link
   *     InvalidConfigException})
   * @throws BadInputException when the model is missing or unreadable, or the run's {@code
   *     config.conf}, {@code classes.csv} or {@code dataset-stats.json} is missing or malformed
   *     (naming the file)
   * @throws InvalidConfigException when the run's configuration no longer reads, or its
   *     evaluation pipeline does not fit its images
   */
  public static ServingModel load(String location, boolean movingAverage,
      Configuration hadoopConf) {
    Path given = new Path(location);
    FileStatus status = status(given, hadoopConf);
    if (status == null) {
      throw new BadInputException("no model or run directory at " + location);
    }
    Path model;
    if (status.isDirectory()) {
      model = new Path(given, movingAverage ? RunLayout.MODEL_EMA : RunLayout.MODEL);
      if (status(model, hadoopConf) == null) {
        throw new BadInputException(RunFiles.missingModel(given, model, movingAverage, hadoopConf));
      }
    } else if (movingAverage && !given.getName().equals(RunLayout.MODEL_EMA)) {
      throw new InvalidConfigException("the moving average of the parameters was asked for, but "
          + location + " is a model file, not a run directory: name the run directory, or its "
          + RunLayout.MODEL_EMA + " itself");
    } else {
      model = given;
    }
    Path dir = model.getParent();
    Path runDir = status(new Path(dir, RunLayout.CONFIG), hadoopConf) == null
        && dir.getName().startsWith(RunLayout.REPEAT_PREFIX) ? dir.getParent() : dir;
    RunFiles.requirePresent(runDir, model, hadoopConf);
    RunFiles.requireFinished(dir, runDir, model, hadoopConf);
    JobConfig config;
    try {
      config = JobConfig.from(new ConfigLoader()
          .file(new Path(runDir, RunLayout.CONFIG).toString(), hadoopConf).resolve());
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException("model " + model + ": its run's " + RunLayout.CONFIG
          + " does not read as a configuration of this version: " + e.getMessage(), e);
    }
    List<String> classNames = classNames(new Path(runDir, RunLayout.CLASSES), hadoopConf);
    if (classNames.size() != config.data().numClasses()) {
      throw new BadInputException(new Path(runDir, RunLayout.CLASSES) + " names "
          + classNames.size() + " classes but the run's data.num-classes is "
          + config.data().numClasses());
    }
    Path statsFile = new Path(runDir, RunLayout.DATASET_STATS);
    String statsJson = text(statsFile, hadoopConf);
    DatasetStats stats;
    try {
      stats = DatasetStats.fromJson(statsJson);
    } catch (IllegalArgumentException e) {
      throw new BadInputException(statsFile + ": " + e.getMessage(), e);
    }
    ImageShape shape = imageShape(statsFile, statsJson, config, hadoopConf);
    long seed = config.run().seed() + repeat(dir) - 1;
    Augmenter augmenter;
    try {
      augmenter = new Augmenter(shape, config.train().evalAugment().withStats(stats),
          config.data().numClasses(), seed, Augmenter.EVALUATION_EPOCH);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("model " + model + ": train.eval-augment of its run does"
          + " not fit its images " + shape + ": " + e.getMessage(), e);
    }
    return new ServingModel(read(model, hadoopConf), model.toString(), runDir.toString(), config,
        List.copyOf(classNames), stats, shape, augmenter);
  }

  /** The DL4J network, in inference use only (parameters as trained, no updater state). */
  public Model network() {
    return network;
  }

  /** The model file read. */
  public String modelPath() {
    return modelPath;
  }

  /** The run directory whose configuration, classes and statistics were read. */
  public String runDirectory() {
    return runDirectory;
  }

  /** The run's configuration, as saved in its {@code config.conf}. */
  public JobConfig runConfig() {
    return runConfig;
  }

  /** Class names by class index, from {@code classes.csv}. */
  public List<String> classNames() {
    return classNames;
  }

  /** Number of classes the network tells apart. */
  public int numClasses() {
    return classNames.size();
  }

  /** The training set's pixel statistics, from {@code dataset-stats.json}. */
  public DatasetStats stats() {
    return stats;
  }

  /**
   * Shape [channels, height, width] of the uint8 images the run cached, which the evaluation
   * pipeline takes: every input is brought to it (decoded images) or must have it (datasets).
   */
  public ImageShape inputShape() {
    return inputShape;
  }

  /** Shape [channels, height, width] of each view the network sees. */
  public ImageShape networkInput() {
    return evalAugmenter.outputShape();
  }

  /** What the run did with an image of another height and width ({@code data.folder}). */
  public SizePolicy onSizeMismatch() {
    return runConfig.data().folder().onSizeMismatch();
  }

  /** What the run did with an image of another channel count ({@code data.folder}). */
  public ChannelPolicy onChannelMismatch() {
    return runConfig.data().folder().onChannelMismatch();
  }

  /** The largest image decoded, in pixels (the run's {@code data.max-image-pixels}). */
  public long maxImagePixels() {
    return runConfig.data().maxImagePixels();
  }

  /** The run's evaluation pipeline, with its statistics, seed and the evaluation epoch. */
  public Augmenter evalAugmenter() {
    return evalAugmenter;
  }

  /** What executors need to score with this model: broadcast it once. */
  public ScoringPayload payload() {
    return new ScoringPayload(network, evalAugmenter, classNames);
  }

  /**
   * Fails unless images of {@code shape} are what this model takes ({@link #inputShape()}).
   *
   * @param what the input, for the message (a path, a key)
   * @throws BadInputException naming both shapes
   */
  public void requireTakes(ImageShape shape, String what) {
    if (!shape.equals(inputShape)) {
      throw new BadInputException(what + " holds images of shape " + shape + " but the model "
          + modelPath + " takes images of shape " + inputShape + " (its run's data, before "
          + "train.eval-augment " + evalAugmenter.pipeline() + "); give images of that shape, or "
          + "image files, which are brought to it with the run's size and channel policies");
    }
  }

  /** The 1-based repeat of a model in {@code repeat-<n>/}; 1 for any other folder. */
  static int repeat(Path dir) {
    String name = dir.getName();
    if (name.startsWith(RunLayout.REPEAT_PREFIX)) {
      try {
        return Integer.parseInt(name.substring(RunLayout.REPEAT_PREFIX.length()));
      } catch (NumberFormatException e) {
        return 1;
      }
    }
    return 1;
  }

  /**
   * The cached images' shape: {@code image_shape} of {@code dataset-stats.json}, or, for runs
   * that did not write it, the image folders' configured shape or the run's test data's.
   */
  private static ImageShape imageShape(Path statsFile, String statsJson, JobConfig config,
      Configuration conf) {
    var json = ConfigFactory.parseString(statsJson,
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    if (json.hasPath(RunLayout.STATS_IMAGE_SHAPE)) {
      List<Integer> s = json.getIntList(RunLayout.STATS_IMAGE_SHAPE);
      if (s.size() != 3) {
        throw new BadInputException(statsFile + ": " + RunLayout.STATS_IMAGE_SHAPE
            + " must be [channels, height, width], got " + s);
      }
      return new ImageShape(s.get(0), s.get(1), s.get(2));
    }
    if (config.data().format() == DataFormat.IMAGE_FOLDER) {
      return config.data().folder().shape();
    }
    try {
      return Datasets.open(config.data(), Datasets.Split.TEST, config.run().seed(), conf)
          .shape();
    } catch (BadInputException e) {
      throw new BadInputException(statsFile + " has no " + RunLayout.STATS_IMAGE_SHAPE
          + " (written by runs of later versions) and the run's test data, which would give the"
          + " image shape, cannot be opened: " + e.getMessage(), e);
    }
  }

  private static List<String> classNames(Path file, Configuration conf) {
    Table table;
    try {
      table = Table.parse(new InputStreamReader(
          new ByteArrayInputStream(bytes(file, conf)), StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new BadInputException(e.getMessage(), e);
    }
    if (!table.columns().equals(RunLayout.CLASSES_COLUMNS)) {
      throw new BadInputException(file + " has columns " + table.columns() + ", not "
          + RunLayout.CLASSES_COLUMNS);
    }
    List<String> names = new ArrayList<>();
    for (int row = 0; row < table.rows().size(); row++) {
      if (!table.cell(row, "index").equals(Integer.toString(row))) {
        throw new BadInputException(file + " row " + (row + 1) + ": index "
            + table.cell(row, "index") + ", expected " + row);
      }
      names.add(table.cell(row, "name"));
    }
    return names;
  }

  /** The network in {@code model}: a MultiLayerNetwork, or a ComputationGraph (ResNet). */
  private static Model read(Path model, Configuration conf) {
    byte[] bytes = bytes(model, conf);
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
    } catch (Exception | LinkageError notLayers) {
      try {
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
      } catch (Exception | LinkageError notGraph) {
        throw new BadInputException("cannot read " + model + " as a DL4J model: " + notLayers,
            notLayers);
      }
    }
  }

  static String text(Path file, Configuration conf) {
    return new String(bytes(file, conf), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Path file, Configuration conf) {
    try (InputStream in = file.getFileSystem(conf).open(file)) {
      return in.readAllBytes();
    } catch (FileNotFoundException e) {
      throw new BadInputException("no file " + file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static FileStatus status(Path path, Configuration conf) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      return fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException | IllegalArgumentException e) {
      // A filesystem that does not answer, or an unknown host (an IllegalArgumentException).
      throw new BadInputException("cannot read " + path + ": "
          + ImageFolderDataset.rootMessage(e), e);
    }
  }
}
