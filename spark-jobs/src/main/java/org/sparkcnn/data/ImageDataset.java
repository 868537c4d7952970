package org.sparkcnn.data;

import java.io.Serializable;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.sparkcnn.models.ImageShape;

/**
 * A labelled image dataset on a Hadoop filesystem, opened (and its metadata checked) on the driver
 * and read on the executors into an RDD of compact {@link LabeledImage}s.
 *
 * <p>Every example carries its index in the dataset's own order, so the same example gets the same
 * index (and so the same random augmentation) however the data is partitioned.
 */
public interface ImageDataset extends Serializable {
  /** Shape of every image this dataset yields: [channels, height, width]. */
  ImageShape shape();

  /** Number of classes; every label is in 0..numClasses-1. */
  int numClasses();

  /** Class names in label order (the folder names of an image folder, else indices). */
  default List<String> classNames() {
    return IntStream.range(0, numClasses()).mapToObj(Integer::toString).toList();
  }

  /** Where the data is, for messages: a path, or several joined by ", ". */
  String location();

  /**
   * The examples, read on the executors in {@code partitions} partitions, lazily.
   *
   * @throws BadInputException (on the executors, when the RDD is computed) naming the file and
   *     record at fault
   */
  JavaRDD<LabeledImage> load(JavaSparkContext sc, int partitions);

  /**
   * Reads every example into the executors' memory (uint8, {@link StorageLevel#MEMORY_ONLY}) and
   * counts them, so that bad input fails here, before any training. Datasets that skip unusable
   * inputs (undecodable images) list them in the result; the caller decides whether too many were
   * skipped ({@link Loaded#requireSkippedAtMost}).
   */
  default Loaded loadCached(JavaSparkContext sc, int partitions) {
    JavaRDD<LabeledImage> examples = load(sc, partitions).persist(StorageLevel.MEMORY_ONLY());
    try {
      return new Loaded(examples, examples.count(), List.of());
    } catch (RuntimeException e) {
      examples.unpersist(false);
      throw e;
    }
  }
}
