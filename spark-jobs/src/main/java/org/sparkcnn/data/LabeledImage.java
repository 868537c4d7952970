package org.sparkcnn.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One example as it is cached in an RDD: the image as uint8 pixels in channel-major order
 * ([channels, height, width], the order of CIFAR records and of ND4J's NCHW) and its class index.
 * A 28x28 grey image costs 784 bytes here instead of 3,136 as floats.
 *
 * <p>A plain class rather than a record: Kryo (Spark's serializer) cannot write the final fields
 * of a Java record on Java 17.
 */
public final class LabeledImage implements Serializable {
  private static final long serialVersionUID = 1L;

  private byte[] pixels;
  private int label;

  /** For serializers only. */
  LabeledImage() {}

  public LabeledImage(byte[] pixels, int label) {
    this.pixels = pixels;
    this.label = label;
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
        && label == other.label
        && Arrays.equals(pixels, other.pixels);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(pixels) + label;
  }

  @Override
  public String toString() {
    return "LabeledImage(label=" + label + ", bytes=" + pixels.length + ")";
  }
}
