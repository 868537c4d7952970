package org.sparkcnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.sparkcnn.train.DivergedException;

class ExperimentTableTest {
  static RepeatOutcome run(double top1, double top1Ema, double seconds) {
    return new RepeatOutcome(true, null, top1, 0.9, top1Ema, seconds, 100, new double[0],
        new double[0], new double[0]);
  }

  @Test
  void meanSampleStdAndTheMovingAveragesGain() {
    List<RepeatOutcome> runs = List.of(run(0.80, 0.83, 10), run(0.82, 0.84, 12),
        run(0.84, 0.88, 14));
    assertEquals(0.82, ExperimentTable.mean(runs, RepeatOutcome::top1), 1e-12);
    // sample std (n - 1) of 0.80, 0.82, 0.84: sqrt((0.0004 + 0 + 0.0004) / 2) = 0.02
    assertEquals(0.02, ExperimentTable.std(runs, RepeatOutcome::top1), 1e-12);
    assertEquals(2.0, ExperimentTable.std(runs, RepeatOutcome::seconds), 1e-12);
    assertEquals(0.03, ExperimentTable.mean(runs, RepeatOutcome::emaGain), 1e-12);
    assertTrue(Double.isNaN(ExperimentTable.std(runs.subList(0, 1), RepeatOutcome::top1)));
    assertTrue(Double.isNaN(ExperimentTable.mean(List.of(), RepeatOutcome::top1)));
  }

  @Test
  void aFailureIsOneLineNamingItsKind() {
    assertEquals("diverged: training diverged", ExperimentRun.reason(
        new DivergedException("training diverged\nat round 3")));
    String spark = ExperimentRun.reason(new SparkException("Job aborted: " + "x".repeat(500)
        + "\nDriver stacktrace:"));
    assertTrue(spark.startsWith("SparkException: Job aborted: xxx"), spark);
    assertTrue(spark.endsWith(" ..."), spark);
    assertEquals("SparkException: ".length() + ExperimentRun.MAX_REASON_CHARS + 4,
        spark.length());
  }
}
