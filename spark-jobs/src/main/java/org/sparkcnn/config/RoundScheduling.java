package org.sparkcnn.config;

/**
 * Values of {@code train.round-scheduling}: how the resident training master ({@code
 * train.master = "resident"}) runs an epoch's averaging rounds on Spark. Both give the same
 * training, bitwise while the driver sums the workers' results itself (see {@code
 * docs/training.md#round-scheduling}); they differ in what a round costs.
 */
public enum RoundScheduling implements ConfigChoice {
  /**
   * One Spark job per averaging round: the round's state goes out as a broadcast, the workers'
   * parameters come back as the tasks' results, summed by {@code treeAggregate} of {@code
   * train.aggregation-depth}.
   */
  JOB,
  /**
   * One barrier-mode Spark job per epoch: its tasks (one per worker, started together) stay up
   * for the whole epoch and exchange the state with the driver over a connection every round;
   * the driver receives and sums every worker's result itself.
   */
  BARRIER;

  /** The scheduling {@code train.round-scheduling} spells, or an error naming the key. */
  public static RoundScheduling parse(String value) {
    return ConfigChoice.parse(values(), "train.round-scheduling", value);
  }

  @Override
  public String toString() {
    return configValue();
  }
}
