package org.sparkcnn.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One example as it is cached in an RDD: its index in the dataset, the image as uint8 pixels in
 * channel-major order ([channels, height, width], the order of CIFAR records and of ND4J's NCHW)
 * and its class index. A 28x28 grey image costs 784 bytes here instead of 3,136 as floats.
 *
 * <p>The index is the example's position in the dataset's own order (record number across the
 * files, or position in the sorted file list), whatever partition holds it: with the run seed and
 * the epoch it seeds the example's random augmentation, so results do not depend on partitioning.
 *
 * <p>A plain class rather than a record: Kryo (Spark's serializer) cannot write the final fields
 * of a Java record on Java 17.
 */
public final class LabeledImage implements Serializable {
  private static final long serialVersionUID = 1L;

  private long index;
  private byte[] pixels;
  private int label;

  /** For serializers only. */
  LabeledImage() {}

  public LabeledImage(long index, byte[] pixels, int label) {
    this.index = index;
    this.pixels = pixels;
    this.label = label;
  }

  /** Position of this example in its dataset (0-based). */
  public long index() {
    return index;
  }

  /** Pixels, channel-major, each an unsigned byte (read with {@code & 0xFF}). Not copied. */
  public byte[] pixels() {
    return pixels;
  }

  public int label() {
    return label;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabeledImage other
        && index == other.index
        && label == other.label
        && Arrays.equals(pixels, other.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(index) + Arrays.hashCode(pixels)) + label;
  }

  @Override
  public String toString() {
    return "LabeledImage(index=" + index + ", label=" + label + ", bytes=" + pixels.length + ")";
  }
}
