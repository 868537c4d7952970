package org.sparkcnn.activations;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient of the activations that are the identity for x &gt; 0 and some g(x) for x &lt;= 0
 * (ReLU-Swish, ReLU-h-swish), given g'(min(x, 0)).
 */
final class PositiveHalf {
  private PositiveHalf() {}

  /**
   * Writes dL/dz = epsilon * (g'(min(x, 0)) + (1 - g'(0)) * step(x)) into {@code in} and returns
   * it. For x &gt; 0 this is epsilon * (g'(0) + 1 - g'(0)) = epsilon; for x &lt;= 0, epsilon *
   * g'(x). Both activations here have g'(0) = 0.5.
   *
   * @param in the pre-activations x (overwritten)
   * @param negativeGradient g'(min(x, 0)) (overwritten)
   */
  static INDArray combine(INDArray in, INDArray negativeGradient, INDArray epsilon) {
    negativeGradient.muli(epsilon);
    // epsilon where x > 0, else 0
    Nd4j.exec(new RectifiedLinearDerivative(in, epsilon, in));
    return in.muli(0.5).addi(negativeGradient);
  }
}
