package org.sparkcnn.data;

import org.apache.hadoop.conf.Configuration;
import org.sparkcnn.config.CifarLabel;
import org.sparkcnn.config.JobConfig.DataConfig;

/** Opens the training or test split that a job's {@code data} section describes. */
public final class Datasets {
  /** Which half of a dataset. */
  public enum Split {
    TRAIN,
    TEST
  }

  private Datasets() {}

  /**
   * Opens {@code split} of the dataset, checking what can be checked on the driver (paths, sizes,
   * headers). {@code data.train-limit} and {@code data.test-limit} take the first records of IDX
   * and CIFAR files, and a random sample seeded by {@code seed} of an image folder's files or a
   * DataFrame's rows. DataFrame formats read the rows' paths and labels with the running Spark
   * context.
   *
   * @param seed selects the sample of a limited image folder ({@code run.seed})
   * @throws BadInputException naming the file at fault
   */
  public static ImageDataset open(DataConfig data, Split split, long seed,
      Configuration conf) {
    boolean train = split == Split.TRAIN;
    long limit = train ? data.trainLimit() : data.testLimit();
    return switch (data.format()) {
      case IDX -> IdxDataset.open(train ? data.idx().trainImages() : data.idx().testImages(),
          train ? data.idx().trainLabels() : data.idx().testLabels(), data.numClasses(), limit,
          conf);
      case CIFAR10 -> CifarDataset.open(train ? data.cifar().train() : data.cifar().test(),
          CifarFormat.CIFAR10, limit, conf);
      case CIFAR100 -> CifarDataset.open(train ? data.cifar().train() : data.cifar().test(),
          data.cifar().label() == CifarLabel.COARSE ? CifarFormat.CIFAR100_COARSE
              : CifarFormat.CIFAR100_FINE, limit, conf);
      case IMAGE_FOLDER -> ImageFolderDataset.open(
          train ? data.folder().train() : data.folder().test(), data.folder().shape(),
          data.folder().onSizeMismatch(), data.folder().onChannelMismatch(),
          data.maxImagePixels(), limit, Seeds.mix(seed, split.ordinal()), conf);
      case SPARK_IMAGE, BINARY_FILE, PARQUET -> DataFrameDataset.open(data.format(),
          train ? data.dataframe().train() : data.dataframe().test(), data.dataframe(),
          data.folder().shape(), data.folder().onSizeMismatch(),
          data.folder().onChannelMismatch(), data.maxImagePixels(), data.numClasses(), limit,
          Seeds.mix(seed, split.ordinal()));
    };
  }
}
