package org.sparkcnn.config;

import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The keys of section {@code train} that say how a step is taken: the optimiser, its learning
 * rate and momentum, and the learning-rate schedule (see {@link LearningRateSchedule}).
 */
public record OptimiserConfig(Updater updater, double learningRate, double momentum,
    double learningRateDecay, double learningRateDecayEpochs,
    List<Double> learningRateBoundaries, boolean learningRateCosine, double warmupEpochs) {
  public OptimiserConfig {
    Objects.requireNonNull(updater, "train.updater");
    learningRateBoundaries = List.copyOf(learningRateBoundaries);
    check(learningRate > 0 && Double.isFinite(learningRate), "train.learning-rate",
        "must be a finite value > 0", learningRate);
    check(learningRateDecay > 0 && learningRateDecay <= 1, "train.learning-rate-decay",
        "must be in (0, 1]", learningRateDecay);
    check(learningRateDecayEpochs > 0, "train.learning-rate-decay-epochs", "must be > 0",
        learningRateDecayEpochs);
    for (int i = 0; i < learningRateBoundaries.size(); i++) {
      double b = learningRateBoundaries.get(i);
      check(b > 0 && (i == 0 || b > learningRateBoundaries.get(i - 1)),
          "train.learning-rate-boundaries", "must be increasing epochs > 0",
          learningRateBoundaries);
    }
    check(warmupEpochs >= 0, "train.warmup-epochs", "must be >= 0", warmupEpochs);
    check(momentum >= 0 && momentum < 1, "train.momentum", "must be in [0, 1)", momentum);
  }

  /**
   * Reads {@code train.updater}, {@code train.learning-rate}, {@code train.momentum} and the
   * schedule's {@code train.learning-rate-decay}, {@code -decay-epochs}, {@code -boundaries},
   * {@code -cosine} and {@code train.warmup-epochs}.
   */
  public static OptimiserConfig from(Config c) {
    return new OptimiserConfig(Updater.parse(c.getString("train.updater")),
        c.getDouble("train.learning-rate"), c.getDouble("train.momentum"),
        c.getDouble("train.learning-rate-decay"), c.getDouble("train.learning-rate-decay-epochs"),
        c.getDoubleList("train.learning-rate-boundaries"),
        c.getBoolean("train.learning-rate-cosine"), c.getDouble("train.warmup-epochs"));
  }

  /** The learning rate schedule of a run of {@code epochs} epochs. */
  public LearningRateSchedule schedule(int epochs) {
    return new LearningRateSchedule(learningRate, learningRateDecay, learningRateDecayEpochs,
        learningRateBoundaries, learningRateCosine, warmupEpochs, epochs);
  }

  /** The DL4J optimiser these settings describe (at the first epoch's learning rate). */
  public IUpdater optimizer() {
    return updater.create(learningRate, momentum);
  }
}
