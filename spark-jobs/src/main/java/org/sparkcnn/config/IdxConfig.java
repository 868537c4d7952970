package org.sparkcnn.config;

import com.typesafe.config.Config;

/**
 * Section {@code data.idx}: the IDX image and label files of format {@code idx}, each any Hadoop
 * path (a {@code .gz} or other Hadoop codec suffix is decompressed). Before this section the keys
 * sat directly in {@code data}; {@link ConfigLoader} still accepts that spelling with a warning.
 */
public record IdxConfig(String trainImages, String trainLabels, String testImages,
    String testLabels) {

  /** Reads {@code data.idx.*}. */
  public static IdxConfig from(Config c) {
    return new IdxConfig(c.getString("data.idx.train-images"),
        c.getString("data.idx.train-labels"), c.getString("data.idx.test-images"),
        c.getString("data.idx.test-labels"));
  }
}
