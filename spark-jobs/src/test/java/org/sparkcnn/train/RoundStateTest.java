package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.ModelBuilder;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkBuilder;
import org.sparkcnn.models.NetworkOptions;

/**
 * A resident network set from the driver's state ({@link RoundState#applyTo}) fits a round
 * exactly as DL4J's worker's network built anew from the same driver does (DL4J's
 * ParameterAveragingTrainingWorker: a network of a clone of the configuration, initialised with
 * a copy of the parameters, a new updater over a copy of the state), also after the resident
 * network trained another round and the driver's learning rate changed.
 */
class RoundStateTest {
  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"lenet5, NATIVE", "mobilenet-v1-cifar(alpha=0.25), NATIVE",
      "mobilenet-v1-cifar(alpha=0.25), DL4J", "resnet20, NATIVE"})
  void aResidentNetworkSetFromTheDriverFitsAsANetworkBuiltAnew(String spec,
      ConvolutionEngine engine) {
    ImageShape shape = spec.equals("lenet5") ? new ImageShape(1, 28, 28)
        : new ImageShape(3, 32, 32);
    ModelBuilder builder = Models.create(spec, new NetworkOptions(shape, 10, "relu",
        WeightInit.RELU, 5e-4, new Nesterovs(0.05, 0.9), 7, engine));
    Model driver = builder instanceof NetworkBuilder layers ? layers.init()
        : ((GraphBuilder) builder).init();
    Model resident = ModelSpec.of(driver).build();
    for (int round = 0; round < 2; round++) {
      setLearningRate(driver, round == 0 ? 0.05 : 0.02);
      if (round == 1) { // the driver's state moves on: parameters and updater state averaged
        fit(driver, minibatch(shape, 99));
      }
      RoundState state = RoundState.of(driver);
      Model anew = builtAnew(driver);
      state.applyTo(resident);
      for (int m = 0; m < 2; m++) {
        DataSet batch = minibatch(shape, round * 10 + m);
        fit(anew, batch);
        fit(resident, batch);
      }
      assertEquals(anew.params(), resident.params(), spec + " round " + round);
      assertEquals(RoundState.updaterState(anew), RoundState.updaterState(resident),
          spec + " round " + round + " updater state");
      assertEquals(anew.score(), resident.score(), 0.0, spec + " round " + round + " loss");
    }
  }

  /** What DL4J's worker makes of the driver's network (ParameterAveragingTrainingWorker). */
  private static Model builtAnew(Model driver) {
    if (driver instanceof MultiLayerNetwork m) {
      MultiLayerNetwork net = new MultiLayerNetwork(m.getLayerWiseConfigurations().clone());
      net.init(m.params().dup(), false);
      net.setUpdater(new MultiLayerUpdater(net, m.getUpdater().getStateViewArray().dup()));
      return net;
    }
    ComputationGraph g = (ComputationGraph) driver;
    ComputationGraph net = new ComputationGraph(g.getConfiguration().clone());
    net.init(g.params().dup(), false);
    net.setUpdater(new ComputationGraphUpdater(net, g.getUpdater().getStateViewArray().dup()));
    return net;
  }

  private static void setLearningRate(Model net, double rate) {
    if (net instanceof MultiLayerNetwork m) {
      m.setLearningRate(rate);
    } else {
      ((ComputationGraph) net).setLearningRate(rate);
    }
  }

  private static void fit(Model net, DataSet batch) {
    Nd4j.getRandom().setSeed(1);
    if (net instanceof MultiLayerNetwork m) {
      m.fit(batch);
    } else {
      ((ComputationGraph) net).fit(batch);
    }
  }

  private static DataSet minibatch(ImageShape s, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray features = Nd4j.rand(DataType.FLOAT, 8, s.channels(), s.height(), s.width());
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, 10);
    for (int i = 0; i < 8; i++) {
      labels.putScalar(i, (i + seed) % 10, 1.0);
    }
    return new DataSet(features, labels);
  }
}
