package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.layers.NativeConvolutionTest.assertClose;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkcnn.activations.ActivationReLUHardSwish;

/**
 * {@link NativeActivation} against DL4J's {@link ActivationLayer}, after a convolution whose
 * pre-activation output (kept for its backprop) is the activation layer's input.
 */
class NativeActivationTest {
  private static final int MAPS = 4;

  /** Plain ReLU (the fast path), a ReLU with a threshold, the identity, and two others. */
  static List<IActivation> activations() {
    return List.of(new ActivationReLU(), new ActivationReLU(null, 0.1, null),
        Activation.IDENTITY.getActivationFunction(), Activation.TANH.getActivationFunction(),
        new ActivationReLUHardSwish());
  }

  static MultiLayerNetwork network(boolean nativeLayer, IActivation activation,
      CNN2DFormat format, DataType dataType) {
    return network(nativeLayer, activation, format, dataType, new NoOp());
  }

  static MultiLayerNetwork network(boolean nativeLayer, IActivation activation,
      CNN2DFormat format, DataType dataType, IUpdater updater) {
    ActivationLayer act = new ActivationLayer.Builder().activation(activation).build();
    Layer layer = nativeLayer ? new NativeActivation(act) : act;
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(dataType)
        .updater(updater)
        .list()
        // identity: its output is the array the convolution keeps for backprop
        .layer(new NativeConvolution.Builder(3, 3).dataFormat(format).nOut(MAPS)
            .activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build())
        .layer(layer)
        .layer(new ConvolutionLayer.Builder(1, 1).dataFormat(format).nOut(2)
            .activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY).nOut(3).build())
        .setInputType(InputType.convolutional(7, 6, 2, format))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static INDArray input(CNN2DFormat format, DataType dataType, long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(dataType,
        format == CNN2DFormat.NCHW ? new long[] {3, 2, 7, 6} : new long[] {3, 7, 6, 2});
  }

  @Test
  void matchesActivationLayerInFloatAndDouble() {
    for (CNN2DFormat format : CNN2DFormat.values()) {
      for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
        for (IActivation activation : activations()) {
          String what = format + " " + dataType + " " + activation;
          MultiLayerNetwork reference = network(false, activation, format, dataType);
          MultiLayerNetwork fast = network(true, activation, format, dataType);
          fast.setParams(reference.params());
          double tolerance = dataType == DataType.FLOAT ? 1e-5 : 1e-10;
          // The second pass runs in reused workspace memory.
          for (long seed : new long[] {5, 11}) {
            INDArray x = input(format, dataType, seed);
            INDArray referenceOut = reference.output(x);
            INDArray labels = Nd4j.randn(dataType, referenceOut.shape());
            assertClose(referenceOut, fast.output(x), tolerance, what + " output");
            Pair<Gradient, INDArray> expected =
                reference.calculateGradients(x, labels, null, null);
            Pair<Gradient, INDArray> actual = fast.calculateGradients(x, labels, null, null);
            for (String key : expected.getFirst().gradientForVariable().keySet()) {
              assertClose(expected.getFirst().getGradientFor(key),
                  actual.getFirst().getGradientFor(key), tolerance, what + " gradient " + key);
            }
            assertClose(expected.getSecond(), actual.getSecond(), tolerance,
                what + " input gradient");
          }
        }
      }
    }
  }

  @Test
  void neverWritesIntoItsInput() {
    for (IActivation activation : activations()) {
      ActivationLayer act = new ActivationLayer.Builder().activation(activation).build();
      NeuralNetConfiguration conf =
          new NeuralNetConfiguration.Builder().layer(new NativeActivation(act)).build();
      org.deeplearning4j.nn.api.Layer layer = conf.getLayer().instantiate(conf, List.of(), 0,
          null, true, DataType.DOUBLE);
      INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 4, 5);
      INDArray original = x.dup();
      LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
      layer.setInput(x, mgr);
      INDArray out = layer.activate(true, mgr);
      layer.backpropGradient(Nd4j.randn(DataType.DOUBLE, 2, 3, 4, 5), mgr);
      assertEquals(original, x, activation.toString());
      assertEquals(activation.getActivation(original.dup(), true), out, activation.toString());
    }
  }

  @Test
  void passesDl4jGradientCheck() {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil requires it
    try {
      for (IActivation activation : List.of(Activation.TANH.getActivationFunction(),
          new ActivationReLUHardSwish(), new ActivationReLU())) {
        MultiLayerNetwork net = network(true, activation, CNN2DFormat.NCHW, DataType.DOUBLE);
        INDArray x = input(CNN2DFormat.NCHW, DataType.DOUBLE, 11);
        INDArray labels = Nd4j.randn(DataType.DOUBLE, net.output(x).shape());
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
            .net(net).input(x).labels(labels)
            .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check " + activation);
      }
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }

  @Test
  void trainingMatchesActivationLayerStepByStep() {
    MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
    for (int i = 0; i < 2; i++) {
      nets[i] = network(i == 1, new ActivationReLU(), CNN2DFormat.NCHW, DataType.DOUBLE,
          new Sgd(0.1));
    }
    nets[1].setParams(nets[0].params());
    INDArray x = input(CNN2DFormat.NCHW, DataType.DOUBLE, 11);
    INDArray labels = Nd4j.randn(DataType.DOUBLE, nets[0].output(x).shape());
    for (int step = 0; step < 5; step++) {
      nets[0].fit(x, labels);
      nets[1].fit(x, labels);
    }
    assertNotEquals(0.0, nets[0].score());
    assertEquals(nets[0].score(), nets[1].score(), 1e-10);
    assertClose(nets[0].params(), nets[1].params(), 1e-10, "parameters after 5 steps");
  }

  @Test
  void configurationSurvivesJsonAndModelSerializer(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net =
        network(true, new ActivationReLUHardSwish(), CNN2DFormat.NHWC, DataType.FLOAT);
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, parsed);
    NativeActivation layer = assertInstanceOf(NativeActivation.class, parsed.getConf(1).getLayer());
    assertEquals(new ActivationReLUHardSwish(), layer.getActivationFn());

    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertInstanceOf(NativeActivationLayer.class, restored.getLayer(1));
    INDArray x = input(CNN2DFormat.NHWC, DataType.FLOAT, 11);
    assertEquals(net.output(x), restored.output(x));
  }

  @Test
  void aModelSavedWithDl4jsLayerReloadsAsDl4jsLayer(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net = network(false, new ActivationReLU(), CNN2DFormat.NCHW, DataType.FLOAT);
    File file = dir.resolve("model.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertSame(ActivationLayer.class,
        restored.getLayerWiseConfigurations().getConf(1).getLayer().getClass());
    assertSame(org.deeplearning4j.nn.layers.ActivationLayer.class,
        restored.getLayer(1).getClass());
    INDArray x = input(CNN2DFormat.NCHW, DataType.FLOAT, 11);
    assertEquals(net.output(x), restored.output(x));
  }

  @Test
  void copiesEverySettingAndIsNotEqualToAnActivationLayer() {
    ActivationLayer plain = new ActivationLayer.Builder().name("act").dropOut(0.5)
        .activation(Activation.ELU).build();
    NativeActivation fast = new NativeActivation(plain);
    assertEquals("act", fast.getLayerName());
    assertEquals(plain.getIDropout(), fast.getIDropout());
    assertEquals(plain.getActivationFn(), fast.getActivationFn());
    assertNotEquals(plain, fast);
    assertNotEquals(fast, plain);
    assertEquals(fast, fast.clone());
    assertEquals(fast.hashCode(), fast.clone().hashCode());
  }
}
