package org.sparkcnn.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.models.ImageShape;

/**
 * Turns compact examples into ND4J minibatches on the executors: features [batch, channels,
 * height, width] as floats scaled from 0..255 to [0, 1], labels one-hot [batch, classes].
 */
public final class Minibatches {
  /** Scale from a uint8 pixel to [0, 1]. */
  static final float PIXEL_SCALE = 1f / 255f;

  private Minibatches() {}

  /**
   * One epoch's training minibatches: each partition's examples in an order shuffled by a random
   * source seeded from (seed, epoch, partition), so every epoch draws different minibatches and
   * the same seed draws the same ones again.
   */
  public static JavaRDD<DataSet> training(JavaRDD<LabeledImage> examples, int batchSize,
      ImageShape shape, int numClasses, long seed, int epoch) {
    return examples.mapPartitionsWithIndex((partition, it) -> {
      List<LabeledImage> shuffled = new ArrayList<>();
      it.forEachRemaining(shuffled::add);
      Collections.shuffle(shuffled, new Random(Seeds.mix(seed, epoch, partition)));
      return batches(shuffled.iterator(), batchSize, shape, numClasses);
    }, true);
  }

  /** Minibatches of the examples in their stored order, for evaluation. */
  public static JavaRDD<DataSet> inOrder(JavaRDD<LabeledImage> examples, int batchSize,
      ImageShape shape, int numClasses) {
    return examples.mapPartitions(it -> batches(it, batchSize, shape, numClasses));
  }

  /** Groups {@code examples} lazily into minibatches of {@code batchSize} (the last may be smaller). */
  public static Iterator<DataSet> batches(Iterator<LabeledImage> examples, int batchSize,
      ImageShape shape, int numClasses) {
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
        return toDataSet(batch, shape, numClasses);
      }
    };
  }

  /** One minibatch holding {@code batch}. */
  public static DataSet toDataSet(List<LabeledImage> batch, ImageShape shape, int numClasses) {
    int n = batch.size();
    int size = shape.size();
    float[] features = new float[n * size];
    float[] labels = new float[n * numClasses];
    for (int i = 0; i < n; i++) {
      LabeledImage example = batch.get(i);
      byte[] pixels = example.pixels();
      if (pixels.length != size) {
        throw new IllegalArgumentException("example " + i + " has " + pixels.length
            + " pixel values, expected " + size + " for shape " + shape);
      }
      int offset = i * size;
      for (int p = 0; p < size; p++) {
        features[offset + p] = (pixels[p] & 0xFF) * PIXEL_SCALE;
      }
      labels[i * numClasses + example.label()] = 1f;
    }
    return new DataSet(
        Nd4j.create(features, new long[] {n, shape.channels(), shape.height(), shape.width()}, 'c'),
        Nd4j.create(labels, new long[] {n, numClasses}, 'c'));
  }
}
