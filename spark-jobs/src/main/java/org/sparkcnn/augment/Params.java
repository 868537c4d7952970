package org.sparkcnn.augment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The parameters a pipeline step was given in the configuration, read with their defaults and
 * checked: an unknown, missing or mistyped parameter is an {@link IllegalArgumentException} naming
 * the step and the parameter.
 */
final class Params {
  private final String step;
  private final Map<String, Object> given;

  /**
   * Checks {@code given} against the parameters the step takes.
   *
   * @throws IllegalArgumentException naming the first unknown parameter and the known ones
   */
  Params(String step, Map<String, Object> given, List<String> known) {
    this.step = step;
    this.given = new LinkedHashMap<>(given);
    for (String key : given.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(step + ": unknown parameter '" + key + "'"
            + (known.isEmpty() ? " (it takes none)"
                : "; it takes " + String.join(", ", new TreeSet<>(known))));
      }
    }
  }

  /** A number, or {@code fallback} when absent. */
  double number(String key, double fallback) {
    Object value = given.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw invalid(key, "must be a number", value);
  }

  /** A number that must be present. */
  double requiredNumber(String key) {
    if (!given.containsKey(key)) {
      throw new IllegalArgumentException(step + ": parameter '" + key + "' is required");
    }
    return number(key, Double.NaN);
  }

  /** A positive integer, or {@code fallback} (0: absent and no default) when absent. */
  int positiveInt(String key, int fallback) {
    double value = number(key, fallback);
    if (value == 0 && fallback == 0 && !given.containsKey(key)) {
      return 0;
    }
    if (value != Math.rint(value) || value < 1 || value > Integer.MAX_VALUE) {
      throw invalid(key, "must be a positive integer", given.get(key));
    }
    return (int) value;
  }

  /** A positive integer that must be present. */
  int requiredPositiveInt(String key) {
    int value = positiveInt(key, 0);
    if (value == 0) {
      throw new IllegalArgumentException(step + ": parameter '" + key + "' is required");
    }
    return value;
  }

  /** A non-negative integer, or {@code fallback} when absent. */
  int nonNegativeInt(String key, int fallback) {
    double value = number(key, fallback);
    if (value != Math.rint(value) || value < 0 || value > Integer.MAX_VALUE) {
      throw invalid(key, "must be an integer >= 0", given.get(key));
    }
    return (int) value;
  }

  boolean bool(String key, boolean fallback) {
    Object value = given.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.equals("true") || s.equals("false"))) {
      return Boolean.parseBoolean(s);
    }
    throw invalid(key, "must be true or false", value);
  }

  /** A list of numbers, or an empty array when absent. */
  float[] numbers(String key) {
    Object value = given.get(key);
    if (value == null) {
      return new float[0];
    }
    if (!(value instanceof List<?> list)) {
      throw invalid(key, "must be a list of numbers", value);
    }
    float[] out = new float[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw invalid(key, "must be a list of numbers", value);
      }
      out[i] = n.floatValue();
    }
    return out;
  }

  /**
   * A crop or resize size: {@code size} for a square, or {@code height} and {@code width}.
   *
   * @return {height, width}
   */
  int[] size() {
    int size = positiveInt("size", 0);
    int height = positiveInt("height", 0);
    int width = positiveInt("width", 0);
    if (size > 0 && (height > 0 || width > 0)) {
      throw new IllegalArgumentException(step + ": give either size or height and width, not both");
    }
    if (size > 0) {
      return new int[] {size, size};
    }
    if (height == 0 || width == 0) {
      throw new IllegalArgumentException(step + ": parameter 'size' (or 'height' and 'width')"
          + " is required");
    }
    return new int[] {height, width};
  }

  private IllegalArgumentException invalid(String key, String rule, Object value) {
    return new IllegalArgumentException(String.format(Locale.ROOT, "%s: parameter '%s' %s, got %s",
        step, key, rule, value));
  }
}
