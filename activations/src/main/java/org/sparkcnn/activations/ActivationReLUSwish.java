package org.sparkcnn.activations;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SwishDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU-Swish (heterogeneous CPU+GPU training paper, 2020): the positive half of ReLU and the
 * negative half of Swish.
 *
 * <pre>
 *   f(x)  = x                                       x &gt; 0
 *           x * sigmoid(x)                          x &lt;= 0
 *   f'(x) = 1                                       x &gt; 0
 *           sigmoid(x) * (1 + x * (1 - sigmoid(x))) x &lt;= 0   (0.5 at x = 0)
 * </pre>
 *
 * <p>Computed with whole-array ops as {@code f(x) = relu(x) + swish(min(x, 0))} and {@code f'(x)
 * = swish'(min(x, 0)) + 0.5 * step(x)}: for x &gt; 0 the Swish terms are swish(0) = 0 and swish'(0)
 * = 0.5. Like DL4J's own activations, {@link #getActivation} writes f(x) into its input and
 * {@link #backprop} writes the gradient into its input (the pre-activations), returning them.
 */
public final class ActivationReLUSwish extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "relu-swish";

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    INDArray negative = Nd4j.exec(new ScalarMin(in, null, in.ulike(), 0.0));
    Nd4j.exec(new Swish(negative, negative));
    Nd4j.exec(new RectifiedLinear(in, in));
    return in.addi(negative);
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    INDArray negative = Nd4j.exec(new ScalarMin(in, null, in.ulike(), 0.0));
    Nd4j.exec(new SwishDerivative(negative, negative));
    return new Pair<>(PositiveHalf.combine(in, negative, epsilon), null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationReLUSwish;
  }

  @Override
  public int hashCode() {
    return NAME.hashCode();
  }

  @Override
  public String toString() {
    return NAME;
  }
}
