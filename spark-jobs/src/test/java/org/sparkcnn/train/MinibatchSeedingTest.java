package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Dropout on a worker: the same masks for the same minibatch, whatever was drawn before. */
class MinibatchSeedingTest {
  static MultiLayerNetwork withDropout(INDArray params) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(3).updater(new Sgd(0.5)).list()
        .layer(new DenseLayer.Builder().nIn(20).nOut(50).activation(Activation.RELU)
            .dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(50).nOut(4)
            .activation(Activation.SOFTMAX).build())
        .build());
    net.init(params == null ? null : params.dup(), params != null);
    return net;
  }

  /** Parameters after one fit of {@code batch} on a worker-like network, after other draws. */
  static INDArray fitAfterDraws(INDArray params, DataSet batch, int draws,
      MinibatchSeeding hook) {
    MultiLayerNetwork net = withDropout(params);
    Nd4j.getRandom().setSeed(draws);
    Nd4j.rand(draws, 10);
    if (hook != null) {
      hook.preUpdate(batch, net);
    }
    net.fit(batch);
    return net.params().dup();
  }

  @Test
  void dropoutMasksDependOnTheMinibatchNotOnTheThreadsEarlierDraws() {
    INDArray params = withDropout(null).params().dup();
    Nd4j.getRandom().setSeed(11);
    DataSet batch = new DataSet(Nd4j.rand(16, 20), Nd4j.eye(4).repeat(0, 4));
    MinibatchSeeding hook = new MinibatchSeeding(42);

    assertNotEquals(fitAfterDraws(params, batch, 1, null), fitAfterDraws(params, batch, 7, null),
        "without the hook the masks follow the thread's earlier draws");
    assertEquals(fitAfterDraws(params, batch, 1, hook), fitAfterDraws(params, batch, 7, hook));

    DataSet other = new DataSet(batch.getFeatures().mul(0.5), batch.getLabels());
    assertNotEquals(hook.seedFor(0, batch.getFeatures(), batch.getLabels()),
        hook.seedFor(0, other.getFeatures(), other.getLabels()));
    assertNotEquals(hook.seedFor(0, batch.getFeatures(), batch.getLabels()),
        hook.seedFor(1, batch.getFeatures(), batch.getLabels()));
    assertNotEquals(hook.seedFor(0, batch.getFeatures(), batch.getLabels()),
        new MinibatchSeeding(43).seedFor(0, batch.getFeatures(), batch.getLabels()));
  }
}
