package org.sparkcnn.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward values and gradients of the custom activations against their formulas (SEEDS.md),
 * written here independently in plain Java doubles.
 */
class ActivationFormulasTest {
  /** The reference points the issue names. */
  static final double[] POINTS = {-5, -3, -1, -1e-3, 0, 1e-3, 0.5, 3, 7};
  /** Points for finite differences: near 0 and near -3 (and 3), but off the kinks. */
  static final double[] SMOOTH_POINTS =
      {-6, -3.01, -2.99, -2, -1, -0.25, -1e-3, 1e-3, 0.25, 2.99, 3.01, 5};
  static DataType previous;

  @BeforeAll
  static void doublePrecision() {
    previous = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  @AfterAll
  static void restore() {
    Nd4j.setDefaultDataTypes(previous, previous);
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  static double relu6(double x) {
    return Math.min(Math.max(x, 0), 6);
  }

  static double hardSwish(double x) {
    return x * relu6(x + 3) / 6;
  }

  static double hardSwishGrad(double x) {
    return x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6;
  }

  static double swishGrad(double x, double beta) {
    double s = sigmoid(beta * x);
    return s * (1 + beta * x * (1 - s));
  }

  /** name, activation, f, f' (with the documented value at the kinks). */
  static Stream<Arguments> activations() {
    return Stream.of(
        Arguments.of("relu-swish", new ActivationReLUSwish(),
            (DoubleUnaryOperator) x -> x > 0 ? x : x * sigmoid(x),
            (DoubleUnaryOperator) x -> x > 0 ? 1 : swishGrad(x, 1)),
        Arguments.of("relu-h-swish", new ActivationReLUHardSwish(),
            (DoubleUnaryOperator) x -> x > 0 ? x : hardSwish(x),
            (DoubleUnaryOperator) x -> x > 0 ? 1 : hardSwishGrad(x)),
        Arguments.of("hard-swish", new ActivationHardSwish(),
            (DoubleUnaryOperator) ActivationFormulasTest::hardSwish,
            (DoubleUnaryOperator) ActivationFormulasTest::hardSwishGrad),
        Arguments.of("swish(beta=2.0)", new ActivationSwishBeta(2),
            (DoubleUnaryOperator) x -> x * sigmoid(2 * x),
            (DoubleUnaryOperator) x -> swishGrad(x, 2)),
        Arguments.of("swish(beta=0.5)", new ActivationSwishBeta(0.5),
            (DoubleUnaryOperator) x -> x * sigmoid(0.5 * x),
            (DoubleUnaryOperator) x -> swishGrad(x, 0.5)),
        Arguments.of("swish(beta=0.0)", new ActivationSwishBeta(0),
            (DoubleUnaryOperator) x -> x / 2,
            (DoubleUnaryOperator) x -> 0.5));
  }

  static INDArray column(double[] values, DataType type) {
    return Nd4j.createFromArray(values).castTo(type).reshape(values.length, 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void forwardMatchesTheFormulaInPlace(String name, IActivation fn, DoubleUnaryOperator f,
      DoubleUnaryOperator df) {
    assertEquals(name, fn.toString());
    INDArray in = column(POINTS, DataType.DOUBLE);
    INDArray out = fn.getActivation(in, true);
    assertSame(in, out, "computed in place, like DL4J's activations");
    for (int i = 0; i < POINTS.length; i++) {
      assertEquals(f.applyAsDouble(POINTS[i]), out.getDouble(i), 1e-12, name + " at " + POINTS[i]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void floatForwardAgreesWithDouble(String name, IActivation fn, DoubleUnaryOperator f,
      DoubleUnaryOperator df) {
    INDArray out = fn.getActivation(column(POINTS, DataType.FLOAT), true);
    assertEquals(DataType.FLOAT, out.dataType());
    for (int i = 0; i < POINTS.length; i++) {
      assertEquals(f.applyAsDouble(POINTS[i]), out.getDouble(i), 1e-5, name + " at " + POINTS[i]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void backpropMatchesTheDerivativeTimesEpsilon(String name, IActivation fn,
      DoubleUnaryOperator f, DoubleUnaryOperator df) {
    double[] eps = new double[POINTS.length];
    for (int i = 0; i < eps.length; i++) {
      eps[i] = 0.5 + i;
    }
    INDArray epsilon = column(eps, DataType.DOUBLE);
    INDArray grad = fn.backprop(column(POINTS, DataType.DOUBLE), epsilon).getFirst();
    for (int i = 0; i < POINTS.length; i++) {
      assertEquals(df.applyAsDouble(POINTS[i]) * eps[i], grad.getDouble(i), 1e-12,
          name + " at " + POINTS[i]);
      assertEquals(eps[i], epsilon.getDouble(i), 0.0, "epsilon is left unchanged");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("activations")
  void backpropMatchesCentralFiniteDifferences(String name, IActivation fn,
      DoubleUnaryOperator f, DoubleUnaryOperator df) {
    double h = 1e-6;
    double[] plus = new double[SMOOTH_POINTS.length];
    double[] minus = new double[SMOOTH_POINTS.length];
    for (int i = 0; i < plus.length; i++) {
      plus[i] = SMOOTH_POINTS[i] + h;
      minus[i] = SMOOTH_POINTS[i] - h;
    }
    INDArray fPlus = fn.getActivation(column(plus, DataType.DOUBLE), true);
    INDArray fMinus = fn.getActivation(column(minus, DataType.DOUBLE), true);
    INDArray ones = Nd4j.ones(DataType.DOUBLE, SMOOTH_POINTS.length, 1);
    INDArray grad = fn.backprop(column(SMOOTH_POINTS, DataType.DOUBLE), ones).getFirst();
    for (int i = 0; i < SMOOTH_POINTS.length; i++) {
      double numeric = (fPlus.getDouble(i) - fMinus.getDouble(i)) / (2 * h);
      assertEquals(numeric, grad.getDouble(i), 1e-7, name + " at " + SMOOTH_POINTS[i]);
    }
  }

  @ParameterizedTest
  @MethodSource("activationsOnly")
  void worksOnViewsAndMultiDimensionalArrays(IActivation fn) {
    INDArray base = Nd4j.linspace(-6, 6, 2 * 3 * 4 * 5, DataType.DOUBLE).reshape(2, 3, 4, 5);
    INDArray expected = fn.getActivation(base.dup(), true);
    INDArray view = Nd4j.zeros(DataType.DOUBLE, 2, 3, 4, 10).get(
        org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 10));
    view.assign(base);
    assertEquals(expected, fn.getActivation(view, true));
  }

  static Stream<IActivation> activationsOnly() {
    return activations().map(a -> (IActivation) a.get()[1]);
  }

  @org.junit.jupiter.api.Test
  void swishWithBetaOneIsDl4jsSwish() {
    INDArray x = Nd4j.linspace(-8, 8, 101, DataType.DOUBLE).reshape(101, 1);
    INDArray eps = Nd4j.linspace(0.1, 2, 101, DataType.DOUBLE).reshape(101, 1);
    IActivation ours = new ActivationSwishBeta(1);
    IActivation dl4j = new ActivationSwish();
    assertEquals(dl4j.getActivation(x.dup(), true), ours.getActivation(x.dup(), true));
    INDArray a = dl4j.backprop(x.dup(), eps).getFirst();
    INDArray b = ours.backprop(x.dup(), eps).getFirst();
    assertEquals(0.0, a.sub(b).amaxNumber().doubleValue(), 1e-12);
  }
}
