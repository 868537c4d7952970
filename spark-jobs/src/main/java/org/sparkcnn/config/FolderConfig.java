package org.sparkcnn.config;

import static org.sparkcnn.config.ConfigNumbers.wholeInt;
import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import java.util.Objects;
import org.sparkcnn.models.ImageShape;

/**
 * Section {@code data.folder}: the image folders of format {@code image-folder}, the shape every
 * image is brought to and what is done with an image of another size or channel count.
 */
public record FolderConfig(String train, String test, int channels, int height, int width,
    SizePolicy onSizeMismatch, ChannelPolicy onChannelMismatch) {
  public FolderConfig {
    check(!train.isBlank(), "data.folder.train", "must not be empty", "''");
    check(!test.isBlank(), "data.folder.test", "must not be empty", "''");
    check(channels == 1 || channels == 3, "data.folder.channels", "must be 1 or 3", channels);
    check(height > 0, "data.folder.height", "must be > 0", height);
    check(width > 0, "data.folder.width", "must be > 0", width);
    Objects.requireNonNull(onSizeMismatch, "data.folder.on-size-mismatch");
    Objects.requireNonNull(onChannelMismatch, "data.folder.on-channel-mismatch");
  }

  /** Reads {@code data.folder.*}. */
  public static FolderConfig from(Config c) {
    return new FolderConfig(c.getString("data.folder.train"), c.getString("data.folder.test"),
        wholeInt(c, "data.folder.channels"), wholeInt(c, "data.folder.height"),
        wholeInt(c, "data.folder.width"),
        SizePolicy.parse(c.getString("data.folder.on-size-mismatch")),
        ChannelPolicy.parse(c.getString("data.folder.on-channel-mismatch")));
  }

  /** Shape every image is brought to. */
  public ImageShape shape() {
    return new ImageShape(channels, height, width);
  }
}
