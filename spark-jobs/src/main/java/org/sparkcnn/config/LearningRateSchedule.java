package org.sparkcnn.config;

import java.util.List;

/**
 * The learning rate as a function of training progress measured in epochs, set on the driver
 * before every parameter-averaging round (the workers receive it with the round's parameters). So
 * the schedule is written in epochs whatever the number of workers, the batch size and the
 * averaging frequency, which only decide how many rounds an epoch has.
 *
 * <p>At progress p (epochs completed, fractional: round r of R in epoch e is at p = e - 1 + r / R)
 * the rate is {@code base * warm-up * step * cosine}:
 *
 * <ul>
 *   <li>warm-up: {@code min(1, (p + 1/R) / warmupEpochs)}, linear from the first round (1 without
 *       warm-up);
 *   <li>step: {@code decay ^ k}, k the number of {@code boundaries} that p has reached, or, with no
 *       boundaries, {@code floor(p / decayEpochs)} (the tutorial's "x0.1 every 350 epochs" is decay
 *       0.1, decayEpochs 350; the 2022 paper's CIFAR-100 recipe is decay 0.2 at 60, 120, 160);
 *   <li>cosine: {@code (1 + cos(pi * p / epochs)) / 2} when enabled, else 1.
 * </ul>
 *
 * @param base the configured learning rate
 * @param decay factor of each step, in (0, 1]
 * @param decayEpochs epochs between steps when there are no boundaries
 * @param boundaries epochs after which a step falls, increasing; empty for periodic steps
 * @param cosine whether to anneal along a half cosine over all epochs
 * @param warmupEpochs epochs of linear warm-up; 0 for none
 * @param epochs the run's epochs
 */
public record LearningRateSchedule(double base, double decay, double decayEpochs,
    List<Double> boundaries, boolean cosine, double warmupEpochs, int epochs) {

  public LearningRateSchedule {
    boundaries = List.copyOf(boundaries);
  }

  /**
   * The rate of round {@code round} (0-based) of {@code roundsPerEpoch} in 1-based {@code epoch}.
   */
  public double rate(int epoch, int round, int roundsPerEpoch) {
    double r = Math.max(1, roundsPerEpoch);
    return rate(epoch - 1 + round / r, 1 / r);
  }

  /** The rate at progress {@code p} epochs, the first round of which spans {@code roundEpochs}. */
  double rate(double p, double roundEpochs) {
    double rate = base;
    if (warmupEpochs > 0) {
      rate *= Math.min(1, (p + roundEpochs) / warmupEpochs);
    }
    long steps;
    if (boundaries.isEmpty()) {
      steps = (long) Math.floor(p / decayEpochs + 1e-9);
    } else {
      steps = boundaries.stream().filter(b -> p + 1e-9 >= b).count();
    }
    rate *= Math.pow(decay, steps);
    if (cosine) {
      rate *= (1 + Math.cos(Math.PI * p / epochs)) / 2;
    }
    return rate;
  }
}
