package org.sparkcnn.train;

/** Training produced a NaN or infinite loss; the run stops without {@code _SUCCESS}. */
public final class DivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DivergedException(String message) {
    super(message);
  }
}
