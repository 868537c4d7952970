package org.sparkcnn.train;

/**
 * Told of every epoch a training finishes, after the epoch's outputs ({@code rounds.csv}, {@code
 * metrics.csv}) and its checkpoint (when one is due) are written. An exception it throws fails
 * the run as a failure of the training would ({@code _FAILED}, exit code 1 from {@link
 * TrainJob}): tests stop runs so, and the driver's halt hook kills the JVM from one.
 */
@FunctionalInterface
public interface EpochListener {
  /** Ignores every epoch. */
  EpochListener NONE = metrics -> { };

  /**
   * Called on the driver after each epoch.
   *
   * @param metrics what the epoch measured; {@link EpochMetrics#epoch()} is 1-based
   */
  void epochFinished(EpochMetrics metrics);
}
