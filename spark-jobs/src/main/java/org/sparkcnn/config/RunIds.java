package org.sparkcnn.config;

import java.util.Optional;

/**
 * Run ids: the name of a run's directory under {@code run.output-root}.
 *
 * <p>A given {@code run.id} may hold any character a file name on local disks and HDFS can hold
 * (spaces, {@code # % [ ] ( ) ,}, non-ASCII letters) except those {@link #refused} names. A
 * default id is built by {@link #safe} from letters, digits, '.', '_' and '-' only, so it is a
 * plain word in every shell, URI and glob.
 */
public final class RunIds {
  /** The characters a default id keeps; every run of others becomes one '-'. */
  static final String SAFE = "A-Za-z0-9._-";

  private RunIds() {}

  /**
   * {@code text} (a model or dataset name) reduced to letters, digits, '.', '_' and '-': every run
   * of other characters becomes one '-', and '-' or '.' at either end is dropped, e.g. {@code
   * mobilenet-v1-cifar(alpha=1.0, unit=rhs)} becomes {@code mobilenet-v1-cifar-alpha-1.0-unit-rhs}.
   */
  public static String safe(String text) {
    return text.replaceAll("[^" + SAFE + "]+", "-").replaceAll("^[-.]+|[-.]+$", "");
  }

  /**
   * Why {@code id} cannot name a run directory, or empty when it can: a '/' or '\' (it would name
   * a directory further down), a ':' (not allowed in HDFS names, and Hadoop reads {@code x:} at
   * the start of a name as a URI scheme), a control character, or a '.' first ({@code .} and
   * {@code ..} are not directories of their own; Hadoop's listings hide such names).
   */
  public static Optional<String> refused(String id) {
    if (id.startsWith(".")) {
      return Optional.of("must not start with '.'");
    }
    for (int i = 0; i < id.length(); i = id.offsetByCodePoints(i, 1)) {
      int c = id.codePointAt(i);
      if (c == '/' || c == '\\' || c == ':' || Character.isISOControl(c)) {
        return Optional.of(String.format(
            "must not hold %s (position %d): it cannot be part of a directory name on every"
                + " Hadoop filesystem", describe(c), id.codePointCount(0, i) + 1));
      }
    }
    return Optional.empty();
  }

  /** The character {@code c} for a message: {@code ':'}, or {@code U+000A} when invisible. */
  public static String describe(int c) {
    return Character.isISOControl(c) || Character.isWhitespace(c) && c != ' '
        ? String.format("U+%04X", c) : "'" + new String(Character.toChars(c)) + "'";
  }
}
