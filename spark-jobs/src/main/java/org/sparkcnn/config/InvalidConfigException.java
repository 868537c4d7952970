package org.sparkcnn.config;

/** A configuration that cannot be used: an unknown key, a wrong type or a bad value. */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Fails with "{@code key} {@code requirement}, got {@code value}" unless {@code ok}. */
  static void check(boolean ok, String key, String requirement, Object value) {
    if (!ok) {
      throw new InvalidConfigException(key + " " + requirement + ", got " + value);
    }
  }
}
