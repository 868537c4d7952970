package org.sparkcnn.data;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.sparkcnn.augment.DatasetStats;
import org.sparkcnn.models.ImageShape;

/**
 * Computes a dataset's {@link DatasetStats} with one distributed pass over the cached examples:
 * each partition sums its channel values and channel-by-channel products, and the sums are added up
 * in a tree on the way to the driver.
 */
public final class PixelStatistics {
  private PixelStatistics() {}

  /** The statistics of every pixel of every example in {@code examples}. */
  public static DatasetStats compute(JavaRDD<LabeledImage> examples, ImageShape shape) {
    int channels = shape.channels();
    Sums total = examples.treeAggregate(new Sums(channels),
        (sums, example) -> sums.add(example.pixels(), shape.height() * shape.width()),
        Sums::merge, 2);
    if (total.pixels == 0) {
      throw new BadInputException("cannot compute pixel statistics of an empty dataset");
    }
    return DatasetStats.fromSums(total.pixels, total.sums, total.products);
  }

  /** Running sums over pixel positions; mutable, as Spark's aggregate allows. */
  static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    long pixels;
    final double[] sums;
    final double[][] products;

    Sums(int channels) {
      sums = new double[channels];
      products = new double[channels][channels];
    }

    Sums add(byte[] image, int plane) {
      int channels = sums.length;
      // Per-image integer sums first: exact, and far faster than doubles per pixel.
      long[] sum = new long[channels];
      long[][] product = new long[channels][channels];
      int[] value = new int[channels];
      for (int p = 0; p < plane; p++) {
        for (int c = 0; c < channels; c++) {
          value[c] = image[c * plane + p] & 0xFF;
          sum[c] += value[c];
        }
        for (int a = 0; a < channels; a++) {
          for (int b = a; b < channels; b++) {
            product[a][b] += value[a] * value[b];
          }
        }
      }
      for (int a = 0; a < channels; a++) {
        sums[a] += sum[a];
        for (int b = a; b < channels; b++) {
          products[a][b] += product[a][b];
          products[b][a] = products[a][b];
        }
      }
      pixels += plane;
      return this;
    }

    Sums merge(Sums other) {
      pixels += other.pixels;
      for (int a = 0; a < sums.length; a++) {
        sums[a] += other.sums[a];
        for (int b = 0; b < sums.length; b++) {
          products[a][b] += other.products[a][b];
        }
      }
      return this;
    }
  }
}
