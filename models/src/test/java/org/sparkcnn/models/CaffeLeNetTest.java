package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkcnn.models.LeNet5Test.conv;
import static org.sparkcnn.models.LeNet5Test.dense;
import static org.sparkcnn.models.LeNet5Test.options;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class CaffeLeNetTest {

  @Test
  void parameterCountAt28x28() {
    // 28 -> conv 24 -> pool 12 -> conv 8 -> pool 4: 50 maps of 4x4 feed the dense layer.
    long expected = conv(1, 20, 5) + conv(20, 50, 5) + dense(50 * 4 * 4, 500) + dense(500, 10);
    assertEquals(431_080, expected);
    MultiLayerNetwork net = new CaffeLeNet(options(1, 28, 10)).init();
    assertEquals(expected, net.numParams());
    assertArrayEquals(new long[] {2, 10}, net.output(Nd4j.rand(2, 1, 28, 28)).shape());
  }

  @Test
  void configurationRoundTripsThroughJson() {
    MultiLayerConfiguration conf = new CaffeLeNet(options(1, 28, 10)).conf();
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
  }
}
