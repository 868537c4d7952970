package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SmallCnnTest {
  @Test
  void thePapersTenFilterNetworkOnFashionMnistHas14670Parameters() {
    long expected = LeNet5Test.conv(1, 10, 5)   // conv1: 260
        + LeNet5Test.dense(10 * 12 * 12, 10);   // output over pool1's 10 x 12 x 12: 14,410
    assertEquals(14_670, expected);
    MultiLayerNetwork net = Models.builder("small-cnn", LeNet5Test.options(1, 28, 10)).init();
    assertEquals(expected, net.numParams());
    List<INDArray> activations = net.feedForward(Nd4j.rand(2, 1, 28, 28));
    assertArrayEquals(new long[] {2, 10, 24, 24}, activations.get(1).shape());
    assertArrayEquals(new long[] {2, 10, 12, 12}, activations.get(2).shape());
    assertArrayEquals(new long[] {2, 10}, activations.get(3).shape());
  }

  @Test
  void takesItsFilterCountAndPreluGetsOneSlopePerMap() {
    assertEquals(LeNet5Test.conv(3, 16, 5) + LeNet5Test.dense(16 * 14 * 14, 10),
        Models.builder("small-cnn(filters=16)", LeNet5Test.options(3, 32, 10)).init()
            .numParams());
    MultiLayerNetwork prelu = Models.builder("small-cnn", ZooFixtures.options(
        new ImageShape(1, 28, 28), 10, "prelu")).init();
    assertEquals(14_670 + 10, prelu.numParams()); // one slope per map of conv1
    assertThrows(IllegalArgumentException.class,
        () -> Models.builder("small-cnn(filters=0)", LeNet5Test.options(1, 28, 10)));
  }
}
