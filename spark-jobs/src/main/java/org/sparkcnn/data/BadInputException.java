package org.sparkcnn.data;

/**
 * Input data that cannot be used: a missing path, a file in the wrong format, a truncated file or
 * record, a label out of range. The message always names the file (and record, where there is
 * one). Thrown on the driver or inside executor tasks; Spark carries it back to the driver as the
 * cause of the failed job.
 */
public final class BadInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The first {@code BadInputException} in {@code t}'s cause chain, or null. */
  public static BadInputException findIn(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BadInputException bad) {
        return bad;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
