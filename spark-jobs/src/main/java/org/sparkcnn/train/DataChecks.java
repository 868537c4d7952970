package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.DataFrameDataset;
import org.sparkcnn.data.ImageDataset;
import org.sparkcnn.data.ImageFolderDataset;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Loaded;
import org.sparkcnn.data.PartitionLabels;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The training job's checks of its data and configuration before training: the class names and
 * the network's input shape, skipped images against {@code data.max-skipped-fraction}, classes a
 * limited split lacks, and how the classes spread over the partitions.
 */
final class DataChecks {
  /** The job's logger: these lines are the job's own (users look for TrainJob's). */
  private static final Logger log = LoggerFactory.getLogger(TrainJob.class);

  private DataChecks() {}

  /**
   * Warns when a split holds fewer classes than {@code data.num-classes}: a limit that takes the
   * first records of a class-sorted IDX or CIFAR file keeps the first classes only, and the run
   * would train or test on those alone.
   *
   * @param sampled whether the limit takes a random sample (image folders) or the first records
   * @param counts examples of each class in the split (after the limit)
   */
  static void warnMissingClasses(String split, String limitKey, long limit, boolean sampled,
      long[] counts) {
    List<Integer> missing = new ArrayList<>();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] == 0) {
        missing.add(c);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    log.warn("the {} set holds {} of the data.num-classes = {} classes, {} missing: {}{}",
        split, counts.length - missing.size(), counts.length, missing.size(),
        missing.size() > 20 ? missing.subList(0, 20) + "..." : missing,
        limit <= 0 ? "" : sampled ? "; " + limitKey + " = " + limit + " draws too few images"
            + " to hold every class: raise it, or set it to 0"
            : "; " + limitKey + " = " + limit + " takes the first records of IDX and CIFAR"
            + " files, which hold only the first classes when the files are sorted by class:"
            + " raise it, or set it to 0");
  }

  /** Examples of each class 0..numClasses-1 in {@code examples}. */
  static long[] classCounts(JavaRDD<LabeledImage> examples, int numClasses) {
    return examples.aggregate(new long[numClasses], (counts, example) -> {
      if (example.label() >= 0 && example.label() < numClasses) {
        counts[example.label()]++;
      }
      return counts;
    }, (a, b) -> {
      for (int c = 0; c < a.length; c++) {
        a[c] += b[c];
      }
      return a;
    });
  }

  /**
   * Logs how the classes spread over the partitions: as stored (a dataset written class by class
   * fills partitions with one class each, which training's global order makes harmless) and as
   * the first epoch deals them, warning when a dealt partition is far from the whole set.
   */
  static void logPartitionLabels(PartitionLabels labels) {
    int[] farStored = labels.far(labels.stored());
    log.info(String.format(Locale.ROOT, "labels per partition as stored: largest distance from"
            + " the whole set %.3f, %d of %d partitions far from it%s", labels.maxDistance(
            labels.stored()), farStored.length, labels.stored().length, farStored.length == 0 ? ""
            : " (the data is stored in class order; every epoch deals it in a random order)"));
    int[] farDealt = labels.far(labels.dealt());
    if (farDealt.length > 0) {
      log.warn(String.format(Locale.ROOT, "labels per partition in epoch 1: %d of %d partitions"
              + " hold the classes in proportions far from the whole set's (largest distance"
              + " %.3f); see %s", farDealt.length, labels.dealt().length,
          labels.maxDistance(labels.dealt()), RunLayout.DATASET_STATS));
    } else {
      log.info(String.format(Locale.ROOT, "labels per partition in epoch 1: largest distance from"
          + " the whole set %.3f", labels.maxDistance(labels.dealt())));
    }
  }

  /**
   * The shape the network sees: what {@code train.augment} makes of {@code shape} images, which
   * {@code train.eval-augment} must make too.
   *
   * @throws InvalidConfigException naming the pipeline that does not fit
   */
  static ImageShape networkInput(JobConfig.TrainConfig tc, ImageShape shape) {
    try {
      ImageShape trained = tc.augment().outputShape(shape);
      ImageShape evaluated = tc.evalAugment().outputShape(shape);
      if (!trained.equals(evaluated)) {
        throw new InvalidConfigException("train.augment gives the network " + trained
            + " images but train.eval-augment gives " + evaluated + "; both must give the same");
      }
      return trained;
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
  }

  /**
   * Class names for the reports: the image folders', a DataFrame's folder or label names, else
   * {@code data.class-names} or indices.
   */
  static List<String> classNames(JobConfig.DataConfig data, ImageDataset trainSet,
      ImageDataset testSet) {
    String what;
    if (trainSet instanceof ImageFolderDataset trainFolder
        && testSet instanceof ImageFolderDataset testFolder) {
      trainFolder.requireSameClasses(testFolder);
      what = "class folders";
    } else if (trainSet instanceof DataFrameDataset trainFrame && trainFrame.namedClasses()
        && testSet instanceof DataFrameDataset testFrame) {
      trainFrame.requireSameClasses(testFrame);
      what = "classes";
    } else {
      return IntStream.range(0, data.numClasses()).mapToObj(data::className).toList();
    }
    List<String> named = trainSet.classNames();
    if (named.size() != data.numClasses()) {
      throw new InvalidConfigException("data.num-classes is " + data.numClasses() + " but "
          + trainSet.location() + " holds " + named.size() + " " + what + " " + named
          + "; set data.num-classes = " + named.size());
    }
    if (!data.classNames().isEmpty() && !data.classNames().equals(named)) {
      throw new InvalidConfigException("data.class-names " + data.classNames()
          + " differ from the " + what + " " + named + " of " + trainSet.location()
          + "; leave data.class-names empty for image folders and named labels");
    }
    return named;
  }

  /**
   * Lists skipped inputs in {@code skipped-images.csv} and fails when either split skipped more
   * than {@code data.max-skipped-fraction}.
   */
  static void checkSkipped(RunDirectory dir, JobConfig.DataConfig data,
      ImageDataset trainSet, Loaded trainData, ImageDataset testSet, Loaded testData) {
    if (trainData.skipped().isEmpty() && testData.skipped().isEmpty()) {
      return;
    }
    dir.write(RunLayout.SKIPPED,
        RunReports.skipped(trainData.skipped(), testData.skipped()).toCsv());
    String listedIn = dir.resolve(RunLayout.SKIPPED).toString();
    log.warn("skipped {} training and {} test images; listed in {}", trainData.skipped().size(),
        testData.skipped().size(), listedIn);
    trainData.requireSkippedAtMost(data.maxSkippedFraction(), trainSet.location(), listedIn);
    testData.requireSkippedAtMost(data.maxSkippedFraction(), testSet.location(), listedIn);
  }
}
