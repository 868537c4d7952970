package org.sparkcnn.config;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/** Values of {@code train.updater}: the optimiser. */
public enum Updater implements ConfigChoice {
  /** Plain stochastic gradient descent. */
  SGD,
  /** SGD with Nesterov momentum ({@code train.momentum}). */
  NESTEROVS,
  /** Adam with DL4J's default betas and epsilon. */
  ADAM;

  /** The optimiser {@code train.updater} spells, or an error naming the key and the choices. */
  public static Updater parse(String value) {
    return ConfigChoice.parse(values(), "train.updater", value);
  }

  /**
   * The DL4J optimiser at {@code learningRate}.
   *
   * @param momentum used by {@link #NESTEROVS} only
   */
  public IUpdater create(double learningRate, double momentum) {
    return switch (this) {
      case SGD -> new Sgd(learningRate);
      case NESTEROVS -> new Nesterovs(learningRate, momentum);
      case ADAM -> new Adam(learningRate);
    };
  }

  @Override
  public String toString() {
    return configValue();
  }
}
