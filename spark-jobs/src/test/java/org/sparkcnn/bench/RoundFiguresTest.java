package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkcnn.train.ResidentTrainingMaster;

/** The resident master's round figures: percentiles, overhead and the bytes a worker returns. */
class RoundFiguresTest {
  private static ResidentTrainingMaster.Round round(double wallMs, double broadcastMs,
      double jobMs, double driverMs, double maxFitMs) {
    return new ResidentTrainingMaster.Round(1, 1, 2, 10, wallMs, broadcastMs, jobMs, driverMs,
        maxFitMs, maxFitMs / 2, maxFitMs * 0.75, 0.5, 0, 1.0, jobMs - 2);
  }

  @Test
  void percentilesInterpolateBetweenTheSortedValues() {
    double[] values = {40, 10, 30, 20};
    assertEquals(25, RoundFigures.percentile(values, 50), 1e-9);
    assertEquals(37, RoundFigures.percentile(values, 90), 1e-9);
    assertEquals(10, RoundFigures.percentile(values, 0), 1e-9);
    assertEquals(40, RoundFigures.percentile(values, 100), 1e-9);
    assertEquals(7, RoundFigures.percentile(new double[] {7}, 90), 1e-9);
    assertEquals(List.of(40.0, 10.0), List.of(values[0], values[1]), "the input is not sorted");
    assertThrows(IllegalArgumentException.class,
        () -> RoundFigures.percentile(new double[0], 50));
    assertThrows(IllegalArgumentException.class, () -> RoundFigures.percentile(values, 101));
  }

  @Test
  void overheadIsTheRoundWallTimeMinusTheSlowestFit() {
    // overheads 5, 15, 10 ms; broadcasts 1, 3, 2; jobs 50, 70, 60; driver 4, 4, 6
    RoundFigures f = RoundFigures.of(List.of(round(55, 1, 50, 4, 50),
        round(75, 3, 70, 4, 60), round(70, 2, 60, 6, 60)), 1_000, 500);
    assertEquals(3, f.rounds());
    assertEquals(10, f.overheadMedianMs(), 1e-9);
    assertEquals(14, f.overheadP90Ms(), 1e-9);
    assertEquals(2, f.broadcastMedianMs(), 1e-9);
    assertEquals(60, f.jobMedianMs(), 1e-9);
    assertEquals(4, f.driverMedianMs(), 1e-9);
    assertEquals(6_000, f.workerResultBytes());
    assertEquals(List.of("3", "10.00", "14.00", "2.00", "60.00", "4.00", "6000", "15.00",
        "0.2125", "0.1500"), f.cells());
    assertEquals(RoundFigures.COLUMNS.size(), RoundFigures.noCells().size());
    assertThrows(IllegalArgumentException.class, () -> RoundFigures.of(List.of(), 1, 1));
  }

  @Test
  void wallTimeSplitsIntoFitBarrierAndOverhead() {
    // mean fits 75 (barrier 25: max 100) and 150 (barrier 10: max 160); overheads 20 and 40
    var a = new ResidentTrainingMaster.Round(1, 1, 4, 20, 120, 2, 110, 3, 100, 60, 75, 0.5, 0,
        1, 105);
    var b = new ResidentTrainingMaster.Round(1, 2, 4, 20, 200, 2, 190, 3, 160, 140, 150, 0.5, 0,
        1, 185);
    RoundFigures f = RoundFigures.of(List.of(a, b), 10, 10);
    assertEquals(17.5, f.barrierMedianMs(), 1e-9);
    assertEquals(35.0 / 320, f.barrierShare(), 1e-12);
    assertEquals(60.0 / 320, f.overheadShare(), 1e-12);
    assertEquals(225.0 / 320, f.fitShare(), 1e-12);
    assertTrue(f.summary().contains("the workers fit 70.3%, wait for the slowest 10.9% (median"
        + " 17.50 ms a round) and the overhead takes 18.8%"), f.summary());
  }
}
