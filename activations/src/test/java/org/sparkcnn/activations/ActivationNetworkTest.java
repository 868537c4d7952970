package org.sparkcnn.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The custom activations inside DL4J networks: gradient checks, JSON and model round trips. */
class ActivationNetworkTest {
  @TempDir Path dir;

  static Stream<IActivation> customActivations() {
    return Stream.of(new ActivationReLUSwish(), new ActivationReLUHardSwish(),
        new ActivationHardSwish(), new ActivationSwishBeta(1.5));
  }

  /** conv 3x3 (2 -> 3 maps) + activation, dense 5 + activation, softmax over 3 classes. */
  static MultiLayerConfiguration smallNet(IActivation activation, DataType type,
      IUpdater updater) {
    return new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(type)
        .updater(updater)
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(activation).build())
        .layer(new DenseLayer.Builder().nOut(5).activation(activation).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(6, 6, 2))
        .build();
  }

  static INDArray labels(int n, DataType type) {
    INDArray labels = Nd4j.zeros(type, n, 3);
    for (int i = 0; i < n; i++) {
      labels.putScalar(i, i % 3, 1.0);
    }
    return labels;
  }

  @ParameterizedTest
  @MethodSource("customActivations")
  void passesDl4jsGradientCheck(IActivation activation) {
    DataType previous = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      gradientCheck(activation);
    } finally {
      Nd4j.setDefaultDataTypes(previous, previous);
    }
  }

  private static void gradientCheck(IActivation activation) {
    Nd4j.getRandom().setSeed(11);
    MultiLayerNetwork net = new MultiLayerNetwork(smallNet(activation, DataType.DOUBLE,
        new NoOp()));
    net.init();
    INDArray input = Nd4j.rand(DataType.DOUBLE, 4, 2, 6, 6).muli(6).subi(3);
    boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
        .net(net).input(input).labels(labels(4, DataType.DOUBLE))
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
    assertTrue(ok, "gradient check of " + activation);
  }

  @ParameterizedTest
  @MethodSource("customActivations")
  void configurationRoundTripsThroughJson(IActivation activation) {
    MultiLayerConfiguration conf = smallNet(activation, DataType.FLOAT, new Adam(1e-3));
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertEquals(activation, ((org.deeplearning4j.nn.conf.layers.BaseLayer)
        back.getConf(0).getLayer()).getActivationFn());
  }

  @ParameterizedTest
  @MethodSource("customActivations")
  void trainedNetworkSavesAndReloadsWithTheSameOutputs(IActivation activation) throws Exception {
    MultiLayerNetwork net = new MultiLayerNetwork(smallNet(activation, DataType.FLOAT,
        new Adam(1e-2)));
    net.init();
    INDArray input = Nd4j.rand(DataType.FLOAT, 12, 2, 6, 6);
    INDArray labels = labels(12, DataType.FLOAT);
    double before = net.score(new org.nd4j.linalg.dataset.DataSet(input, labels));
    for (int i = 0; i < 30; i++) {
      net.fit(input, labels);
    }
    assertTrue(net.score() < before, "training lowers the loss with " + activation);
    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork reloaded = ModelSerializer.restoreMultiLayerNetwork(file, true);
    assertEquals(net.getLayerWiseConfigurations(), reloaded.getLayerWiseConfigurations());
    assertEquals(net.output(input), reloaded.output(input));
  }
}
