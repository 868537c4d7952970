package org.sparkcnn.report;

/**
 * Another driver holds the run directory's {@link RunLock}: it is training the run, or stopped
 * less than {@code run.lock-stale-seconds} ago. Nothing has been written into the directory.
 */
public final class RunLockedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public RunLockedException(String message) {
    super(message);
  }
}
