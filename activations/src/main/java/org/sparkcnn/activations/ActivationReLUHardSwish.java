package org.sparkcnn.activations;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ReLU-h-swish (lightweight CNN paper, 2022): the identity for positive inputs and hard-swish
 * for the others. MobileNet-rhs uses it after the depthwise convolution.
 *
 * <pre>
 *   f(x)  = x                              x &gt; 0
 *           x * ReLU6(x + 3) / 6           x &lt;= 0
 *   f'(x) = 1                              x &gt; 0
 *           (2x + 3) / 6                   -3 &lt;= x &lt;= 0   (0.5 at x = 0)
 *           0                              x &lt; -3
 * </pre>
 *
 * <p>Computed as {@code relu(x) + hardSwish(min(x, 0))} with whole-array ops; in place like
 * DL4J's activations (see {@link ActivationReLUSwish}).
 */
public final class ActivationReLUHardSwish extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "relu-h-swish";

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    INDArray negative = Nd4j.exec(new ScalarMin(in, null, in.ulike(), 0.0));
    ActivationHardSwish.hardSwishInPlace(negative);
    Nd4j.exec(new RectifiedLinear(in, in));
    return in.addi(negative);
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    INDArray negative = Nd4j.exec(new ScalarMin(in, null, in.ulike(), 0.0));
    ActivationHardSwish.hardSwishGradientInPlace(negative);
    return new Pair<>(PositiveHalf.combine(in, negative, epsilon), null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationReLUHardSwish;
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
