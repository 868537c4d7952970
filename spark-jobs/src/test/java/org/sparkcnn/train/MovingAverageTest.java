package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The driver's moving average of the parameters against a hand computation. */
class MovingAverageTest {
  @Test
  void followsTensorFlowsUpdateWithNumUpdates() {
    INDArray initial = Nd4j.createFromArray(new double[] {0, 10});
    MovingAverage average = new MovingAverage(0.9999, initial);
    double[] expected = {0, 10};
    double[][] rounds = {{1, 8}, {2, 6}, {4, 2}};
    for (int n = 0; n < rounds.length; n++) {
      double d = Math.min(0.9999, (1.0 + n) / (10.0 + n)); // 0.1, 2/11, 0.25
      for (int i = 0; i < 2; i++) {
        expected[i] = d * expected[i] + (1 - d) * rounds[n][i];
      }
      average.update(Nd4j.createFromArray(rounds[n]));
    }
    assertArrayEquals(expected, average.average().toDoubleVector(), 1e-12);
    assertEquals(3, average.updates());
    assertArrayEquals(new double[] {0, 10}, initial.toDoubleVector(), "initial left alone");
    // the first update by hand: 0.1 * (0, 10) + 0.9 * (1, 8)
    MovingAverage first = new MovingAverage(0.9999, initial);
    first.update(Nd4j.createFromArray(new double[] {1, 8}));
    assertArrayEquals(new double[] {0.9, 8.2}, first.average().toDoubleVector(), 1e-12);
  }

  @Test
  void effectiveDecayReachesTheConfiguredOne() {
    assertEquals(0.1, MovingAverage.effectiveDecay(0.9999, 0), 1e-12);
    assertEquals(0.5, MovingAverage.effectiveDecay(0.9999, 8), 1e-12);
    assertEquals(0.9, MovingAverage.effectiveDecay(0.9, 1_000), 1e-12);
    assertThrows(IllegalArgumentException.class,
        () -> new MovingAverage(1, Nd4j.zeros(DataType.FLOAT, 2)));
  }
}
