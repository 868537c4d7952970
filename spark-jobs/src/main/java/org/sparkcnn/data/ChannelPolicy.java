package org.sparkcnn.data;

import java.util.Locale;

/**
 * What an image reader does with an image whose channel count (grey 1, colour 3) differs from the
 * configured shape (configuration key {@code data.folder.on-channel-mismatch}). An alpha channel
 * is always dropped and does not count.
 */
public enum ChannelPolicy {
  /**
   * Grey to colour by copying the grey value into R, G and B; colour to grey by the ITU-R BT.601
   * luma, round(0.299 R + 0.587 G + 0.114 B).
   */
  CONVERT,
  /** Skip the image. */
  REJECT;

  /** The configuration value naming this policy: {@code convert} or {@code reject}. */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The policy a configuration value names, or an {@link IllegalArgumentException} listing all. */
  public static ChannelPolicy fromConfig(String value) {
    for (ChannelPolicy policy : values()) {
      if (policy.configValue().equals(value)) {
        return policy;
      }
    }
    throw new IllegalArgumentException(
        "data.folder.on-channel-mismatch must be one of convert, reject; got " + value);
  }
}
