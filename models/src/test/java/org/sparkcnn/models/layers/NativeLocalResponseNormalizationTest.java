package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.layers.NativeConvolutionTest.assertClose;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@link NativeLocalResponseNormalization} against DL4J's {@link LocalResponseNormalization}. */
class NativeLocalResponseNormalizationTest {
  private static final int CHANNELS = 12;

  /** Settings: TensorFlow's CIFAR-10 tutorial, DL4J's defaults (AlexNet's), a strong one. */
  enum Settings { TUTORIAL, DEFAULTS, STRONG }

  static LocalResponseNormalization lrn(Settings settings, CNN2DFormat format) {
    LocalResponseNormalization.Builder b = new LocalResponseNormalization.Builder()
        .name("norm").dataFormat(format);
    return switch (settings) {
      case TUTORIAL -> b.k(1.0).n(9).alpha(0.001 / 9).beta(0.75).build();
      case DEFAULTS -> b.build();
      case STRONG -> b.k(1.0).n(5).alpha(0.5).beta(0.75).build();
    };
  }

  static MultiLayerNetwork network(boolean nativeLayer, Settings settings, CNN2DFormat format,
      DataType dataType) {
    LocalResponseNormalization norm = lrn(settings, format);
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(3).dataType(dataType).updater(new NoOp()).weightInit(WeightInit.XAVIER)
        .list()
        // a convolution in front so the gradient check covers the LRN's input gradient
        .layer(new ConvolutionLayer.Builder(2, 2).dataFormat(format).nOut(CHANNELS)
            .activation(Activation.IDENTITY).build())
        .layer(nativeLayer ? new NativeLocalResponseNormalization(norm) : norm)
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY).nOut(3).build())
        .setInputType(InputType.convolutional(5, 4, 2, format))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static INDArray input(CNN2DFormat format, DataType dataType) {
    Nd4j.getRandom().setSeed(5);
    return Nd4j.randn(dataType, format == CNN2DFormat.NCHW ? new long[] {3, 2, 5, 4}
        : new long[] {3, 5, 4, 2}).muli(3); // large enough for the normalisation to matter
  }

  /**
   * Same outputs as DL4J's layer; gradients close to DL4J's, not equal: DL4J divides each window
   * sum by the scale s_j of the map receiving the gradient where the derivative has the scale
   * s_i of each map in the sum, exact only where s is constant across the window (see
   * {@link #dl4jLayerFailsTheGradientCheckWhereNormalisationIsStrong}).
   */
  @ParameterizedTest
  @EnumSource(CNN2DFormat.class)
  void matchesDl4jLayer(CNN2DFormat format) {
    for (Settings settings : new Settings[] {Settings.TUTORIAL, Settings.DEFAULTS}) {
      for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
        String what = format + " " + dataType + " " + settings;
        MultiLayerNetwork reference = network(false, settings, format, dataType);
        MultiLayerNetwork fast = network(true, settings, format, dataType);
        fast.setParams(reference.params());
        INDArray x = input(format, dataType);
        double tolerance = dataType == DataType.FLOAT ? 1e-5 : 1e-10;
        INDArray referenceNorm = reference.feedForward(x).get(2);
        INDArray fastNorm = fast.feedForward(x).get(2);
        assertTrue(referenceNorm.sub(reference.feedForward(x).get(1)).amaxNumber().doubleValue()
            > 1e-3, what + ": the normalisation changes its input");
        assertClose(referenceNorm, fastNorm, tolerance, what + " output");
        INDArray labels = Nd4j.randn(dataType, 3, 3);
        Pair<Gradient, INDArray> expected = reference.calculateGradients(x, labels, null, null);
        Pair<Gradient, INDArray> actual = fast.calculateGradients(x, labels, null, null);
        assertClose(expected.getFirst().gradient(), actual.getFirst().gradient(), 1e-3,
            what + " parameter gradients");
        assertClose(expected.getSecond(), actual.getSecond(), 1e-3, what + " input gradient");
      }
    }
  }

  static boolean gradientCheck(boolean nativeLayer, Settings settings, CNN2DFormat format) {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      MultiLayerNetwork net = network(nativeLayer, settings, format, DataType.DOUBLE);
      return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
          .input(input(format, DataType.DOUBLE)).labels(Nd4j.randn(DataType.DOUBLE, 3, 3))
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }

  @ParameterizedTest
  @EnumSource(CNN2DFormat.class)
  void passesDl4jGradientCheck(CNN2DFormat format) {
    for (Settings settings : Settings.values()) {
      assertTrue(gradientCheck(true, settings, format), format + " " + settings);
    }
  }

  @Test
  void dl4jLayerFailsTheGradientCheckWhereNormalisationIsStrong() {
    assertFalse(gradientCheck(false, Settings.STRONG, CNN2DFormat.NCHW));
  }

  @Test
  void roundTripsThroughJsonAndRefusesAnEvenWindow() {
    MultiLayerConfiguration conf =
        network(true, Settings.TUTORIAL, CNN2DFormat.NHWC, DataType.FLOAT)
            .getLayerWiseConfigurations();
    MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, parsed);
    NativeLocalResponseNormalization layer = assertInstanceOf(
        NativeLocalResponseNormalization.class, parsed.getConf(1).getLayer());
    assertEquals(9.0, layer.getN());
    assertEquals(CNN2DFormat.NHWC, layer.getDataFormat());
    assertNotEquals(lrn(Settings.TUTORIAL, CNN2DFormat.NHWC), layer);
    assertThrows(IllegalArgumentException.class, () -> new NativeLocalResponseNormalization(
        new LocalResponseNormalization.Builder().n(4).build()));
  }
}
