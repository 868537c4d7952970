package org.sparkcnn.config;

import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;

/**
 * Counts read from the configuration (epochs, minibatch sizes, workers, limits, seeds): HOCON's
 * {@code getInt} and {@code getLong} cut a fraction silently (1.5 epochs would be 1); these fail
 * instead. A whole number written with a point ({@code 2.0}) is that number.
 */
final class ConfigNumbers {
  private ConfigNumbers() {}

  /**
   * The whole number at {@code path}.
   *
   * @throws InvalidConfigException "{@code path} must be a whole number, got 1.5"
   */
  static int wholeInt(Config c, String path) {
    return wholeInt(c, path, path);
  }

  /** {@link #wholeInt(Config, String)}, naming {@code key} (e.g. a list entry) in the error. */
  static int wholeInt(Config c, String path, String key) {
    requireWhole(c, path, key);
    return c.getInt(path);
  }

  /** {@link #wholeInt(Config, String)} for a long. */
  static long wholeLong(Config c, String path) {
    requireWhole(c, path, path);
    return c.getLong(path);
  }

  private static void requireWhole(Config c, String path, String key) {
    double value = c.getDouble(path);
    check(value == Math.rint(value), key, "must be a whole number", c.getValue(path)
        .render(ConfigRenderOptions.concise()));
  }
}
