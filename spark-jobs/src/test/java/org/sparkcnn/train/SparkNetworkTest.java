package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The divergence guard's check of the parameters after each averaging round. */
class SparkNetworkTest {
  @Test
  void parametersWithANanOrAnInfinityAreNotFinite() {
    INDArray params = Nd4j.linspace(-3, 3, 1000, DataType.FLOAT).reshape(1, 1000);
    assertTrue(SparkNetwork.allFinite(params));
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      INDArray copy = params.dup();
      copy.putScalar(0, 617, bad);
      assertFalse(SparkNetwork.allFinite(copy), "with " + bad);
    }
    assertTrue(SparkNetwork.allFinite(Nd4j.valueArrayOf(new long[] {1, 4}, Float.MAX_VALUE)));
  }
}
