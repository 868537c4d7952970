package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkcnn.models.ZooFixtures.batchNorm;
import static org.sparkcnn.models.ZooFixtures.conv;
import static org.sparkcnn.models.ZooFixtures.options;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class VggTest {
  static final ImageShape CIFAR = new ImageShape(3, 32, 32);

  /** Trained parameters: 3x3 convolutions with biases (and BN), a 512-input classifier. */
  static long expected(List<Integer> layers, boolean bn, int classes) {
    long total = 0;
    long in = 3;
    for (int maps : layers) {
      if (maps > 0) {
        total += conv(in, maps, 3, true) + (bn ? batchNorm(maps) : 0);
        in = maps;
      }
    }
    return total + 512L * classes + classes;
  }

  @Test
  void parameterCountsOfTheCifarForms() {
    assertEquals(9_225_610, expected(Vgg.VGG11, false, 10));
    assertEquals(9_231_114, expected(Vgg.VGG11, true, 10));
    assertEquals(14_719_818, expected(Vgg.VGG16, false, 10));
    assertEquals(14_728_266, expected(Vgg.VGG16, true, 10));
    for (List<Integer> layers : List.of(Vgg.VGG11, Vgg.VGG16)) {
      for (boolean bn : new boolean[] {false, true}) {
        MultiLayerConfiguration conf = new Vgg(options(CIFAR, 10, "relu"), layers, bn).conf();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(expected(layers, bn, 10), ParameterCounts.trainableParams(conf),
            layers.size() + " layers, bn " + bn);
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
      }
    }
  }

  @Test
  void forwardPassAtTheSmallestInput() {
    for (List<Integer> layers : List.of(Vgg.VGG11, Vgg.VGG16)) {
      MultiLayerNetwork net = new Vgg(options(CIFAR, 10, "relu-swish"), layers, true).init();
      assertArrayEquals(new long[] {2, 10}, net.output(Nd4j.rand(2, 3, 32, 32)).shape());
    }
    assertThrows(IllegalArgumentException.class,
        () -> new Vgg(options(new ImageShape(3, 31, 31), 10, "relu"), Vgg.VGG16, false));
  }
}
