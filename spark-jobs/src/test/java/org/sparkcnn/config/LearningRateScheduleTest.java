package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.sparkcnn.train.RoundProgress;
import org.junit.jupiter.api.Test;

/** Learning rates at given epochs and rounds, whatever the number of workers. */
class LearningRateScheduleTest {
  static LearningRateSchedule schedule(String... settings) {
    ConfigLoader loader = new ConfigLoader();
    for (String s : settings) {
      loader.set(s);
    }
    return JobConfig.from(loader.resolve()).train().schedule();
  }

  @Test
  void theTutorialsExponentialDecayEvery350Epochs() {
    LearningRateSchedule s = schedule("train.learning-rate=0.1", "train.epochs=800",
        "train.learning-rate-decay=0.1", "train.learning-rate-decay-epochs=350");
    assertEquals(0.1, s.rate(1, 0, 10), 1e-15);
    assertEquals(0.1, s.rate(350, 9, 10), 1e-15);   // the last round before the step
    assertEquals(0.01, s.rate(351, 0, 10), 1e-15);
    assertEquals(0.001, s.rate(701, 5, 10), 1e-15);
  }

  @Test
  void thePapersCifar100StepsAt60_120_160() {
    LearningRateSchedule s = schedule("train.learning-rate=0.1", "train.epochs=200",
        "train.learning-rate-decay=0.2", "train.learning-rate-boundaries=[60, 120, 160]");
    double[][] expected = {{1, 0.1}, {60, 0.1}, {61, 0.02}, {120, 0.02}, {121, 0.004},
        {161, 0.0008}, {200, 0.0008}};
    for (double[] e : expected) {
      for (int rounds : new int[] {1, 7, 93}) {
        for (int round : new int[] {0, rounds - 1}) {
          assertEquals(e[1], s.rate((int) e[0], round, rounds), 1e-12,
              "epoch " + e[0] + " round " + round + " of " + rounds);
        }
      }
    }
  }

  @Test
  void aStepInsideAnEpochFallsOnTheRoundThatReachesIt() {
    LearningRateSchedule s = schedule("train.learning-rate=1", "train.epochs=4",
        "train.learning-rate-decay=0.5", "train.learning-rate-boundaries=[1.5]");
    assertEquals(1, s.rate(2, 1, 4), 1e-15);    // progress 1.25
    assertEquals(0.5, s.rate(2, 2, 4), 1e-15);  // progress 1.5
  }

  @Test
  void warmUpAndCosineDependOnProgressNotOnRoundCounts() {
    LearningRateSchedule s = schedule("train.learning-rate=0.4", "train.epochs=10",
        "train.warmup-epochs=2", "train.learning-rate-cosine=true");
    // The same progress (half of epoch 2) with 2 workers (8 rounds an epoch) and 4 (4 rounds):
    // a round stands for more examples with more workers, so it is a larger step in epochs.
    int roundsWith2Workers = RoundProgress.roundsPerEpoch(80, 2, 5);
    int roundsWith4Workers = RoundProgress.roundsPerEpoch(80, 4, 5);
    assertEquals(8, roundsWith2Workers);
    assertEquals(4, roundsWith4Workers);
    // DL4J rounds the number of splits down: 938 minibatches of the default job in 93 rounds
    assertEquals(93, RoundProgress.roundsPerEpoch(938, 2, 5));
    double p = 1.5;
    double expected = 0.4 * (p + 1.0 / 8) / 2 * (1 + Math.cos(Math.PI * p / 10)) / 2;
    assertEquals(expected, s.rate(2, 4, roundsWith2Workers), 1e-12);
    double expected4 = 0.4 * (p + 1.0 / 4) / 2 * (1 + Math.cos(Math.PI * p / 10)) / 2;
    assertEquals(expected4, s.rate(2, 2, roundsWith4Workers), 1e-12);
    // after warm-up, only the cosine
    assertEquals(0.4 * (1 + Math.cos(Math.PI * 5 / 10)) / 2, s.rate(6, 0, 8), 1e-12);
    assertEquals(List.of(), s.boundaries());
  }
}
