package org.sparkcnn.models.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The network-side vertex of {@link ZeroPadShortcut}. Forward: a zero output whose first maps
 * receive the subsampled input. Backward: the input gradient is zero except at the subsampled
 * positions, which receive the output gradient of the first maps (the appended maps are constants
 * and pass nothing back).
 */
public class ZeroPadShortcutVertex extends BaseGraphVertex {
  private final ZeroPadShortcut conf;
  private long[] inputShape;

  public ZeroPadShortcutVertex(ComputationGraph graph, String name, int vertexIndex,
      ZeroPadShortcut conf, DataType dataType) {
    super(graph, name, vertexIndex, null, null, dataType);
    this.conf = conf;
  }

  private boolean nchw() {
    return conf.getDataFormat() == CNN2DFormat.NCHW;
  }

  /** Indices of the first {@code channels} maps, all rows and columns. */
  private INDArrayIndex[] firstMaps(long channels) {
    INDArrayIndex maps = NDArrayIndex.interval(0, channels);
    return nchw()
        ? new INDArrayIndex[] {NDArrayIndex.all(), maps, NDArrayIndex.all(), NDArrayIndex.all()}
        : new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), maps};
  }

  /** Indices of every stride-th row and column of an input of {@code shape}, from the first. */
  private INDArrayIndex[] subsampled(long[] shape) {
    int stride = conf.getStride();
    int heightAxis = nchw() ? 2 : 1;
    INDArrayIndex rows = NDArrayIndex.interval(0, stride, shape[heightAxis], false);
    INDArrayIndex columns = NDArrayIndex.interval(0, stride, shape[heightAxis + 1], false);
    return nchw()
        ? new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(), rows, columns}
        : new INDArrayIndex[] {NDArrayIndex.all(), rows, columns, NDArrayIndex.all()};
  }

  private long[] outputShape(long[] in) {
    long height = ZeroPadShortcut.subsampledSize(in[nchw() ? 2 : 1], conf.getStride());
    long width = ZeroPadShortcut.subsampledSize(in[nchw() ? 3 : 2], conf.getStride());
    return nchw()
        ? new long[] {in[0], conf.getOutChannels(), height, width}
        : new long[] {in[0], height, width, conf.getOutChannels()};
  }

  private long channels(long[] shape) {
    return shape[nchw() ? 1 : 3];
  }

  @Override
  public boolean hasLayer() {
    return false;
  }

  @Override
  public Layer getLayer() {
    return null;
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (!canDoForward()) {
      throw new IllegalStateException("Cannot do forward pass: input not set (" + this + ")");
    }
    INDArray in = inputs[0].castTo(dataType);
    if (in.rank() != 4 || channels(in.shape()) > conf.getOutChannels()) {
      throw new IllegalArgumentException(this + " needs a rank-4 " + conf.getDataFormat()
          + " input with at most " + conf.getOutChannels() + " maps, got shape "
          + Arrays.toString(in.shape()));
    }
    inputShape = in.shape();
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType, outputShape(inputShape),
        'c');
    out.get(firstMaps(channels(inputShape))).assign(in.get(subsampled(inputShape)));
    return out;
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
    if (!canDoBackward()) {
      throw new IllegalStateException("Cannot do backward pass: errors not set (" + this + ")");
    }
    INDArray gradient = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, inputShape, 'c');
    gradient.get(subsampled(inputShape)).assign(epsilon.get(firstMaps(channels(inputShape))));
    return new Pair<>(null, new INDArray[] {gradient});
  }

  @Override
  public void setBackpropGradientsViewArray(INDArray backpropGradientsViewArray) {
    if (backpropGradientsViewArray != null) {
      throw new IllegalStateException(this + " has no parameters, so no gradient view");
    }
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays,
      MaskState currentMaskState, int minibatchSize) {
    // Per-example masks pass through: the vertex works on each example on its own.
    if (maskArrays == null || maskArrays.length == 0) {
      return null;
    }
    return new Pair<>(maskArrays[0], currentMaskState);
  }

  @Override
  public String toString() {
    return "ZeroPadShortcutVertex(id=" + vertexIndex + ", name=\"" + vertexName + "\", stride="
        + conf.getStride() + ", outChannels=" + conf.getOutChannels() + ")";
  }
}
