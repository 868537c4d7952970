package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.layers.NativeConvolutionTest.assertClose;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkcnn.activations.ActivationReLUHardSwish;

/**
 * {@link NativeDepthwiseConvolution} against DL4J's {@link DepthwiseConvolution2D}: same weights
 * and inputs give the same outputs, parameter gradients and input gradients.
 */
class NativeDepthwiseConvolutionTest {
  private static final int CHANNELS = 3;
  private static final int MINIBATCH = 2;

  /** One depthwise convolution geometry. */
  record Geometry(int[] kernel, int[] stride, int[] padding, int dilation, ConvolutionMode mode,
      CNN2DFormat format, int depthMultiplier, boolean bias, int height, int width) {
    @Override
    public String toString() {
      return "kernel " + Arrays.toString(kernel) + " stride " + Arrays.toString(stride)
          + " padding " + Arrays.toString(padding) + " dilation " + dilation + " " + mode + " "
          + format + " multiplier " + depthMultiplier + (bias ? "" : " no bias") + " in "
          + height + "x" + width;
    }
  }

  static Stream<Arguments> geometries() {
    List<Arguments> all = new ArrayList<>();
    for (CNN2DFormat format : CNN2DFormat.values()) {
      for (int stride : new int[] {1, 2}) {
        for (int multiplier : new int[] {1, 2}) {
          // MobileNet's: 3x3 Same without bias; Truncate without and with asymmetric padding.
          all.add(Arguments.of(new Geometry(new int[] {3, 3}, new int[] {stride, stride},
              new int[] {0, 0}, 1, ConvolutionMode.Same, format, multiplier, false, 9, 8)));
          all.add(Arguments.of(new Geometry(new int[] {3, 3}, new int[] {stride, stride},
              new int[] {0, 0}, 1, ConvolutionMode.Truncate, format, multiplier, true, 9, 8)));
          all.add(Arguments.of(new Geometry(new int[] {3, 2}, new int[] {stride, 1},
              new int[] {1, 2}, 1, ConvolutionMode.Truncate, format, multiplier, true, 9, 8)));
        }
      }
      // Even kernel in Same mode (padding bottom/right larger), and a dilated kernel.
      all.add(Arguments.of(new Geometry(new int[] {4, 3}, new int[] {2, 2}, new int[] {0, 0}, 1,
          ConvolutionMode.Same, format, 1, true, 9, 8)));
      all.add(Arguments.of(new Geometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, 2,
          ConvolutionMode.Same, format, 1, true, 9, 8)));
    }
    return all.stream();
  }

  static MultiLayerNetwork network(boolean nativeLayer, Geometry g, IActivation activation,
      DataType dataType, IUpdater updater) {
    DepthwiseConvolution2D.Builder conv = nativeLayer
        ? new NativeDepthwiseConvolution.Builder(g.kernel(), g.stride(), g.padding())
        : new DepthwiseConvolution2D.Builder(g.kernel(), g.stride(), g.padding());
    conv.dataFormat(g.format()).depthMultiplier(g.depthMultiplier());
    conv.dilation(g.dilation(), g.dilation()).convolutionMode(g.mode()).hasBias(g.bias())
        .activation(activation).weightInit(WeightInit.XAVIER).biasInit(0.1);
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(dataType)
        .updater(updater)
        .list()
        .layer(conv.build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.TANH).nOut(3).build())
        .setInputType(InputType.convolutional(g.height(), g.width(), CHANNELS, g.format()))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static INDArray input(Geometry g, DataType dataType, long seed) {
    Nd4j.getRandom().setSeed(seed);
    long[] shape = g.format() == CNN2DFormat.NCHW
        ? new long[] {MINIBATCH, CHANNELS, g.height(), g.width()}
        : new long[] {MINIBATCH, g.height(), g.width(), CHANNELS};
    return Nd4j.randn(dataType, shape);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("geometries")
  void matchesDepthwiseConvolution2DInFloatAndDouble(Geometry g) {
    for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      // DL4J's layer fails on dilated kernels in float (it runs oneDNN, which fails on them):
      // there the reference is DL4J's layer in double.
      DataType referenceType = g.dilation() == 1 ? dataType : DataType.DOUBLE;
      for (IActivation activation : new IActivation[] {
          Activation.IDENTITY.getActivationFunction(), new ActivationReLUHardSwish()}) {
        String what = g + " " + dataType + " " + activation;
        MultiLayerNetwork reference = network(false, g, activation, referenceType, new NoOp());
        MultiLayerNetwork fast = network(true, g, activation, dataType, new NoOp());
        fast.setParams(reference.params().castTo(dataType));
        double tolerance = dataType == DataType.FLOAT ? 1e-5 : 1e-10;
        // Two passes on different inputs: the second runs in reused workspace memory, so an
        // output the ops did not write completely would show.
        for (long seed : new long[] {5, 11}) {
          INDArray x = input(g, dataType, seed);
          INDArray referenceOut = reference.output(x.castTo(referenceType));
          INDArray labels = Nd4j.randn(dataType, referenceOut.shape());
          assertClose(referenceOut, fast.output(x), tolerance, what + " output");
          Pair<Gradient, INDArray> expected = reference.calculateGradients(
              x.castTo(referenceType), labels.castTo(referenceType), null, null);
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("geometries")
  void passesDl4jGradientCheck(Geometry g) {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil requires it
    try {
      MultiLayerNetwork net =
          network(true, g, new ActivationReLUHardSwish(), DataType.DOUBLE, new NoOp());
      INDArray x = input(g, DataType.DOUBLE, 11);
      INDArray labels = Nd4j.randn(DataType.DOUBLE, net.output(x).shape());
      boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
          .net(net).input(x).labels(labels)
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
      assertTrue(ok, "gradient check " + g);
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }

  @Test
  void trainingMatchesDepthwiseConvolution2DStepByStep() {
    Geometry g = new Geometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, 1,
        ConvolutionMode.Same, CNN2DFormat.NCHW, 1, true, 8, 8);
    MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
    for (int i = 0; i < 2; i++) {
      nets[i] = network(i == 1, g, Activation.RELU.getActivationFunction(), DataType.DOUBLE,
          new Sgd(0.1));
    }
    nets[1].setParams(nets[0].params());
    INDArray x = input(g, DataType.DOUBLE, 11);
    INDArray labels = Nd4j.randn(DataType.DOUBLE, nets[0].output(x).shape());
    for (int step = 0; step < 5; step++) {
      nets[0].fit(x, labels);
      nets[1].fit(x, labels);
    }
    assertNotEquals(0.0, nets[0].score());
    assertEquals(nets[0].score(), nets[1].score(), 1e-10);
    assertClose(nets[0].params(), nets[1].params(), 1e-10, "parameters after 5 SGD steps");
  }

  @Test
  void configurationSurvivesJsonAndModelSerializer(@TempDir Path dir) throws Exception {
    Geometry g = new Geometry(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, 1,
        ConvolutionMode.Truncate, CNN2DFormat.NHWC, 2, false, 9, 8);
    MultiLayerNetwork net =
        network(true, g, new ActivationReLUHardSwish(), DataType.FLOAT, new NoOp());
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();

    MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, parsed);
    NativeDepthwiseConvolution layer =
        assertInstanceOf(NativeDepthwiseConvolution.class, parsed.getConf(0).getLayer());
    assertEquals(CNN2DFormat.NHWC, layer.getCnn2dDataFormat());
    assertEquals(2, layer.getDepthMultiplier());
    assertEquals(CHANNELS * 2, layer.getNOut());
    assertEquals(false, layer.hasBias());

    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertInstanceOf(NativeDepthwiseConvolutionLayer.class, restored.getLayer(0));
    INDArray x = input(g, DataType.FLOAT, 11);
    assertEquals(net.output(x), restored.output(x));
  }

  @Test
  void aModelSavedWithDl4jsLayerReloadsAsDl4jsLayer(@TempDir Path dir) throws Exception {
    Geometry g = new Geometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, 1,
        ConvolutionMode.Same, CNN2DFormat.NCHW, 1, false, 8, 8);
    MultiLayerNetwork net = network(false, g, Activation.RELU.getActivationFunction(),
        DataType.FLOAT, new Sgd(0.1));
    File file = dir.resolve("model.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertSame(DepthwiseConvolution2D.class,
        restored.getLayerWiseConfigurations().getConf(0).getLayer().getClass());
    assertSame(DepthwiseConvolution2DLayer.class, restored.getLayer(0).getClass());
    INDArray x = input(g, DataType.FLOAT, 11);
    assertEquals(net.output(x), restored.output(x));
    // and its weights move into the native layer unchanged
    MultiLayerNetwork fast = network(true, g, Activation.RELU.getActivationFunction(),
        DataType.FLOAT, new Sgd(0.1));
    fast.setParams(restored.params());
    assertClose(restored.output(x), fast.output(x), 1e-5, "native layer with the loaded weights");
  }

  @Test
  void isNotEqualToADepthwiseConvolution2DWithTheSameSettings() {
    DepthwiseConvolution2D plain = new DepthwiseConvolution2D.Builder(3, 3).nIn(2).build();
    NativeDepthwiseConvolution fast = assertInstanceOf(NativeDepthwiseConvolution.class,
        new NativeDepthwiseConvolution.Builder(3, 3).nIn(2).build());
    assertNotEquals(plain, fast);
    assertNotEquals(fast, plain);
    assertEquals(fast, fast.clone());
    assertEquals(fast.hashCode(), fast.clone().hashCode());
  }
}
