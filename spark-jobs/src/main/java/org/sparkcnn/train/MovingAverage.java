package org.sparkcnn.train;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An exponential moving average of the network's parameters, kept on the driver and updated after
 * every parameter-averaging round, as TensorFlow's {@code ExponentialMovingAverage} with {@code
 * num_updates} (the CIFAR-10 tutorial's evaluation weights): {@code average = d * average + (1 -
 * d) * params} with {@code d = min(decay, (1 + n) / (10 + n))}, n the number of earlier updates,
 * so that the first rounds are not swamped by the initial weights. It starts from the initial
 * parameters. Every parameter is averaged, batch normalization's running statistics included.
 */
final class MovingAverage {
  private final double decay;
  private final INDArray average;
  private long updates;

  /**
   * @param decay the largest decay, in (0, 1) (the tutorial's 0.9999)
   * @param initial the parameters before training; copied
   */
  MovingAverage(double decay, INDArray initial) {
    this(decay, initial, 0);
  }

  /**
   * A moving average continued from a checkpoint: {@code average} after {@code updates} updates.
   */
  MovingAverage(double decay, INDArray average, long updates) {
    if (!(decay > 0 && decay < 1)) {
      throw new IllegalArgumentException("decay must be in (0, 1), got " + decay);
    }
    this.decay = decay;
    this.average = average.dup();
    this.updates = updates;
  }

  /** The decay the update after {@code updates} earlier ones uses. */
  static double effectiveDecay(double decay, long updates) {
    return Math.min(decay, (1.0 + updates) / (10.0 + updates));
  }

  /** Moves the average towards {@code params} (the parameters after a round). */
  void update(INDArray params) {
    double d = effectiveDecay(decay, updates);
    average.muli(d).addi(params.mul(1 - d));
    updates++;
  }

  /** The averaged parameters (not a copy). */
  INDArray average() {
    return average;
  }

  /** Rounds averaged so far. */
  long updates() {
    return updates;
  }
}
