package org.sparkcnn.bench;

/** Whole and decimal numbers of the tools' options, with errors naming the option and value. */
final class Numbers {
  private Numbers() {}

  /** {@code value} as a whole number > 0. */
  static int positive(String option, String value) {
    int n = nonNegative(option, value);
    if (n == 0) {
      throw new IllegalArgumentException(option + " must be a whole number > 0, got " + value);
    }
    return n;
  }

  /** {@code value} as a whole number >= 0. */
  static int nonNegative(String option, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " must be a whole number >= 0, got " + value);
  }

  /** {@code value} as a finite number >= 0. */
  static double seconds(String option, String value) {
    double seconds;
    try {
      seconds = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(option + " must be a number >= 0, got " + value);
    }
    return seconds;
  }
}
