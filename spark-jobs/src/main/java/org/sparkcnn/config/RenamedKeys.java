package org.sparkcnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys that moved to another name. A job file or {@code --set} may still use the old name: it is
 * read as the new one with a warning naming the new key, so job files, scripts and the {@code
 * config.conf} of earlier runs (read again by {@code --resume}) keep working.
 */
final class RenamedKeys {
  private static final Logger log = LoggerFactory.getLogger(RenamedKeys.class);
  /** Old name to new name, in the order warnings are given. */
  static final Map<String, String> NEW_NAMES = new TreeMap<>(Map.of(
      "data.train-images", "data.idx.train-images",
      "data.train-labels", "data.idx.train-labels",
      "data.test-images", "data.idx.test-images",
      "data.test-labels", "data.idx.test-labels"));

  private RenamedKeys() {}

  /** The name {@code key} now has: itself unless it is an old name. */
  static String current(String key) {
    return NEW_NAMES.getOrDefault(key, key);
  }

  /**
   * {@code layers} with every old key moved to its new name, each logged as a warning ("{@code
   * data.train-images is deprecated: use data.idx.train-images}").
   *
   * @throws InvalidConfigException when an old key and its new one are both set, to different
   *     values
   */
  static Config migrate(Config layers) {
    Config migrated = layers;
    for (Map.Entry<String, String> rename : NEW_NAMES.entrySet()) {
      String old = rename.getKey();
      String now = rename.getValue();
      if (!layers.hasPath(old)) {
        continue;
      }
      ConfigValue value = layers.getValue(old);
      if (layers.hasPath(now) && !layers.getValue(now).equals(value)) {
        ConfigValue other = layers.getValue(now);
        throw new InvalidConfigException(old + " is deprecated (use " + now + ") and both are"
            + " set, to different values: " + old + " = " + show(old, value) + " ("
            + value.origin().description() + "), " + now + " = " + show(now, other) + " ("
            + other.origin().description() + "). Set only " + now);
      }
      log.warn("{} is deprecated: use {} (set in {})", old, now, value.origin().description());
      migrated = migrated.withoutPath(old).withValue(now, value);
    }
    return migrated;
  }

  private static String show(String key, ConfigValue value) {
    return Redaction.redact(key, value.render());
  }
}
