package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkcnn.models.layers.PReLULayer;

/**
 * Every kind of network the zoo builds with {@code prelu} trains: a minibatch of 64 (whose
 * convolutional activations DL4J's own PReLU backprop refused), fitted a few times, loses loss and
 * moves the slopes. The losses compared are training-mode ones (as {@code fit} computes them
 * before its step): batch normalisation's running statistics barely move in a few steps.
 */
class PreluTrainingTest {
  private static final int MINIBATCH = 64;
  private static final int STEPS = 4;
  private static final int CLASSES = 10;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = ';', value = {
      "lenet5; NATIVE", "lenet5; DL4J", "small-cnn(filters=10); NATIVE",
      "mobilenet-v1-cifar(alpha=0.25); NATIVE", "resnet20; NATIVE"})
  void fitsAMinibatchAndTheLossGoesDown(String spec, ConvolutionEngine engine) {
    ImageShape input = Models.naturalInput(spec);
    NetworkOptions options = new NetworkOptions(input, CLASSES, "prelu", WeightInit.RELU, 0.0,
        new Adam(1e-3), 1L, engine);
    ModelBuilder model = Models.create(spec, options);
    Nd4j.getRandom().setSeed(3);
    INDArray x = Nd4j.rand(DataType.FLOAT, MINIBATCH, input.channels(), input.height(),
        input.width());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, MINIBATCH, CLASSES);
    for (int i = 0; i < MINIBATCH; i++) {
      labels.putScalar(i, i % CLASSES, 1.0);
    }
    DataSet batch = new DataSet(x, labels);
    Layer prelu;
    double before;
    double after;
    INDArray slopes;
    if (model instanceof NetworkBuilder network) {
      MultiLayerNetwork net = network.init();
      prelu = firstPrelu(net.getLayers());
      slopes = prelu.getParam("W").dup();
      net.fit(batch); // its score: the loss before the first step
      before = net.score();
      for (int step = 0; step < STEPS; step++) {
        net.fit(batch);
      }
      after = net.score();
    } else {
      ComputationGraph net = ((GraphBuilder) model).init();
      prelu = firstPrelu(net.getLayers());
      slopes = prelu.getParam("W").dup();
      net.fit(batch); // its score: the loss before the first step
      before = net.score();
      for (int step = 0; step < STEPS; step++) {
        net.fit(batch);
      }
      after = net.score();
    }
    assertTrue(Double.isFinite(after) && after < before, spec + ": loss " + before + " before, "
        + after + " after " + STEPS + " steps");
    assertNotEquals(slopes, prelu.getParam("W"), "slopes of " + prelu.conf().getLayer()
        .getLayerName());
  }

  private static Layer firstPrelu(Layer[] layers) {
    for (Layer layer : layers) {
      if (layer.conf().getLayer() instanceof PReLULayer) {
        return assertInstanceOf(org.sparkcnn.models.layers.PReLU.class, layer);
      }
    }
    throw new AssertionError("no PReLU layer");
  }
}
