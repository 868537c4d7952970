package org.sparkcnn.activations;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Randomized leaky ReLU (Xu et al. 2015, "Empirical Evaluation of Rectified Activations in
 * Convolutional Network", arXiv:1505.00853) that keeps no state between its forward pass and its
 * backprop, so any number of layers and threads may share one instance.
 *
 * <pre>
 *   training:  f(x) = x if x &gt;= 0, a * x if x &lt; 0,  a ~ uniform(lower, upper) per element
 *   inference: f(x) = x if x &gt;= 0, (lower + upper) / 2 * x if x &lt; 0
 *   f'(x) = 1 if x &gt;= 0, a if x &lt; 0
 * </pre>
 *
 * <p>DL4J's {@code ActivationRReLU} keeps the slopes of its last training forward pass in the
 * object and its backprop uses them: a backprop that does not follow its own forward pass on the
 * same object (two Spark workers in one executor share the objects of one broadcast
 * configuration) fails with "Mis matched length for to and from" or uses another pass's slopes.
 * Here each slope is a hash of the element's index and of the bits of its input x, which changes
 * every step, so backprop, given the same input, recomputes exactly the forward pass's slopes.
 * In place like DL4J's activations (see {@link IdentityAboveZero}).
 */
public final class ActivationRandomizedReLU extends BaseActivationFunction {
  private static final long serialVersionUID = 1L;
  /** Name in the {@link Activations} registry. */
  public static final String NAME = "rrelu";
  /** Lower bound of the slopes (the paper's and DL4J's): 1/8. */
  public static final double DEFAULT_LOWER = 1.0 / 8;
  /** Upper bound of the slopes (the paper's and DL4J's): 1/3. */
  public static final double DEFAULT_UPPER = 1.0 / 3;
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private double lower;
  private double upper;

  /** For JSON deserialization. */
  private ActivationRandomizedReLU() {
    this(DEFAULT_LOWER, DEFAULT_UPPER);
  }

  /**
   * @throws IllegalArgumentException unless 0 &lt;= lower &lt;= upper, both finite
   */
  public ActivationRandomizedReLU(double lower, double upper) {
    if (!Double.isFinite(lower) || !Double.isFinite(upper) || lower < 0 || lower > upper) {
      throw new IllegalArgumentException("rrelu needs finite 0 <= lower <= upper, got lower="
          + lower + ", upper=" + upper);
    }
    this.lower = lower;
    this.upper = upper;
  }

  public double getLower() {
    return lower;
  }

  public double getUpper() {
    return upper;
  }

  @Override
  public INDArray getActivation(INDArray in, boolean training) {
    if (!training) {
      Nd4j.exec(new LeakyReLU(in, in, (lower + upper) / 2));
      return in;
    }
    double[] x = in.dup('c').data().asDouble();
    for (int i = 0; i < x.length; i++) {
      if (x[i] < 0) {
        x[i] *= slope(i, x[i]);
      }
    }
    return in.assign(Nd4j.create(x, in.shape(), 'c'));
  }

  @Override
  public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
    assertShape(in, epsilon);
    double[] x = in.dup('c').data().asDouble();
    for (int i = 0; i < x.length; i++) {
      x[i] = x[i] < 0 ? slope(i, x[i]) : 1.0;
    }
    in.assign(Nd4j.create(x, in.shape(), 'c'));
    return new Pair<>(in.muli(epsilon), null);
  }

  /** The slope of element {@code index} (row-major) whose input is {@code x}: SplitMix64. */
  double slope(long index, double x) {
    long z = Double.doubleToLongBits(x) + (index + 1) * GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return lower + (upper - lower) * ((z >>> 11) * 0x1.0p-53);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ActivationRandomizedReLU other
        && Double.compare(lower, other.lower) == 0 && Double.compare(upper, other.upper) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(lower) + Double.hashCode(upper);
  }

  @Override
  public String toString() {
    return NAME + "(lower=" + lower + ", upper=" + upper + ")";
  }
}
