package org.sparkcnn.models;

import java.io.Serializable;

/** Shape of one input image: [channels, height, width]. */
public record ImageShape(int channels, int height, int width) implements Serializable {
  public ImageShape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "image shape must be positive, got [" + channels + ", " + height + ", " + width + "]");
    }
  }

  /** Number of values in one image: channels * height * width. */
  public int size() {
    return channels * height * width;
  }

  @Override
  public String toString() {
    return "[" + channels + ", " + height + ", " + width + "]";
  }
}
