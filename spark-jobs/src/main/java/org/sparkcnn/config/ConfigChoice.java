package org.sparkcnn.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A closed choice of a configuration key: an enum whose constants are spelt in
 * {@code reference.conf} as their names in lower case with {@code -} for {@code _}
 * ({@code IMAGE_FOLDER} is {@code image-folder}).
 */
public interface ConfigChoice {
  /** The constant's name, as the enum declares it. */
  String name();

  /** The spelling of this choice in a configuration file, e.g. {@code resize-crop}. */
  default String configValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The spellings of {@code choices}, in their order. */
  static List<String> spellings(ConfigChoice[] choices) {
    return Arrays.stream(choices).map(ConfigChoice::configValue).toList();
  }

  /**
   * The choice spelt {@code value}.
   *
   * @throws InvalidConfigException "{@code key} must be one of [a, b], got 'value'" for any
   *     other spelling
   */
  static <E extends ConfigChoice> E parse(E[] choices, String key, String value) {
    return parse(choices, key, value, "must be one of " + spellings(choices));
  }

  /**
   * The choice spelt {@code value}.
   *
   * @throws InvalidConfigException "{@code key} {@code requirement}, got 'value'" for any other
   *     spelling
   */
  static <E extends ConfigChoice> E parse(E[] choices, String key, String value,
      String requirement) {
    for (E choice : choices) {
      if (choice.configValue().equals(value)) {
        return choice;
      }
    }
    throw new InvalidConfigException(key + " " + requirement + ", got '" + value + "'");
  }
}
