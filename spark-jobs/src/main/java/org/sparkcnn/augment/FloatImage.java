package org.sparkcnn.augment;

import org.sparkcnn.models.ImageShape;

/**
 * An image being augmented: float values in channel-major order [channels, height, width], on the
 * 0..255 pixel scale until a normalising step rescales them. Operations either return a new image
 * or, where the javadoc says so, overwrite this one.
 */
public final class FloatImage {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] values;

  public FloatImage(int channels, int height, int width, float[] values) {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image shape must be positive, got [" + channels + ", " + height + ", " + width + "]");
    }
    if (values.length != channels * height * width) {
      throw new IllegalArgumentException(values.length + " values for an image of shape ["
          + channels + ", " + height + ", " + width + "]");
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.values = values;
  }

  /** A zero image of {@code shape}. */
  public static FloatImage zeros(int channels, int height, int width) {
    return new FloatImage(channels, height, width, new float[channels * height * width]);
  }

  /** The uint8 {@code pixels} (channel-major, as cached) as floats on the 0..255 scale. */
  public static FloatImage fromPixels(byte[] pixels, ImageShape shape) {
    if (pixels.length != shape.size()) {
      throw new IllegalArgumentException(pixels.length + " pixel values for an image of shape "
          + shape);
    }
    float[] values = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      values[i] = pixels[i] & 0xFF;
    }
    return new FloatImage(shape.channels(), shape.height(), shape.width(), values);
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public ImageShape shape() {
    return new ImageShape(channels, height, width);
  }

  /** The values, channel-major; not copied, so writes change this image. */
  public float[] values() {
    return values;
  }

  /** Offset of value (c, y, x) in {@link #values()}. */
  public int offset(int c, int y, int x) {
    return (c * height + y) * width + x;
  }

  public float get(int c, int y, int x) {
    return values[offset(c, y, x)];
  }

  /** Number of values in one channel: height * width. */
  public int plane() {
    return height * width;
  }

  public FloatImage copy() {
    return new FloatImage(channels, height, width, values.clone());
  }
}
