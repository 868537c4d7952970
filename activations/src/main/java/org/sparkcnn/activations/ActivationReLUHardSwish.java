package org.sparkcnn.activations;

import org.nd4j.linalg.api.ndarray.INDArray;

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
 * <p>Computed as {@code relu(x) + hardSwish(min(x, 0))}; in place like DL4J's activations (see
 * {@link IdentityAboveZero}).
 */
public final class ActivationReLUHardSwish extends IdentityAboveZero {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "relu-h-swish";

  @Override
  String name() {
    return NAME;
  }

  @Override
  void negativeHalfInPlace(INDArray m) {
    ActivationHardSwish.hardSwishInPlace(m);
  }

  @Override
  void negativeHalfGradientInPlace(INDArray m) {
    ActivationHardSwish.hardSwishGradientInPlace(m);
  }
}
