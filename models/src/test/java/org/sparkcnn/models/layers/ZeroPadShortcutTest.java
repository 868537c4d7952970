package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link ZeroPadShortcut} on its own: values, shapes, gradient routing, JSON. */
class ZeroPadShortcutTest {

  /** input -> shortcut: the vertex is the graph's output. */
  private static ComputationGraph graph(ZeroPadShortcut shortcut, InputType in) {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder()
        .addInputs("input")
        .setInputTypes(in)
        .addVertex("shortcut", shortcut, "input")
        .setOutputs("shortcut")
        .build();
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    return net;
  }

  @Test
  void subsamplesEveryStrideThPixelAndAppendsZeroMaps() {
    // [1, 2, 3, 3] with values 0..17: odd sides give ceil(3 / 2) = 2 rows and columns.
    INDArray x = Nd4j.arange(18).castTo(DataType.FLOAT).reshape(1, 2, 3, 3);
    INDArray out = graph(new ZeroPadShortcut(2, 4), InputType.convolutional(3, 3, 2))
        .outputSingle(x);
    INDArray expected = Nd4j.zeros(DataType.FLOAT, 1, 4, 2, 2);
    expected.putSlice(0, Nd4j.createFromArray(new float[][][] {
        {{0, 2}, {6, 8}}, {{9, 11}, {15, 17}}, {{0, 0}, {0, 0}}, {{0, 0}, {0, 0}}}));
    assertEquals(expected, out);
  }

  @Test
  void channelsLastAndStrideOneAddMapsOnly() {
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 4, 4, 3); // NHWC
    INDArray out = graph(new ZeroPadShortcut(1, 5, CNN2DFormat.NHWC),
        InputType.convolutional(4, 4, 3, CNN2DFormat.NHWC)).outputSingle(x);
    assertArrayEquals(new long[] {2, 4, 4, 5}, out.shape());
    assertEquals(x, out.get(NDArrayIndex.all(),
        NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(0, 3)));
    assertEquals(0.0, out.get(NDArrayIndex.all(),
        NDArrayIndex.all(), NDArrayIndex.all(),
        NDArrayIndex.interval(3, 5)).sumNumber().doubleValue());
  }

  @Test
  void backpropSendsTheFirstMapsGradientToTheSampledPixels() {
    ZeroPadShortcutVertex vertex = new ZeroPadShortcutVertex(null, "shortcut", 1,
        new ZeroPadShortcut(2, 2), DataType.FLOAT);
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    vertex.setInputs(new INDArray[] {Nd4j.rand(DataType.FLOAT, 1, 1, 4, 4)});
    assertArrayEquals(new long[] {1, 2, 2, 2}, vertex.doForward(true, noWorkspaces).shape());
    vertex.setEpsilon(Nd4j.createFromArray(new float[] {1, 2, 3, 4, 5, 6, 7, 8})
        .reshape(1, 2, 2, 2));
    INDArray inputGradient = vertex.doBackward(false, noWorkspaces).getSecond()[0];
    // The appended map's gradient (5..8) goes nowhere: it is a constant.
    INDArray expected = Nd4j.createFromArray(new float[][] {
        {1, 0, 2, 0}, {0, 0, 0, 0}, {3, 0, 4, 0}, {0, 0, 0, 0}}).reshape(1, 1, 4, 4);
    assertEquals(expected, inputGradient);
  }

  @Test
  void outputTypeAndValidation() {
    ZeroPadShortcut shortcut = new ZeroPadShortcut(2, 32);
    InputType out = shortcut.getOutputType(-1, InputType.convolutional(7, 8, 16));
    assertEquals(InputType.convolutional(4, 4, 32), out);
    assertThrows(InvalidInputTypeException.class,
        () -> shortcut.getOutputType(-1, InputType.convolutional(8, 8, 64)));
    assertThrows(IllegalArgumentException.class, () -> new ZeroPadShortcut(0, 8));
    assertEquals(0, shortcut.numParams(true));
  }

  @Test
  void roundTripsThroughJsonAndComparesByValue() {
    ZeroPadShortcut shortcut = new ZeroPadShortcut(2, 8, CNN2DFormat.NCHW);
    ComputationGraphConfiguration conf =
        graph(shortcut, InputType.convolutional(4, 4, 4)).getConfiguration();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
    assertEquals(conf, back);
    assertEquals(shortcut, back.getVertices().get("shortcut"));
    assertEquals(shortcut.hashCode(), shortcut.clone().hashCode());
    assertNotEquals(shortcut, new ZeroPadShortcut(2, 16));
  }
}
