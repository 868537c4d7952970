package org.sparkcnn.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Turns the cached compact examples into ND4J minibatches on the executors, augmenting every
 * example as it goes: a new RDD per epoch over the same cached examples, so each epoch draws fresh
 * distortions without the augmented floats ever being stored.
 */
public final class Minibatches {
  private Minibatches() {}

  /**
   * One epoch's training minibatches: the examples dealt into partitions in the epoch's global
   * random {@code order}, each example augmented by {@code augmenter} for {@code epoch}.
   *
   * @param examples the cached examples {@code order} was made of
   */
  public static JavaRDD<DataSet> training(JavaRDD<LabeledImage> examples, EpochOrder order,
      int batchSize, Augmenter augmenter, int epoch) {
    Augmenter forEpoch = augmenter.forEpoch(epoch);
    return order.deal(examples, epoch)
        .mapPartitions(it -> batches(it, batchSize, forEpoch), true);
  }

  /** Minibatches of the examples in their stored order, for evaluation. */
  public static JavaRDD<DataSet> inOrder(JavaRDD<LabeledImage> examples, int batchSize,
      Augmenter augmenter) {
    Augmenter evaluation = augmenter.forEpoch(Augmenter.EVALUATION_EPOCH);
    return examples.mapPartitions(it -> batches(it, batchSize, evaluation));
  }

  /**
   * Groups {@code examples} lazily into minibatches of {@code batchSize} (the last may be
   * smaller).
   */
  public static Iterator<DataSet> batches(Iterator<LabeledImage> examples, int batchSize,
      Augmenter augmenter) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return examples.hasNext();
      }

      @Override
      public DataSet next() {
        if (!examples.hasNext()) {
          throw new NoSuchElementException();
        }
        List<LabeledImage> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && examples.hasNext()) {
          batch.add(examples.next());
        }
        return augmenter.toDataSet(batch);
      }
    };
  }
}
