package org.sparkcnn.config;

/**
 * What an image reader does with an image whose channel count (grey 1, colour 3) differs from the
 * configured shape (configuration key {@code data.folder.on-channel-mismatch}). An alpha channel
 * is always dropped and does not count.
 */
public enum ChannelPolicy implements ConfigChoice {
  /**
   * Grey to colour by copying the grey value into R, G and B; colour to grey by the ITU-R BT.601
   * luma, round(0.299 R + 0.587 G + 0.114 B).
   */
  CONVERT,
  /** Skip the image. */
  REJECT;

  /** The policy {@code data.folder.on-channel-mismatch} spells, or an error listing the values. */
  public static ChannelPolicy parse(String value) {
    return ConfigChoice.parse(values(), "data.folder.on-channel-mismatch", value);
  }

  /** As {@link #parse}, failing with an {@link IllegalArgumentException} listing all. */
  public static ChannelPolicy fromConfig(String value) {
    for (ChannelPolicy policy : values()) {
      if (policy.configValue().equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "data.folder.on-channel-mismatch must be one of convert, reject; got " + value);
  }

  /** The value as the configuration spells it (what messages show). */
  @Override
  public String toString() {
    return configValue();
  }
}
