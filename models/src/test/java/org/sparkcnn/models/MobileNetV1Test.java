package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.ZooFixtures.batchNorm;
import static org.sparkcnn.models.ZooFixtures.conv;
import static org.sparkcnn.models.ZooFixtures.options;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

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
}
