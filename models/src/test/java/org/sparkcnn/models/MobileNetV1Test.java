package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.ZooFixtures.batchNorm;
import static org.sparkcnn.models.ZooFixtures.conv;
import static org.sparkcnn.models.ZooFixtures.options;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkcnn.models.layers.NativeActivation;
import org.sparkcnn.models.layers.NativeDepthwiseConvolution;

class MobileNetV1Test {
  static final ImageShape IMAGENET = new ImageShape(3, 224, 224);
  static final ImageShape CIFAR = new ImageShape(3, 32, 32);

  /** Trained parameters of MobileNet V1, from the paper's table 1, derived unit by unit. */
  static long expectedTrainable(double alpha, int classes, boolean pointwiseBias) {
    int[] outputs = {64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024};
    long maps = (long) (32 * alpha);
    long total = conv(3, maps, 3, false) + batchNorm(maps);
    for (int out : outputs) {
      long scaled = (long) (out * alpha);
      total += maps * 9 + batchNorm(maps);                              // depthwise 3x3, BN
      total += conv(maps, scaled, 1, pointwiseBias) + batchNorm(scaled); // pointwise 1x1, BN
      maps = scaled;
    }
    return total + maps * classes + classes;                             // classifier
  }

  @Test
  void imageNetFormHasThePublishedParameterCount() {
    long expected = expectedTrainable(1, 1000, false);
    assertEquals(4_231_976, expected, "trainable, as Keras reports MobileNet (4.2M published)");
    MultiLayerConfiguration conf = new MobileNetV1(options(IMAGENET, 1000, "relu"), 1, false,
        MobileNetV1.Form.IMAGENET).conf();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    long statistics = net.numParams() - ParameterCounts.trainableParams(conf);
    assertEquals(21_888, statistics, "running means and variances of 27 BN layers");
    assertEquals(4_253_864, net.numParams(), "DL4J's count, BN statistics included");
    assertEquals(expected, ParameterCounts.trainableParams(conf));
  }

  @Test
  void multiplyAddsMatchThePapersTable() {
    // Table 6 of the paper: 569M mult-adds at alpha 1 and 224x224, 149M at alpha 0.5.
    assertEquals(568_740_352, new MobileNetV1(options(IMAGENET, 1000, "relu"), 1, false,
        MobileNetV1.Form.IMAGENET).summary(IMAGENET).totals().multiplyAdds());
    assertEquals(149_497_088, new MobileNetV1(options(IMAGENET, 1000, "relu"), 0.5, false,
        MobileNetV1.Form.IMAGENET).summary(IMAGENET).totals().multiplyAdds());
  }

  @Test
  void cifarFormIsTheNetworkOfThe2022Paper() {
    // 3,315,428 parameters at 100 classes: the trained parameters with pointwise biases.
    long expected = expectedTrainable(1, 100, true);
    assertEquals(3_315_428, expected);
    for (boolean rhs : new boolean[] {false, true}) {
      MultiLayerConfiguration conf = new MobileNetV1(options(CIFAR, 100, "relu-h-swish"), 1, rhs,
          MobileNetV1.Form.CIFAR).conf();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      assertEquals(expected, ParameterCounts.trainableParams(conf), "rhs " + rhs);
    }
  }

  @Test
  void widthMultiplierScalesEveryLayer() {
    for (double alpha : new double[] {0.75, 0.5, 0.25}) {
      MultiLayerConfiguration conf = new MobileNetV1(options(CIFAR, 10, "relu"), alpha, false,
          MobileNetV1.Form.CIFAR).conf();
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      assertEquals(expectedTrainable(alpha, 10, true), ParameterCounts.trainableParams(conf),
          "alpha " + alpha);
    }
  }

  @Test
  void rhsUnitDropsTheLastActivationOfEachUnit() {
    List<String> standard = names(new MobileNetV1(options(CIFAR, 10, "relu"), 0.25, false,
        MobileNetV1.Form.CIFAR).conf());
    List<String> rhs = names(new MobileNetV1(options(CIFAR, 10, "relu-h-swish"), 0.25, true,
        MobileNetV1.Form.CIFAR).conf());
    assertTrue(standard.contains("unit13-pw-act"));
    assertFalse(rhs.contains("unit13-pw-act"));
    assertTrue(rhs.contains("unit13-dw-act"));
    assertEquals(standard.size() - 13, rhs.size());
  }

  static List<String> names(MultiLayerConfiguration conf) {
    List<String> names = new ArrayList<>();
    conf.getConfs().forEach(c -> names.add(c.getLayer().getLayerName()));
    return names;
  }

  @Test
  void forwardPassAtTheSmallestInputsAndJsonRoundTrip() {
    for (var form : MobileNetV1.Form.values()) {
      int size = form == MobileNetV1.Form.IMAGENET ? 32 : 16;
      MultiLayerConfiguration conf = new MobileNetV1(options(new ImageShape(3, size, size), 7,
          "relu"), 0.25, false, form).conf();
      assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      assertArrayEquals(new long[] {2, 7}, net.output(Nd4j.rand(2, 3, size, size)).shape());
    }
    assertThrows(IllegalArgumentException.class, () -> new MobileNetV1(
        options(new ImageShape(3, 31, 31), 10, "relu"), 1, false, MobileNetV1.Form.IMAGENET));
    assertThrows(IllegalArgumentException.class, () -> new MobileNetV1(options(CIFAR, 10, "relu"),
        1.5, false, MobileNetV1.Form.CIFAR));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"relu-swish", "relu-h-swish", "hard-swish"})
  void passesGradientCheckAtAlphaQuarterWithEachCustomActivation(String activation) {
    // The first two units (one of stride 2) at 4x4: every kind of layer, 1,300 parameters.
    ImageShape input = new ImageShape(3, 4, 4);
    MultiLayerConfiguration conf = new MobileNetV1(options(input, 5, activation), 0.25,
        activation.equals("relu-h-swish"), MobileNetV1.Form.CIFAR, 2).conf();
    assertTrue(ZooFixtures.gradientCheck(conf, input, 7), activation);
  }

  @Test
  void nativeAndDl4jEnginesGiveTheSameNetwork(@TempDir Path dir) throws Exception {
    // The first two units (one of stride 2) at 8x8, NCHW: every depthwise and activation layer
    // kind of the network, native against DL4J's own, in float and double.
    ImageShape input = new ImageShape(3, 8, 8);
    NetworkOptions nativeOptions = options(input, 5, "relu");
    for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      MultiLayerNetwork[] nets = new MultiLayerNetwork[2];
      for (ConvolutionEngine engine : ConvolutionEngine.values()) {
        MultiLayerConfiguration conf = new MobileNetV1(nativeOptions.withConvolutions(engine),
            0.25, false, MobileNetV1.Form.CIFAR, 2).conf();
        conf.setDataType(dataType);
        nets[engine.ordinal()] = new MultiLayerNetwork(conf);
        nets[engine.ordinal()].init();
      }
      MultiLayerNetwork fast = nets[ConvolutionEngine.NATIVE.ordinal()];
      MultiLayerNetwork reference = nets[ConvolutionEngine.DL4J.ordinal()];
      assertEquals(List.of(NativeDepthwiseConvolution.class, NativeActivation.class),
          List.of(layerConf(fast, "unit1-dw").getClass(), layerConf(fast, "unit1-dw-act")
              .getClass()));
      assertEquals(List.of(DepthwiseConvolution2D.class, ActivationLayer.class),
          List.of(layerConf(reference, "unit1-dw").getClass(),
              layerConf(reference, "unit1-dw-act").getClass()));
      fast.setParams(reference.params());
      Nd4j.getRandom().setSeed(3);
      INDArray x = Nd4j.rand(dataType, 4, 3, 8, 8);
      INDArray labels = Nd4j.zeros(dataType, 4, 5);
      for (int i = 0; i < 4; i++) {
        labels.putScalar(i, i, 1.0);
      }
      double tolerance = dataType == DataType.FLOAT ? 1e-5 : 1e-10;
      assertClose(reference.output(x), fast.output(x), tolerance, dataType + " output");
      Pair<Gradient, INDArray> expected = reference.calculateGradients(x, labels, null, null);
      Pair<Gradient, INDArray> actual = fast.calculateGradients(x, labels, null, null);
      for (String key : expected.getFirst().gradientForVariable().keySet()) {
        assertClose(expected.getFirst().getGradientFor(key),
            actual.getFirst().getGradientFor(key), tolerance, dataType + " gradient " + key);
      }
      assertClose(expected.getSecond(), actual.getSecond(), tolerance, dataType + " input grad");

      // A model saved with DL4J's layers reloads with DL4J's layers.
      File file = dir.resolve("dl4j-" + dataType + ".zip").toFile();
      ModelSerializer.writeModel(reference, file, true);
      MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
      assertEquals(DepthwiseConvolution2D.class, layerConf(restored, "unit1-dw").getClass());
      assertEquals(ActivationLayer.class, layerConf(restored, "unit1-dw-act").getClass());
      assertEquals(reference.output(x), restored.output(x));
    }
  }

  /** Worst absolute error relative to max(1, |expected|) at most {@code tolerance}. */
  private static void assertClose(INDArray expected, INDArray actual, double tolerance,
      String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what);
    INDArray e = expected.castTo(DataType.DOUBLE);
    INDArray scale = Transforms.max(Transforms.abs(e, true), 1.0, false);
    double worst = e.sub(actual.castTo(DataType.DOUBLE)).divi(scale).amaxNumber().doubleValue();
    assertTrue(worst <= tolerance, what + ": error " + worst + " > " + tolerance);
  }

  private static org.deeplearning4j.nn.conf.layers.Layer layerConf(MultiLayerNetwork net,
      String name) {
    return net.getLayer(name).conf().getLayer();
  }
}
