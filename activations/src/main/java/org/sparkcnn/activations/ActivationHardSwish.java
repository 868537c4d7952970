package org.sparkcnn.activations;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Hard-swish (MobileNet V3; lightweight CNN paper, 2022), a piecewise-linear Swish.
 *
 * <pre>
 *   f(x)  = x * ReLU6(x + 3) / 6
 *   f'(x) = 0              x &lt; -3
 *           (2x + 3) / 6   -3 &lt;= x &lt;= 3
 *           1              x &gt; 3
 * </pre>
 *
 * <p>Like DL4J's activations, {@link #getActivation} writes f(x) into its input and {@link
 * #backprop} writes dL/dz into its input, returning them.
 */
public final class ActivationHardSwish extends NamedActivation {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "hard-swish";
  /** Where ReLU6(x + 3) leaves its linear part: x = -3 and x = 3. */
  static final double KNEE = 3.0;

  @Override
  String name() {
    return NAME;
  }

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    return hardSwishInPlace(in);
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    return new Pair<>(hardSwishGradientInPlace(in).muli(epsilon), null);
  }

  /** x := x * clip(x / 6 + 1/2, 0, 1), which is x * ReLU6(x + 3) / 6. */
  static INDArray hardSwishInPlace(INDArray x) {
    INDArray gate = x.mul(1.0 / 6).addi(0.5);
    Nd4j.exec(new ScalarMax(gate, null, gate, 0.0));
    Nd4j.exec(new ScalarMin(gate, null, gate, 1.0));
    return x.muli(gate);
  }

  /**
   * x := f'(x), written as [x >= -3] * (min(x, 3) / 3 + 1/2) - step(x - 3) / 2: 0 below -3,
   * (2x + 3) / 6 between, and 3/2 - 1/2 = 1 above 3.
   */
  static INDArray hardSwishGradientInPlace(INDArray x) {
    INDArray inside = x.gte(-KNEE).castTo(x.dataType());
    INDArray above = Nd4j.exec(new Step(x, x.ulike(), KNEE));
    Nd4j.exec(new ScalarMin(x, null, x, KNEE));
    return x.muli(1.0 / 3).addi(0.5).muli(inside).subi(above.muli(0.5));
  }
}
