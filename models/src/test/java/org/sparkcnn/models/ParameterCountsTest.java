package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkcnn.models.LeNet5Test.options;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

class ParameterCountsTest {

  @Test
  void layerStacksWithoutBatchNormAreAllTrainable() {
    MultiLayerConfiguration conf = new LeNet5(options(1, 32, 10)).conf();
    assertEquals(61_706, ParameterCounts.totalParams(conf));
    assertEquals(61_706, ParameterCounts.trainableParams(conf));
  }

  @Test
  void batchNormsRunningStatisticsAreCountedButNotTrainable() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new OutputLayer.Builder().nOut(2).build())
        .setInputType(InputType.convolutional(4, 4, 1))
        .build();
    long conv = 9 * 5 + 5;
    long output = (2 * 2 * 5) * 2 + 2; // 2x2x5 maps flattened, to 2 units
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertEquals(net.numParams(), ParameterCounts.totalParams(conf));
    assertEquals(conv + 4 * 5 + output, ParameterCounts.totalParams(conf));
    assertEquals(conv + 2 * 5 + output, ParameterCounts.trainableParams(conf));
  }
}
