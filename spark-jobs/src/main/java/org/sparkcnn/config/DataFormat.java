package org.sparkcnn.config;

/** Values of {@code data.format}: how the dataset is stored. */
public enum DataFormat implements ConfigChoice {
  /** MNIST / Fashion-MNIST IDX files, raw or compressed (section {@code data.idx}). */
  IDX,
  /** The CIFAR-10 binary version (section {@code data.cifar}). */
  CIFAR10,
  /** The CIFAR-100 binary version (section {@code data.cifar}). */
  CIFAR100,
  /** A directory of JPEG and PNG files per class (section {@code data.folder}). */
  IMAGE_FOLDER,
  /** Spark's {@code image} data source over a folder of images (section {@code data.dataframe}). */
  SPARK_IMAGE,
  /** Spark's {@code binaryFile} data source over a folder of images ({@code data.dataframe}). */
  BINARY_FILE,
  /** A Parquet table of encoded images and labels (section {@code data.dataframe}). */
  PARQUET;

  /** Whether the format is read as a Spark DataFrame (section {@code data.dataframe}). */
  public boolean isDataFrame() {
    return this == SPARK_IMAGE || this == BINARY_FILE || this == PARQUET;
  }

  /** The format {@code data.format} spells, or an error naming the key and the choices. */
  public static DataFormat parse(String value) {
    return ConfigChoice.parse(values(), "data.format", value);
  }

  @Override
  public String toString() {
    return configValue();
  }
}
