package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.sparkcnn.models.layers.NativeActivationLayer;

/**
 * {@code rrelu} trains however its layers are shared. The Spark workers of one executor build
 * their networks from {@code clone()}s of one broadcast configuration, and DL4J's clones share
 * the activation objects: two workers' layers run the same activation object, so one worker's
 * forward pass may come between the other's forward pass and its backprop.
 */
class RreluTrainingTest {
  private static final String MODEL = "mobilenet-v1-cifar(alpha=0.25)";
  private static final int CLASSES = 10;

  private static NetworkBuilder builder() {
    return Models.builder(MODEL, new NetworkOptions(Models.naturalInput(MODEL), CLASSES, "rrelu",
        WeightInit.RELU, 0.0, new Adam(1e-3), 1L, ConvolutionEngine.NATIVE));
  }

  private static INDArray images(int count) {
    ImageShape input = Models.naturalInput(MODEL);
    return Nd4j.rand(DataType.FLOAT, count, input.channels(), input.height(), input.width())
        .subi(0.5);
  }

  private static DataSet batch(int count) {
    INDArray labels = Nd4j.zeros(DataType.FLOAT, count, CLASSES);
    for (int i = 0; i < count; i++) {
      labels.putScalar(i, i % CLASSES, 1.0);
    }
    return new DataSet(images(count), labels);
  }

  private static int firstActivationLayer(MultiLayerNetwork net) {
    Layer[] layers = net.getLayers();
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] instanceof NativeActivationLayer) {
        return i;
      }
    }
    throw new AssertionError("no activation layer in " + MODEL);
  }

  private static IActivation activationOf(Layer layer) {
    return ((ActivationLayer) layer.conf().getLayer()).getActivationFn();
  }

  @Test
  void twoWorkersFromOneConfigurationInterleaveForwardAndBackprop() {
    MultiLayerConfiguration conf = builder().conf();
    MultiLayerNetwork first = new MultiLayerNetwork(conf.clone());
    first.init();
    MultiLayerNetwork second = new MultiLayerNetwork(conf.clone());
    second.init();
    int index = firstActivationLayer(first);
    Layer a = first.getLayer(index);
    Layer b = second.getLayer(index);
    assertSame(activationOf(a), activationOf(b), "DL4J's clone() shares the activation object");
    Nd4j.getRandom().setSeed(5);
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    INDArray big = Nd4j.rand(DataType.FLOAT, 32, 8, 16, 16).subi(0.5);
    INDArray small = Nd4j.rand(DataType.FLOAT, 20, 8, 16, 16).subi(0.5);
    a.setInput(big, noWorkspaces);
    a.activate(true, noWorkspaces);
    b.setInput(small, noWorkspaces);
    b.activate(true, noWorkspaces); // the other worker's forward pass comes in between
    INDArray gradient = assertDoesNotThrow(
        () -> a.backpropGradient(Nd4j.onesLike(big), noWorkspaces).getSecond());
    assertTrue(gradient.equalShapes(big));
  }

  @Test
  void fitsMinibatchesOf32Then20Then32WithAFiniteLoss() {
    MultiLayerNetwork net = builder().init();
    Nd4j.getRandom().setSeed(7);
    for (int size : new int[] {32, 20, 32}) {
      net.fit(batch(size));
      assertTrue(Double.isFinite(net.score()), "loss after a minibatch of " + size + ": "
          + net.score());
    }
  }
}
