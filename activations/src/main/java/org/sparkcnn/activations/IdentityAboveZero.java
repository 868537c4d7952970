package org.sparkcnn.activations;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The activations that are the identity for x &gt; 0 and some g(x) for x &lt;= 0, with g(0) = 0
 * and g'(0) = 1/2 (ReLU-Swish, ReLU-h-swish), computed with whole-array ops:
 *
 * <pre>
 *   f(x)  = relu(x) + g(min(x, 0))
 *   f'(x) = g'(min(x, 0)) + (1 - g'(0)) * step(x)
 * </pre>
 *
 * For x &gt; 0 the g terms are g(0) = 0 and g'(0) + 1 - g'(0) = 1; for x &lt;= 0 they are g(x) and
 * g'(x). Like DL4J's activations, {@link #getActivation} writes f(x) into its input and {@link
 * #backprop} writes dL/dz into its input (the pre-activations), returning them; epsilon is left
 * unchanged. One temporary array holds min(x, 0).
 */
abstract class IdentityAboveZero extends NamedActivation {
  private static final long serialVersionUID = 1L;

  /** m := g(m), for m &lt;= 0. */
  abstract void negativeHalfInPlace(INDArray m);

  /** m := g'(m), for m &lt;= 0. */
  abstract void negativeHalfGradientInPlace(INDArray m);

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    INDArray negative = Nd4j.exec(new ScalarMin(in, null, in.ulike(), 0.0));
    negativeHalfInPlace(negative);
    Nd4j.exec(new RectifiedLinear(in, in));
    return in.addi(negative);
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    INDArray negative = Nd4j.exec(new ScalarMin(in, null, in.ulike(), 0.0));
    negativeHalfGradientInPlace(negative);
    negative.muli(epsilon);
    // epsilon where x > 0, else 0; then (1 - g'(0)) = 1/2 of it
    Nd4j.exec(new RectifiedLinearDerivative(in, epsilon, in));
    return new Pair<>(in.muli(0.5).addi(negative), null);
  }
}
