package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.Gradient;
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
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkcnn.activations.ActivationReLUHardSwish;

/**
 * {@link NativeConvolution} against DL4J's {@link ConvolutionLayer}: same weights and inputs give
 * the same outputs, parameter gradients and input gradients.
 */
class NativeConvolutionTest {
  private static final int IN_CHANNELS = 3;
  private static final int MAPS = 4;
  private static final int MINIBATCH = 2;

  /** One convolution geometry. */
  record Geometry(int[] kernel, int[] stride, int[] padding, int[] dilation, ConvolutionMode mode,
      CNN2DFormat format, boolean bias, int height, int width) {
    @Override
    public String toString() {
      return "kernel " + Arrays.toString(kernel) + " stride " + Arrays.toString(stride)
          + " padding " + Arrays.toString(padding) + " dilation " + Arrays.toString(dilation)
          + " " + mode + " " + format + (bias ? "" : " no bias") + " in " + height + "x" + width;
    }
  }

  static Stream<Arguments> geometries() {
    List<Arguments> all = new ArrayList<>();
    for (CNN2DFormat format : CNN2DFormat.values()) {
      for (int stride : new int[] {1, 2}) {
        for (int dilation : new int[] {1, 2}) {
          // Truncate without and with (asymmetric) padding, Same (implicit padding).
          all.add(Arguments.of(new Geometry(new int[] {3, 3}, new int[] {stride, stride},
              new int[] {0, 0}, new int[] {dilation, dilation}, ConvolutionMode.Truncate, format,
              true, 9, 8)));
          all.add(Arguments.of(new Geometry(new int[] {3, 2}, new int[] {stride, 1},
              new int[] {1, 2}, new int[] {dilation, 1}, ConvolutionMode.Truncate, format, true,
              9, 8)));
          all.add(Arguments.of(new Geometry(new int[] {4, 3}, new int[] {stride, stride},
              new int[] {0, 0}, new int[] {dilation, dilation}, ConvolutionMode.Same, format,
              stride == 1, 9, 8)));
        }
      }
      // Strict: stride divides the padded input exactly.
      all.add(Arguments.of(new Geometry(new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
          new int[] {1, 1}, ConvolutionMode.Strict, format, true, 9, 9)));
    }
    return all.stream();
  }

  static MultiLayerNetwork network(boolean nativeLayer, Geometry g, IActivation activation,
      DataType dataType) {
    return network(nativeLayer, g, activation, dataType, new NoOp());
  }

  static MultiLayerNetwork network(boolean nativeLayer, Geometry g, IActivation activation,
      DataType dataType, IUpdater updater) {
    ConvolutionLayer.Builder conv = nativeLayer
        ? new NativeConvolution.Builder(g.kernel(), g.stride(), g.padding())
        : new ConvolutionLayer.Builder(g.kernel(), g.stride(), g.padding());
    conv.dataFormat(g.format());
    conv.dilation(g.dilation()).convolutionMode(g.mode()).hasBias(g.bias()).nOut(MAPS)
        .activation(activation).weightInit(WeightInit.XAVIER).biasInit(0.1);
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(dataType)
        .updater(updater)
        .list()
        .layer(conv.build())
        // Not CnnLossLayer: DL4J's gradient check fails it in NHWC whatever the convolution.
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.TANH).nOut(3).build())
        .setInputType(InputType.convolutional(g.height(), g.width(), IN_CHANNELS, g.format()))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static INDArray input(Geometry g, DataType dataType) {
    Nd4j.getRandom().setSeed(11);
    long[] shape = g.format() == CNN2DFormat.NCHW
        ? new long[] {MINIBATCH, IN_CHANNELS, g.height(), g.width()}
        : new long[] {MINIBATCH, g.height(), g.width(), IN_CHANNELS};
    return Nd4j.randn(dataType, shape);
  }

  static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
    assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what);
    double worst = worstRelativeError(expected, actual);
    assertTrue(worst <= tolerance, what + ": error " + worst + " > " + tolerance);
  }

  /** Absolute error relative to max(1, |expected|), the worst element. */
  static double worstRelativeError(INDArray expected, INDArray actual) {
    INDArray e = expected.castTo(DataType.DOUBLE);
    INDArray a = actual.castTo(DataType.DOUBLE);
    INDArray scale = Transforms.max(Transforms.abs(e, true), 1.0, false);
    return e.sub(a).divi(scale).amaxNumber().doubleValue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("geometries")
  void matchesConvolutionLayerInFloatAndDouble(Geometry g) {
    for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      for (IActivation activation : new IActivation[] {
          Activation.IDENTITY.getActivationFunction(), new ActivationReLUHardSwish()}) {
        String what = g + " " + dataType + " " + activation;
        MultiLayerNetwork reference = network(false, g, activation, dataType);
        MultiLayerNetwork fast = network(true, g, activation, dataType);
        fast.setParams(reference.params());
        INDArray x = input(g, dataType);
        INDArray referenceOut = reference.output(x);
        INDArray labels = Nd4j.randn(dataType, referenceOut.shape());
        double tolerance = dataType == DataType.FLOAT ? 1e-5 : 1e-10;

        assertClose(referenceOut, fast.output(x), tolerance, what + " output");
        Pair<Gradient, INDArray> expected = reference.calculateGradients(x, labels, null, null);
        Pair<Gradient, INDArray> actual = fast.calculateGradients(x, labels, null, null);
        for (String key : expected.getFirst().gradientForVariable().keySet()) {
          assertClose(expected.getFirst().getGradientFor(key),
              actual.getFirst().getGradientFor(key), tolerance, what + " gradient " + key);
        }
        assertClose(expected.getSecond(), actual.getSecond(), tolerance, what + " input gradient");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("geometries")
  void passesDl4jGradientCheck(Geometry g) {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil requires it
    try {
      MultiLayerNetwork net = network(true, g, new ActivationReLUHardSwish(), DataType.DOUBLE);
      INDArray x = input(g, DataType.DOUBLE);
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
  void trainingMatchesConvolutionLayerStepByStep() {
    Geometry g = new Geometry(new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
        new int[] {1, 1}, ConvolutionMode.Truncate, CNN2DFormat.NCHW, true, 8, 8);
    MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
    for (int i = 0; i < 2; i++) {
      nets[i] = network(i == 1, g, Activation.RELU.getActivationFunction(), DataType.DOUBLE,
          new Sgd(0.1));
    }
    nets[1].setParams(nets[0].params());
    INDArray x = input(g, DataType.DOUBLE);
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
    Geometry g = new Geometry(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0},
        new int[] {1, 2}, ConvolutionMode.Truncate, CNN2DFormat.NHWC, false, 9, 8);
    MultiLayerNetwork net = network(true, g, new ActivationReLUHardSwish(), DataType.FLOAT);
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();

    MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, parsed);
    NativeConvolution layer =
        assertInstanceOf(NativeConvolution.class, parsed.getConf(0).getLayer());
    assertEquals(CNN2DFormat.NHWC, layer.getCnn2dDataFormat());
    assertEquals("[1, 2]", Arrays.toString(layer.getDilation()));
    assertEquals(false, layer.hasBias());

    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertInstanceOf(NativeConvolutionLayer.class, restored.getLayer(0));
    INDArray x = input(g, DataType.FLOAT);
    assertEquals(net.output(x), restored.output(x));
  }

  @Test
  void isNotEqualToAConvolutionLayerWithTheSameSettings() {
    ConvolutionLayer plain = new ConvolutionLayer.Builder(3, 3).nOut(2).build();
    NativeConvolution fast = assertInstanceOf(NativeConvolution.class,
        new NativeConvolution.Builder(3, 3).nOut(2).build());
    assertNotEquals(plain, fast);
    assertNotEquals(fast, plain);
    assertEquals(fast, fast.clone());
    assertEquals(fast.hashCode(), fast.clone().hashCode());
  }
}
