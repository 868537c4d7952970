package org.sparkcnn.config;

/**
 * Values of {@code train.master}: which parameter-averaging training master runs the rounds.
 * Both average the same way (the workers' parameters and updater state summed and divided by the
 * number of workers, every {@code train.averaging-frequency} minibatches); they differ in how a
 * round gets its data and its network.
 */
public enum TrainingMasterChoice implements ConfigChoice {
  /**
   * DL4J's {@code ParameterAveragingTrainingMaster}: each epoch's minibatches exported to the run
   * directory, then every round builds a new network per worker from the broadcast.
   */
  DL4J,
  /**
   * The project's resident master: each worker task fits minibatches it makes from the cached
   * examples, on a network kept alive in its executor across rounds and epochs.
   */
  RESIDENT;

  /** The master {@code train.master} spells, or an error naming the key and the choices. */
  public static TrainingMasterChoice parse(String value) {
    return ConfigChoice.parse(values(), "train.master", value);
  }

  @Override
  public String toString() {
    return configValue();
  }
}
