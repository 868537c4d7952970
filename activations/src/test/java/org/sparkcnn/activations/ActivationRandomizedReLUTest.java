package org.sparkcnn.activations;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * RReLU's backprop matches its own forward pass whatever passes of the same object come between
 * (as when two Spark workers' layers share it), where DL4J's {@code ActivationRReLU} fails.
 */
class ActivationRandomizedReLUTest {
  private static final double LOWER = 0.1;
  private static final double UPPER = 0.3;

  private static INDArray input(long seed, int minibatch) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, minibatch, 4, 5, 5).subi(0.5);
  }

  @Test
  void dl4jsRReLUFailsWhenAnotherForwardPassComesBetween() {
    IActivation shared = new ActivationRReLU(LOWER, UPPER);
    INDArray big = input(1, 32);
    shared.getActivation(big.dup(), true);
    shared.getActivation(input(2, 20), true);
    assertThrows(IllegalStateException.class,
        () -> shared.backprop(big.dup(), Nd4j.onesLike(big)));
  }

  @Test
  void dl4jsRReLUHasTheIdentitysGradientAndClampsAtInference() {
    INDArray x = Nd4j.createFromArray(-2.0f, -0.5f, 0.1f, 1.5f);
    IActivation dl4j = new ActivationRReLU(LOWER, UPPER);
    dl4j.getActivation(x.dup(), true);
    assertEquals(Nd4j.onesLike(x), dl4j.backprop(x.dup(), Nd4j.onesLike(x)).getFirst());
    // max(x, (lower + upper) / 2), not a slope of 0.2
    assertEquals(Nd4j.createFromArray(0.2f, 0.2f, 0.2f, 1.5f), dl4j.getActivation(x.dup(), false));
  }

  /** No activation of the registry keeps state from a forward pass to its backprop. */
  @Test
  void everyRegisteredActivationsBackpropIgnoresOtherForwardPasses() {
    INDArray x = input(1, 32);
    INDArray epsilon = Nd4j.rand(DataType.FLOAT, x.shape());
    for (String known : Activations.knownNames()) {
      String name = known.replaceAll("\\(.*", "");
      IActivation alone = Activations.parse(name);
      alone.getActivation(x.dup(), true);
      INDArray expected = alone.backprop(x.dup(), epsilon.dup()).getFirst();
      IActivation shared = Activations.parse(name);
      shared.getActivation(x.dup(), true);
      shared.getActivation(input(2, 20), true);
      INDArray gradient = assertDoesNotThrow(
          () -> shared.backprop(x.dup(), epsilon.dup()).getFirst(), name);
      assertEquals(expected, gradient, name);
    }
  }

  @Test
  void backpropUsesTheSlopesOfItsOwnForwardPass() {
    IActivation shared = new ActivationRandomizedReLU(LOWER, UPPER);
    INDArray x = input(1, 32);
    INDArray y = shared.getActivation(x.dup(), true);
    shared.getActivation(input(2, 20), true); // another layer's or worker's pass
    shared.getActivation(input(3, 32), true);
    INDArray epsilon = Nd4j.rand(DataType.FLOAT, x.shape());
    INDArray gradient = shared.backprop(x.dup(), epsilon).getFirst();
    int negatives = 0;
    for (long i = 0; i < x.length(); i++) {
      double xi = x.getDouble(i);
      double slope = gradient.getDouble(i) / epsilon.getDouble(i);
      if (xi < 0) {
        negatives++;
        assertEquals(y.getDouble(i) / xi, slope, 1e-5, "slope of element " + i);
        assertTrue(slope >= LOWER - 1e-6 && slope <= UPPER + 1e-6, "slope " + slope);
      } else {
        assertEquals(xi, y.getDouble(i), 0.0);
        assertEquals(1.0, slope, 1e-5);
      }
    }
    assertTrue(negatives > 1000, negatives + " negative inputs");
  }

  @Test
  void slopesAreSpreadOverTheRangeAndChangeWithTheInput() {
    ActivationRandomizedReLU rrelu = new ActivationRandomizedReLU(LOWER, UPPER);
    INDArray minusOnes = Nd4j.zeros(DataType.DOUBLE, 10_000).subi(1);
    INDArray slopes = rrelu.getActivation(minusOnes.dup(), true).negi();
    assertEquals((LOWER + UPPER) / 2, slopes.meanNumber().doubleValue(), 0.005);
    assertEquals(LOWER, slopes.minNumber().doubleValue(), 0.001);
    assertEquals(UPPER, slopes.maxNumber().doubleValue(), 0.001);
    // uniform over [0.1, 0.3]: standard deviation 0.2 / sqrt(12)
    assertEquals(0.2 / Math.sqrt(12), slopes.stdNumber().doubleValue(), 0.003);
    assertNotEquals(rrelu.slope(0, -1.0), rrelu.slope(0, -1.0000001));
  }

  @Test
  void inferenceUsesTheMeanSlope() {
    INDArray x = Nd4j.createFromArray(-2.0f, -0.5f, 0f, 1.5f);
    INDArray y = new ActivationRandomizedReLU(LOWER, UPPER).getActivation(x.dup(), false);
    assertEquals(Nd4j.createFromArray(-0.4f, -0.1f, 0f, 1.5f), y);
  }

  @Test
  void roundTripsThroughJsonAndNamesItsParameters() {
    ActivationRandomizedReLU rrelu = new ActivationRandomizedReLU(LOWER, UPPER);
    MultiLayerConfiguration conf =
        ActivationNetworkTest.smallNet(rrelu, DataType.FLOAT, new Adam(1e-3));
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    assertEquals("rrelu(lower=0.1, upper=0.3)", rrelu.toString());
    assertThrows(IllegalArgumentException.class, () -> new ActivationRandomizedReLU(0.3, 0.1));
  }
}
