package org.sparkcnn.data;

/**
 * An image file that a reader skips rather than fail the job on: it cannot be decoded, or the
 * configuration rejects its size or channel count. The message is the reason, one line, without
 * the path (the reader adds it).
 */
public final class UnusableImageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnusableImageException(String reason) {
    super(reason);
  }
}
