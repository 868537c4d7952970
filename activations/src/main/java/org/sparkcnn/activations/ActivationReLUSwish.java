package org.sparkcnn.activations;

import org.nd4j.linalg.api.ndarray.INDArray;
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
 * <p>Computed as {@code relu(x) + swish(min(x, 0))} with libnd4j's swish kernels; in place like
 * DL4J's activations (see {@link IdentityAboveZero}).
 */
public final class ActivationReLUSwish extends IdentityAboveZero {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "relu-swish";

  @Override
  String name() {
    return NAME;
  }

  @Override
  void negativeHalfInPlace(INDArray m) {
    Nd4j.exec(new Swish(m, m));
  }

  @Override
  void negativeHalfGradientInPlace(INDArray m) {
    Nd4j.exec(new SwishDerivative(m, m));
  }
}
