package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Whole zoo networks of the native engine against the same networks of DL4J's layers, in double
 * precision: same parameters give the same outputs, loss and gradient of every parameter (to
 * 1e-9), so the two engines compute the same function and differ only in float rounding.
 */
class NativeEngineTest {
  private static final ImageShape INPUT = new ImageShape(3, 32, 32);
  private static final int MINIBATCH = 4;
  private static final double TOLERANCE = 1e-9;

  static Model network(String spec, ConvolutionEngine engine) {
    NetworkOptions options = new NetworkOptions(INPUT, 10, "relu", WeightInit.RELU, 5e-4,
        new Sgd(0.1), 1L, engine);
    ModelBuilder builder = Models.create(spec, options);
    return builder instanceof NetworkBuilder n ? n.init().convertDataType(DataType.DOUBLE)
        : ((GraphBuilder) builder).init().convertDataType(DataType.DOUBLE);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mobilenet-v1-cifar(alpha=0.25)", "mobilenet-v1-cifar(alpha=0.25,"
      + " unit=rhs)", "resnet20", "vgg11(batch-norm=true)"})
  void nativeEngineComputesWhatDl4jsLayersCompute(String spec) {
    Model reference = network(spec, ConvolutionEngine.DL4J);
    Model fast = network(spec, ConvolutionEngine.NATIVE);
    assertNotEquals(reference.getClass().getName() + layerClasses(reference),
        fast.getClass().getName() + layerClasses(fast), "the engines build different layers");
    fast.setParams(reference.params());
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.randn(DataType.DOUBLE, MINIBATCH, INPUT.channels(), INPUT.height(),
        INPUT.width());
    INDArray labels = Nd4j.zeros(DataType.DOUBLE, MINIBATCH, 10);
    for (int i = 0; i < MINIBATCH; i++) {
      labels.putScalar(i, (3 * i) % 10, 1.0);
    }
    Gradient expected = gradient(reference, x, labels);
    Gradient actual = gradient(fast, x, labels);
    assertEquals(reference.score(), fast.score(), TOLERANCE * Math.abs(reference.score()));
    Map<String, INDArray> expectedByParam = expected.gradientForVariable();
    assertEquals(expectedByParam.keySet(), actual.gradientForVariable().keySet());
    for (String key : expectedByParam.keySet()) {
      assertClose(expectedByParam.get(key),
          actual.getGradientFor(key), TOLERANCE, spec + " gradient " + key);
    }
    assertClose(output(reference, x),
        output(fast, x), TOLERANCE, spec + " inference output");
    assertTrue(reference.score() > 0, spec + " loss " + reference.score());
  }

  /** Worst absolute error relative to max(1, |expected|) at most {@code tolerance}. */
  private static void assertClose(INDArray expected, INDArray actual, double tolerance,
      String what) {
    assertEquals(java.util.Arrays.toString(expected.shape()),
        java.util.Arrays.toString(actual.shape()), what);
    INDArray scale = Transforms.max(Transforms.abs(expected, true), 1.0, false);
    double worst = expected.sub(actual).divi(scale).amaxNumber().doubleValue();
    assertTrue(worst <= tolerance, what + ": error " + worst + " > " + tolerance);
  }

  private static String layerClasses(Model model) {
    var layers = model instanceof ComputationGraph g ? g.getLayers()
        : ((MultiLayerNetwork) model).getLayers();
    StringBuilder names = new StringBuilder();
    for (var layer : layers) {
      names.append(layer.getClass().getSimpleName()).append(' ');
    }
    return names.toString();
  }

  private static Gradient gradient(Model model, INDArray x, INDArray labels) {
    if (model instanceof ComputationGraph graph) {
      graph.setInputs(x);
      graph.setLabels(labels);
      graph.computeGradientAndScore();
    } else {
      MultiLayerNetwork net = (MultiLayerNetwork) model;
      net.setInput(x);
      net.setLabels(labels);
      net.computeGradientAndScore();
    }
    return model.gradient();
  }

  private static INDArray output(Model model, INDArray x) {
    return model instanceof ComputationGraph g ? g.outputSingle(x)
        : ((MultiLayerNetwork) model).output(x);
  }
}
