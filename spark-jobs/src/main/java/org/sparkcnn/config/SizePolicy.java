package org.sparkcnn.config;

/**
 * What an image reader does with an image whose height and width differ from the configured shape
 * (configuration key {@code data.folder.on-size-mismatch}).
 */
public enum SizePolicy implements ConfigChoice {
  /** Resample to exactly height x width (bilinear); the aspect ratio is not kept. */
  RESIZE,
  /**
   * Scale, keeping the aspect ratio, so the image just covers height x width (its shorter side, in
   * proportion, fits), then cut the centre height x width.
   */
  RESIZE_CROP,
  /** Skip the image. */
  REJECT;

  /** The policy {@code data.folder.on-size-mismatch} spells, or an error listing the values. */
  public static SizePolicy parse(String value) {
    return ConfigChoice.parse(values(), "data.folder.on-size-mismatch", value);
  }

  /** As {@link #parse}, failing with an {@link IllegalArgumentException} listing all. */
  public static SizePolicy fromConfig(String value) {
    for (SizePolicy policy : values()) {
      if (policy.configValue().equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException("data.folder.on-size-mismatch must be one of resize,"
        + " resize-crop, reject; got " + value);
  }

  /** The value as the configuration spells it (what messages show). */
  @Override
  public String toString() {
    return configValue();
  }
}
