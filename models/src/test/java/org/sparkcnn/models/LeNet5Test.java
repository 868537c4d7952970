package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.nd4j.linalg.activations.impl.ActivationIdentity;

import org.deeplearning4j.nn.conf.layers.BaseLayer;

import java.util.List;

import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class LeNet5Test {

  static NetworkOptions options(int channels, int size, int classes) {
    return new NetworkOptions(new ImageShape(channels, size, size), classes,
        "relu", WeightInit.RELU, 0.0, new Sgd(0.1), 1L,
        ConvolutionEngine.NATIVE);
  }

  /** Parameters of a convolution: one k x k kernel per (input map, output map) plus biases. */
  static long conv(long inMaps, long outMaps, long k) {
    return inMaps * outMaps * k * k + outMaps;
  }

  static long dense(long in, long out) {
    return in * out + out;
  }

  @Test
  void classicParameterCountIs61706() {
    long expected = conv(1, 6, 5)      // C1: 156
        + conv(6, 16, 5)                // C3: 2,416 (full connectivity)
        + conv(16, 120, 5)              // C5: 48,120
        + dense(120, 84)                // F6: 10,164
        + dense(84, 10);                // output: 850
    assertEquals(61_706, expected);
    assertEquals(expected, new LeNet5(options(1, 32, 10)).init().numParams());
  }

  @Test
  void mnistSizedInputIsPaddedToThePaperNetwork() {
    MultiLayerNetwork net = new LeNet5(options(1, 28, 10)).init();
    assertEquals(61_706, net.numParams());
    INDArray out = net.feedForward(Nd4j.rand(3, 1, 28, 28)).get(1);
    // C1 sees the 28x28 image padded to 32x32, so it yields 28x28 maps as in the paper.
    assertArrayEquals(new long[] {3, 6, 28, 28}, out.shape());
    assertArrayEquals(new long[] {3, 10}, net.output(Nd4j.rand(3, 1, 28, 28)).shape());
  }

  @Test
  void colourInputAndOtherClassCountsChangeOnlyTheirLayers() {
    long expected = conv(3, 6, 5) + conv(6, 16, 5) + conv(16, 120, 5) + dense(120, 84)
        + dense(84, 100);
    assertEquals(expected, new LeNet5(options(3, 32, 100)).init().numParams());
  }

  @Test
  void preluInsertsALayerWithOneSlopePerMapOrUnitAfterEachHiddenLayer() {
    NetworkOptions relu = options(1, 28, 10);
    NetworkOptions prelu = new NetworkOptions(relu.inputShape(), 10, "prelu", relu.weightInit(),
        0, relu.updater(), 1L, relu.convolutions());
    MultiLayerConfiguration conf = new LeNet5(prelu).conf();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < conf.getConfs().size(); i++) {
      names.add(conf.getConf(i).getLayer().getLayerName());
    }
    assertEquals(List.of("c1", "c1-prelu", "s2", "c3", "c3-prelu", "s4", "c5", "c5-prelu", "f6",
        "f6-prelu", "output"), names);
    assertInstanceOf(ActivationIdentity.class,
        ((BaseLayer) conf.getConf(0).getLayer()).getActivationFn());
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertEquals(61_706 + 6 + 16 + 120 + 84, net.numParams());
    assertArrayEquals(new long[] {6, 1, 1}, net.getLayer(1).getParam("W").shape());
    assertArrayEquals(new long[] {2, 10}, net.output(Nd4j.rand(2, 1, 28, 28)).shape());
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    assertThrows(IllegalArgumentException.class, () -> new NetworkOptions(relu.inputShape(), 10,
        "prelu2", relu.weightInit(), 0, relu.updater(), 1L, relu.convolutions()));
  }

  @Test
  void confAllocatesNothingAndRoundTripsThroughJson() {
    MultiLayerConfiguration conf = new LeNet5(options(1, 28, 10)).conf();
    assertEquals("c1", conf.getConf(0).getLayer().getLayerName());
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
  }

  @Test
  void rejectsInputsThatCannotBePaddedToThePaperSize() {
    // 27 pads to 31, leaving 4x4 maps after S4: too small for C5's 5x5 kernel.
    var e = assertThrows(IllegalArgumentException.class, () -> new LeNet5(options(1, 27, 10)));
    assertEquals("LeNet-5 needs an input of at least 32x32 after padding, got [1, 27, 27]",
        e.getMessage());
  }
}
