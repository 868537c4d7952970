package org.sparkcnn.experiment;

/**
 * Ends an experiment some of whose variants could not run, after the others ran and the table
 * was written: the experiment directory gets {@code _FAILED} with this message instead of {@code
 * _SUCCESS}. The cause is the first variant's failure, which gives the exit code ({@code
 * ExitCode.of}: 5 for an unavailable backend or placement, 4 divergence, 3 bad input, 2 a bad
 * configuration).
 */
public final class VariantsFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VariantsFailedException(String message, Throwable firstFailure) {
    super(message, firstFailure);
  }
}
