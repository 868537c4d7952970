package org.sparkcnn.train;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based epoch number
 * @param examples training examples fitted in this epoch
 * @param rounds parameter-averaging rounds in this epoch
 * @param learningRate learning rate the epoch trained at
 * @param loss mean training loss over the epoch's averaging rounds
 * @param testAccuracy top-1 accuracy on the test set after the epoch
 * @param testTop5Accuracy top-5 accuracy on the test set after the epoch
 * @param testAccuracyEma top-1 test accuracy of the moving average of the parameters; NaN when
 *     none is kept
 * @param testTop5AccuracyEma top-5 accuracy of the moving average; NaN when none is kept
 * @param trainSeconds wall time of the epoch's training (export, fitting, averaging)
 * @param evalSeconds wall time of the evaluation after the epoch
 */
public record EpochMetrics(int epoch, long examples, int rounds, double learningRate,
    double loss, double testAccuracy, double testTop5Accuracy, double testAccuracyEma,
    double testTop5AccuracyEma, double trainSeconds, double evalSeconds) {

  /** Training throughput of the epoch. */
  public double examplesPerSecond() {
    return examples / trainSeconds;
  }
}
