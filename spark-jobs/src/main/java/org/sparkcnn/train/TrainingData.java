package org.sparkcnn.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.augment.DatasetStats;
import org.sparkcnn.config.DataFormat;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.Datasets;
import org.sparkcnn.data.EpochOrder;
import org.sparkcnn.data.ImageDataset;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Loaded;
import org.sparkcnn.data.PartitionLabels;
import org.sparkcnn.data.PixelStatistics;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * A run's data, loaded, cached and checked: both splits, the training set's pixel statistics and
 * the order of its examples. Opened in two steps: {@link #open} before any run directory exists
 * (so a missing or mismatched input fails first), {@link #load} into the run directory.
 *
 * @param train the cached training images
 * @param test the cached test images
 * @param stats the training set's pixel statistics (what {@code normalize} and {@code
 *     pca-lighting} use)
 * @param order the training data's order in every epoch, seeded with {@code run.seed}
 */
public record TrainingData(JavaRDD<LabeledImage> train, JavaRDD<LabeledImage> test,
    DatasetStats stats, EpochOrder order) {
  private static final Logger log = LoggerFactory.getLogger(TrainJob.class);

  /**
   * The two splits, opened and checked against each other and the configuration.
   *
   * @param shape the images' shape [channels, height, width]
   * @param classNames the class names, by class index
   * @param networkInput the shape the network sees, after {@code train.augment}
   */
  public record Sources(ImageDataset trainSet, ImageDataset testSet, ImageShape shape,
      List<String> classNames, ImageShape networkInput) {}

  /**
   * Opens both splits of {@code config.data()} without reading them.
   *
   * @throws BadInputException when an input is missing or the splits' shapes differ
   * @throws org.sparkcnn.config.InvalidConfigException when the pipelines or class names do not
   *     fit the data
   */
  public static Sources open(JobConfig config, Configuration hadoopConf) {
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
    ImageShape networkInput = DataChecks.networkInput(config.train(), shape);
    return new Sources(trainSet, testSet, shape, classNames, networkInput);
  }

  /**
   * Reads and checks every record now, so bad input fails before any training; writes {@code
   * skipped-images.csv} (when any were) and {@code dataset-stats.json} into {@code dir}.
   *
   * @param cached receives each split's cached examples as soon as they are cached, for the
   *     caller to unpersist whatever happens
   * @throws BadInputException when a split skipped more than {@code data.max-skipped-fraction}
   */
  public static TrainingData load(JobConfig config, Sources sources, JavaSparkContext sc,
      RunDirectory dir, List<JavaRDD<?>> cached) {
    JobConfig.DataConfig data = config.data();
    int partitions = data.partitions() > 0 ? data.partitions() : sc.defaultParallelism();
    Loaded trainData = sources.trainSet().loadCached(sc, partitions);
    JavaRDD<LabeledImage> train = trainData.examples();
    cached.add(train);
    Loaded testData = sources.testSet().loadCached(sc, partitions);
    JavaRDD<LabeledImage> test = testData.examples();
    cached.add(test);
    DataChecks.checkSkipped(dir, data, sources.trainSet(), trainData, sources.testSet(),
        testData);
    log.info("data: {} training and {} test images of shape {} in {} partitions",
        trainData.count(), testData.count(), sources.shape(), partitions);
    int batch = config.train().batchSizePerWorker();
    if (trainData.count() < (long) partitions * batch) {
      // Minibatches are made inside a partition, so they cannot be fuller than it.
      log.warn(String.format(Locale.ROOT, "data.partitions = %d leaves %.1f training images"
          + " per partition, fewer than train.batch-size-per-worker = %d: the minibatches hold"
          + " at most that many; set data.partitions to at most %d for full minibatches",
          partitions, (double) trainData.count() / partitions, batch,
          Math.max(1, trainData.count() / batch)));
    }
    DatasetStats stats = PixelStatistics.compute(train, sources.shape());
    EpochOrder order = EpochOrder.of(train, config.run().seed());
    PartitionLabels labels = order.labels(train, data.numClasses(), 1);
    DataChecks.logPartitionLabels(labels);
    boolean sampled = data.format() == DataFormat.IMAGE_FOLDER;
    DataChecks.warnMissingClasses("training", "data.train-limit", data.trainLimit(), sampled,
        labels.whole());
    DataChecks.warnMissingClasses("test", "data.test-limit", data.testLimit(), sampled,
        DataChecks.classCounts(test, data.numClasses()));
    Map<String, String> more = new LinkedHashMap<>();
    ImageShape shape = sources.shape();
    more.put(RunLayout.STATS_IMAGE_SHAPE, "[" + shape.channels() + ", " + shape.height() + ", "
        + shape.width() + "]");
    more.put("partitions", labels.toJson(1));
    dir.write(RunLayout.DATASET_STATS, stats.toJson(more));
    return new TrainingData(train, test, stats, order);
  }
}
