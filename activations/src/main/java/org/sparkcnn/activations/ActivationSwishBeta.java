package org.sparkcnn.activations;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.api.ops.impl.transforms.strict.SwishDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Swish with a fixed beta (lightweight CNN paper, 2022): beta = 1 is SiLU (DL4J's {@code swish}),
 * beta = 0 gives x / 2, and large beta tends to ReLU.
 *
 * <pre>
 *   f(x)  = x * sigmoid(beta * x)
 *   f'(x) = sigmoid(beta * x) * (1 + beta * x * (1 - sigmoid(beta * x)))
 * </pre>
 *
 * <p>With u = beta * x: f(x) = swish(u) / beta and f'(x) = swish'(u), so both directions reuse
 * libnd4j's swish kernels. beta = 0 is handled exactly (f = x / 2, f' = 1/2). Beta is a fixed
 * hyper-parameter: a trainable beta would need a layer with a parameter (like PReLU), not an
 * activation, and is left out. In place like DL4J's activations (see {@link IdentityAboveZero}).
 */
public final class ActivationSwishBeta extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "swish";
  /** SiLU, DL4J's built-in swish. */
  public static final double DEFAULT_BETA = 1.0;

  private double beta;

  /** For JSON deserialization. */
  private ActivationSwishBeta() {
    this(DEFAULT_BETA);
  }

  public ActivationSwishBeta(double beta) {
    if (!Double.isFinite(beta) || beta < 0) {
      throw new IllegalArgumentException("swish beta must be finite and >= 0, got " + beta);
    }
    this.beta = beta;
  }

  public double getBeta() {
    return beta;
  }

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    if (beta == 0) {
      return in.muli(0.5);
    }
    in.muli(beta);
    Nd4j.exec(new Swish(in, in));
    return in.divi(beta);
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    if (beta == 0) {
      return new Pair<>(in.assign(epsilon).muli(0.5), null);
    }
    in.muli(beta);
    Nd4j.exec(new SwishDerivative(in, in));
    return new Pair<>(in.muli(epsilon), null);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationSwishBeta other && Double.compare(beta, other.beta) == 0;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(beta);
  }

  @Override
  public String toString() {
    return NAME + "(beta=" + beta + ")";
  }
}
