package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkcnn.models.LeNet5Test.dense;
import static org.sparkcnn.models.ZooFixtures.conv;
import static org.sparkcnn.models.ZooFixtures.options;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class AlexNetTest {
  @Test
  void imageNetFormHasTheOneTowerParameterCount() {
    long expected = conv(3, 96, 11, true) + conv(96, 256, 5, true) + conv(256, 384, 3, true)
        + conv(384, 384, 3, true) + conv(384, 256, 3, true)
        + dense(6 * 6 * 256, 4096) + dense(4096, 4096) + dense(4096, 1000);
    assertEquals(62_378_344, expected);
    MultiLayerNetwork net = new AlexNet(options(new ImageShape(3, 227, 227), 1000, "relu"),
        AlexNet.Form.IMAGENET).init();
    assertEquals(expected, net.numParams());
  }

  @Test
  void cifarFormKeepsTheLayersWithSmallerKernelsAndDenseLayers() {
    // 32 -> conv 32 -> pool 15 -> conv 15 -> pool 7 -> conv3..5 7 -> pool 3
    long expected = conv(3, 96, 3, true) + conv(96, 256, 3, true) + conv(256, 384, 3, true)
        + conv(384, 384, 3, true) + conv(384, 256, 3, true)
        + dense(3 * 3 * 256, 1024) + dense(1024, 1024) + dense(1024, 10);
    assertEquals(6_741_898, expected);
    MultiLayerConfiguration conf = new AlexNet(options(new ImageShape(3, 32, 32), 10, "relu"),
        AlexNet.Form.CIFAR).conf();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertEquals(expected, net.numParams());
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    // dropout 0.5 on the inputs of fc7 and the output layer, nowhere else
    for (var layer : conf.getConfs()) {
      String name = layer.getLayer().getLayerName();
      boolean dropped = layer.getLayer().getIDropout() != null;
      assertEquals(name.equals("fc7") || name.equals("output"), dropped, name);
      if (dropped) {
        assertEquals(0.5, ((Dropout) layer.getLayer().getIDropout()).getP());
      }
    }
  }

  @Test
  void forwardPassAtTheSmallestInputs() {
    for (var form : AlexNet.Form.values()) {
      int size = form == AlexNet.Form.IMAGENET ? 67 : 15;
      MultiLayerNetwork net = new AlexNet(options(new ImageShape(3, size, size), 4, "relu"), form)
          .init();
      assertArrayEquals(new long[] {2, 4}, net.output(Nd4j.rand(2, 3, size, size)).shape());
      assertThrows(IllegalArgumentException.class, () -> new AlexNet(
          options(new ImageShape(3, size - 1, size - 1), 4, "relu"), form));
    }
  }
}
