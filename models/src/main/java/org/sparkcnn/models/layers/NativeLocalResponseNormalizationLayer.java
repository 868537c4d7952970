package org.sparkcnn.models.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.LocalResponseNormalization;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The network-side layer of {@link NativeLocalResponseNormalization}: forward on libnd4j's
 * {@code lrn} op, which normalises across the last dimension (NCHW activations go through an NHWC
 * copy); backward by two matrix products (see {@link #backpropGradient}).
 */
public class NativeLocalResponseNormalizationLayer extends LocalResponseNormalization {
  private static final long serialVersionUID = 1L;
  private transient INDArray band;

  public NativeLocalResponseNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    helper = null;
  }

  private boolean nchw() {
    return layerConf().getDataFormat() == CNN2DFormat.NCHW;
  }

  /** NCHW to the channels-last layout the ops work in (a copy), or the array itself. */
  private INDArray channelsLast(INDArray a) {
    return nchw() ? a.permute(0, 2, 3, 1).dup('c') : a;
  }

  private INDArray lrn(LayerWorkspaceMgr workspaceMgr, INDArray input) {
    INDArray out =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, input.shape(), 'c');
    NativeOps.exec("lrn", true, new INDArray[] {input}, new INDArray[] {out},
        new double[] {layerConf().getK(), layerConf().getAlpha(), layerConf().getBeta()},
        new long[] {(int) layerConf().getN() / 2}, layerId());
    return out;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    INDArray in = channelsLast(input.castTo(dataType));
    if (!nchw()) {
      return lrn(workspaceMgr, in);
    }
    INDArray out = lrn(LayerWorkspaceMgr.noWorkspaces(), in);
    return workspaceMgr.dup(ArrayType.ACTIVATIONS, out.permute(0, 3, 1, 2), 'c');
  }

  /**
   * The gradient from the formula, with the sums over each channel window as one matrix product
   * by a band matrix (1 where |i - j| <= n/2): with s = k + alpha * window(x^2),
   * dL/dx = g * s^-beta - 2 alpha beta x * window(g * x * s^(-beta-1)). libnd4j's lrn_bp
   * (M2.1, with or without oneDNN) disagrees with this, with DL4J's layer and with finite
   * differences, so it is not used.
   */
  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon,
      LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray x = channelsLast(input.castTo(dataType));
    INDArray g = channelsLast(epsilon.castTo(dataType));
    long channels = x.size(3);
    INDArray x2d = x.reshape('c', x.length() / channels, channels);
    INDArray g2d = g.reshape('c', g.length() / channels, channels);
    INDArray band = band(channels);
    double alpha = layerConf().getAlpha();
    double beta = layerConf().getBeta();

    INDArray s = x2d.mul(x2d).mmul(band).muli(alpha).addi(layerConf().getK());
    INDArray sPowBeta = Transforms.pow(s, -beta, true);
    INDArray inner = g2d.mul(x2d).muli(sPowBeta).divi(s).mmul(band);
    INDArray grad2d = g2d.mul(sPowBeta).subi(inner.muli(x2d).muli(2 * alpha * beta));
    INDArray grad = grad2d.reshape('c', x.shape());
    grad = nchw() ? grad.permute(0, 3, 1, 2) : grad;
    return new Pair<>(new DefaultGradient(),
        workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, grad, 'c'));
  }

  /** [c, c] with 1 where |i - j| <= n / 2; made once, outside any workspace. */
  private INDArray band(long channels) {
    if (band == null || band.size(0) != channels || band.dataType() != dataType) {
      int radius = (int) layerConf().getN() / 2;
      try (MemoryWorkspace none = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        band = Nd4j.zeros(dataType, channels, channels);
      }
      for (long i = 0; i < channels; i++) {
        for (long j = Math.max(0, i - radius); j <= Math.min(channels - 1, i + radius); j++) {
          band.putScalar(i, j, 1.0);
        }
      }
    }
    return band;
  }
}
