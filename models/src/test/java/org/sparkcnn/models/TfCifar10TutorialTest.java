package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.sparkcnn.models.LeNet5Test.conv;
import static org.sparkcnn.models.LeNet5Test.dense;
import static org.sparkcnn.models.LeNet5Test.options;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.models.layers.NativeConvolution;
import org.sparkcnn.models.layers.NativeLocalResponseNormalization;

class TfCifar10TutorialTest {

  @Test
  void hasTheTutorialsParameterCountAt24x24x3() {
    // 24 -> conv (same) 24 -> pool 3x3/2 (same) 12 -> conv 12 -> pool 6: 6x6x64 feed local3.
    long expected = conv(3, 64, 5) + conv(64, 64, 5) + dense(6 * 6 * 64, 384) + dense(384, 192)
        + dense(192, 10);
    assertEquals(1_068_298, expected);
    MultiLayerNetwork net = Models.builder("tf-cifar10", options(3, 24, 10)).init();
    assertEquals(expected, net.numParams());
    assertArrayEquals(new long[] {2, 10}, net.output(Nd4j.rand(2, 3, 24, 24)).shape());
  }

  @Test
  void weightDecayFallsOnTheTwoDenseLayersOnly() {
    NetworkOptions base = options(3, 24, 10);
    MultiLayerConfiguration conf = new TfCifar10Tutorial(new NetworkOptions(base.inputShape(), 10,
        "relu", base.weightInit(), 0.004, base.updater(), 1L, base.convolutions())).conf();
    for (int i = 0; i < conf.getConfs().size(); i++) {
      var layer = conf.getConf(i).getLayer();
      var regularization = layer.getRegularizationByParam("W");
      boolean decayed = regularization != null && !regularization.isEmpty();
      assertEquals(layer.getLayerName().startsWith("local"), decayed, layer.getLayerName());
    }
  }

  @Test
  void usesTheChosenConvolutionEngineAndRoundTripsThroughJson() {
    NetworkOptions nativeOptions = options(3, 24, 10);
    MultiLayerConfiguration conf = new TfCifar10Tutorial(nativeOptions).conf();
    assertInstanceOf(NativeConvolution.class, conf.getConf(0).getLayer());
    assertInstanceOf(NativeLocalResponseNormalization.class, conf.getConf(2).getLayer());
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    MultiLayerConfiguration dl4j =
        new TfCifar10Tutorial(nativeOptions.withConvolutions(ConvolutionEngine.DL4J)).conf();
    assertEquals(ConvolutionLayer.class, dl4j.getConf(0).getLayer().getClass());
    assertEquals(LocalResponseNormalization.class, dl4j.getConf(2).getLayer().getClass());
  }
}
