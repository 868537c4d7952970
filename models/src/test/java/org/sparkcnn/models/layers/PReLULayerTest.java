package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.layers.NativeConvolutionTest.assertClose;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link PReLULayer} against DL4J's {@link org.deeplearning4j.nn.conf.layers.PReLULayer}: a
 * convolution, PReLU with a slope per map, a dense layer, PReLU with a slope per unit.
 */
class PReLULayerTest {
  private static final int MAPS = 4;
  private static final int UNITS = 5;

  static MultiLayerNetwork network(boolean ours, DataType dataType) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(dataType)
        .updater(new NoOp())
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new NativeConvolution.Builder(3, 3).nOut(MAPS).activation(Activation.IDENTITY)
            .build())
        .layer(prelu(ours, true, MAPS))
        .layer(new DenseLayer.Builder().nOut(UNITS).activation(Activation.IDENTITY).build())
        .layer(prelu(ours, false, UNITS))
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .activation(Activation.SOFTMAX).nOut(3).build())
        .setInputType(InputType.convolutional(6, 5, 2))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    // Slopes of both signs and sizes, so that each one matters.
    for (int layer : new int[] {1, 3}) {
      INDArray slopes = net.getLayer(layer).getParam("W");
      slopes.assign(Nd4j.linspace(-0.5, 1.5, slopes.length(), dataType).reshape(slopes.shape()));
    }
    return net;
  }

  private static Layer prelu(boolean ours, boolean spatial, long channels) {
    var builder = new org.deeplearning4j.nn.conf.layers.PReLULayer.Builder();
    if (spatial) {
      builder.inputShape(channels, 1, 1).sharedAxes(2, 3);
    } else {
      builder.inputShape(channels);
    }
    return ours ? new PReLULayer(builder.build()) : builder.build();
  }

  static INDArray input(DataType dataType, int minibatch, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(dataType, minibatch, 2, 6, 5);
  }

  static INDArray labels(DataType dataType, int minibatch) {
    INDArray labels = Nd4j.zeros(dataType, minibatch, 3);
    for (int i = 0; i < minibatch; i++) {
      labels.putScalar(i, i % 3, 1.0);
    }
    return labels;
  }

  @Test
  void dl4jsLayerCannotTrainOnInputsOver64TimesItsSlopes() {
    // The defect this layer exists for: prelu_bp refuses an input over 64 times the slopes'
    // length. The convolution's output is [minibatch, 4, 4, 3]: 48 times at 4, 96 times at 32.
    MultiLayerNetwork dl4j = network(false, DataType.FLOAT);
    dl4j.fit(input(DataType.FLOAT, 4, 3), labels(DataType.FLOAT, 4));
    RuntimeException refused = assertThrows(RuntimeException.class,
        () -> dl4j.fit(input(DataType.FLOAT, 32, 3), labels(DataType.FLOAT, 32)));
    assertTrue(String.valueOf(refused.getMessage()).contains("prelu_bp"), refused.toString());
    MultiLayerNetwork ours = network(true, DataType.FLOAT);
    ours.fit(input(DataType.FLOAT, 32, 3), labels(DataType.FLOAT, 32));
    assertTrue(Double.isFinite(ours.score()));
  }

  @Test
  void sameOutputsAndGradientsAsDl4jsLayerWhereItsBackpropRuns() {
    MultiLayerNetwork dl4j = network(false, DataType.DOUBLE);
    MultiLayerNetwork ours = network(true, DataType.DOUBLE);
    assertEquals(dl4j.numParams(), ours.numParams());
    assertEquals(dl4j.params(), ours.params());
    for (long seed : new long[] {5, 11}) { // the second pass runs in reused workspace memory
      INDArray x = input(DataType.DOUBLE, 4, seed);
      assertEquals(dl4j.output(x), ours.output(x));
      INDArray labels = labels(DataType.DOUBLE, 4);
      Pair<Gradient, INDArray> expected = dl4j.calculateGradients(x, labels, null, null);
      Pair<Gradient, INDArray> actual = ours.calculateGradients(x, labels, null, null);
      for (String key : expected.getFirst().gradientForVariable().keySet()) {
        assertClose(expected.getFirst().getGradientFor(key), actual.getFirst().getGradientFor(key),
            1e-12, "gradient " + key);
      }
      assertClose(expected.getSecond(), actual.getSecond(), 1e-12, "dL/dx");
    }
  }

  @Test
  void passesGradientCheckInDoublePrecision() {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      MultiLayerNetwork net = network(true, DataType.DOUBLE);
      assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
          .input(input(DataType.DOUBLE, 3, 5)).labels(labels(DataType.DOUBLE, 3))
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
          .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }

  @Test
  void trainsItsSlopes() {
    MultiLayerNetwork net = network(true, DataType.FLOAT);
    net.getLayerWiseConfigurations().getConfs().forEach(c -> {
      if (c.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
        base.setIUpdater(new Sgd(0.1));
      }
    });
    net.init(net.params(), false);
    INDArray slopes = net.getLayer(1).getParam("W").dup();
    INDArray x = input(DataType.FLOAT, 128, 3);
    INDArray labels = labels(DataType.FLOAT, 128);
    double before = net.score(new org.nd4j.linalg.dataset.DataSet(x, labels));
    for (int step = 0; step < 10; step++) {
      net.fit(x, labels);
    }
    assertTrue(net.score() < before, net.score() + " after 10 steps, " + before + " before");
    assertNotEquals(slopes, net.getLayer(1).getParam("W"));
  }

  @Test
  void configurationSurvivesJsonAndModelSerializer(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net = network(true, DataType.FLOAT);
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, parsed);
    assertInstanceOf(PReLULayer.class, parsed.getConf(1).getLayer());

    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertInstanceOf(PReLU.class, restored.getLayer(1));
    INDArray x = input(DataType.FLOAT, 3, 11);
    assertEquals(net.output(x), restored.output(x));
  }

  @Test
  void aModelSavedWithDl4jsLayerReloadsAsDl4jsLayer(@TempDir Path dir) throws Exception {
    MultiLayerNetwork dl4j = network(false, DataType.FLOAT);
    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(dl4j, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertEquals(org.deeplearning4j.nn.layers.feedforward.PReLU.class,
        restored.getLayer(1).getClass());
    INDArray x = input(DataType.FLOAT, 3, 11);
    assertEquals(dl4j.output(x), restored.output(x));
    assertEquals(network(true, DataType.FLOAT).output(x), restored.output(x));
  }
}
