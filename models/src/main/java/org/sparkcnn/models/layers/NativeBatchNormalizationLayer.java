package org.sparkcnn.models.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The network-side layer of {@link NativeBatchNormalization}, for [minibatch, channels, height,
 * width] activations (or NHWC). Each step is a whole-array libnd4j op:
 *
 * <ul>
 *   <li>training forward: {@code moments} (minibatch mean and biased variance per channel over
 *       minibatch, height and width), then {@code y = x * a + b} per channel with {@code a = gamma
 *       / sqrt(var + eps)}, {@code b = beta - mean * a}: two broadcasting {@code multiply} /
 *       {@code add} ops;
 *   <li>inference: the same affine map with the running mean and standard deviation;
 *   <li>backward (Ioffe and Szegedy 2015, section 3, the chain rule through the minibatch mean and
 *       variance), with {@code m} values per channel, {@code xmu = x - mean}, {@code s = 1 /
 *       sqrt(var + eps)}: {@code dBeta = sum(dy)}, {@code dGamma = s * sum(dy * xmu)} and {@code
 *       dx = gamma * s * (dy - dBeta / m - xmu * s^2 * sum(dy * xmu) / m)}: two reductions and
 *       four element-wise ops.
 * </ul>
 *
 * <p>On a [32, 64, 32, 32] float minibatch on one AVX2 core, DL4J's layer took 129 ms forward
 * and 145 ms backward, this one 14 and 24 ms, both without workspaces (BatchNormBenchmark, see
 * docs/performance.md). Running statistics follow DL4J's rule exactly: its layer updates them
 * through their "gradients" (no-op updater), {@code mean - batchMean} times {@code 1 - decay}, and
 * for the log10 standard deviation {@code log10(sqrt(var / newVar))} with {@code newVar = decay *
 * var + (1 - decay) * batchVar}. The large temporaries and the output come from the workspace
 * manager; the per-channel vectors are small arrays of the current workspace.
 */
public class NativeBatchNormalizationLayer extends BatchNormalization {
  private static final long serialVersionUID = 1L;
  private static final int[] NCHW_AXES = {0, 2, 3};
  private static final int[] NHWC_AXES = {0, 1, 2};
  /** 1 / (2 ln 10): log10(sqrt(v)) = ln(v) / (2 ln 10). */
  private static final double HALF_LOG10_OF_E = 1 / (2 * Math.log(10));

  /** Minibatch mean and biased variance per channel from the last training forward pass. */
  private transient INDArray batchMean;
  private transient INDArray batchVar;
  private transient INDArray statsForInput;

  public NativeBatchNormalizationLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /** Whether this layer's own code handles {@code x}: 4D, learned gamma/beta, minibatch stats. */
  private boolean handles(INDArray x) {
    return x.rank() == 4 && !layerConf().isLockGammaBeta() && layerConf().isMinibatch();
  }

  private boolean nchw() {
    return layerConf().getCnn2DFormat() != CNN2DFormat.NHWC;
  }

  private int[] axes() {
    return nchw() ? NCHW_AXES : NHWC_AXES;
  }

  /** {@code perChannel} ([C]) shaped to broadcast against an activation: [1, C, 1, 1] or NHWC. */
  private INDArray broadcastable(INDArray perChannel) {
    long c = perChannel.length();
    return nchw() ? perChannel.reshape(1, c, 1, 1) : perChannel.reshape(1, 1, 1, c);
  }

  private INDArray vector(String param) {
    INDArray p = getParam(param);
    return p.reshape(p.length());
  }

  private void op(String name, INDArray a, INDArray b, INDArray out) {
    NativeOps.exec(name, true, new INDArray[] {a, b}, new INDArray[] {out}, new double[0],
        new long[0], layerId());
  }

  @Override
  public INDArray preOutput(INDArray x, TrainingMode training, LayerWorkspaceMgr workspaceMgr) {
    if (!handles(x)) {
      return super.preOutput(x, training, workspaceMgr);
    }
    x = x.castTo(dataType);
    long channels = x.size(nchw() ? 1 : 3);
    if (channels != layerConf().getNOut()) {
      throw new IllegalArgumentException("NativeBatchNormalization " + layerId() + " expects "
          + layerConf().getNOut() + " channels, got input of shape "
          + java.util.Arrays.toString(x.shape()) + " (" + layerConf().getCnn2DFormat() + ")");
    }
    INDArray mean;
    INDArray std;
    if (training == TrainingMode.TRAIN) {
      mean = workspaceMgr.createUninitialized(ArrayType.INPUT, dataType, channels);
      INDArray var = workspaceMgr.createUninitialized(ArrayType.INPUT, dataType, channels);
      long[] axes = java.util.Arrays.stream(axes()).asLongStream().toArray();
      NativeOps.exec("moments", true, new INDArray[] {x}, new INDArray[] {mean, var},
          new double[0], axes, layerId());
      batchMean = mean;
      batchVar = var;
      statsForInput = input;
      std = Transforms.sqrt(var.add(layerConf().getEps()), false);
    } else {
      mean = vector(BatchNormalizationParamInitializer.GLOBAL_MEAN);
      std = Transforms.sqrt(runningVariance().addi(layerConf().getEps()), false);
    }
    INDArray scale = vector(BatchNormalizationParamInitializer.GAMMA).div(std);
    INDArray shift = vector(BatchNormalizationParamInitializer.BETA).sub(mean.mul(scale));
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(),
        'c');
    op("multiply", x, broadcastable(scale), out);
    op("add", out, broadcastable(shift), out);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon,
      LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    if (!handles(input)) {
      return super.backpropGradient(epsilon, workspaceMgr);
    }
    INDArray x = input.castTo(dataType);
    INDArray dy = epsilon.castTo(dataType);
    if (batchMean == null || statsForInput != input) {
      preOutput(input, TrainingMode.TRAIN, workspaceMgr); // statistics of this input
    }
    INDArray mean = batchMean;
    INDArray var = batchVar;
    int[] axes = axes();
    double m = (double) x.length() / mean.length();

    INDArray xmu = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType,
        x.shape(), 'c');
    op("subtract", x, broadcastable(mean), xmu);
    INDArray dBeta = dy.sum(axes);
    INDArray dyXmu = Nd4j.getExecutioner().exec(new Dot(dy, xmu, axes));
    INDArray invStd = Transforms.pow(var.add(layerConf().getEps()), -0.5, false);
    INDArray gamma = vector(BatchNormalizationParamInitializer.GAMMA);

    INDArray a = gamma.mul(invStd);
    INDArray b = a.mul(invStd).muli(invStd).muli(dyXmu).divi(-m);
    INDArray c = a.mul(dBeta).divi(-m);
    INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
        x.shape(), 'c');
    op("multiply", dy, broadcastable(a), dx);
    op("multiply", xmu, broadcastable(b), xmu);
    dx.addi(xmu);
    op("add", dx, broadcastable(c), dx);

    Gradient gradient = new DefaultGradient();
    INDArray dGamma = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
    INDArray dBetaView = gradientViews.get(BatchNormalizationParamInitializer.BETA);
    dGamma.assign(dyXmu.mul(invStd).reshape(dGamma.shape()));
    dBetaView.assign(dBeta.reshape(dBetaView.shape()));
    gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGamma);
    gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
    runningStatistics(gradient, mean, var);

    batchMean = null;
    batchVar = null;
    statsForInput = null;
    return new Pair<>(gradient, dx);
  }

  /**
   * Sets the "gradients" of the running mean and variance (or log10 standard deviation) as DL4J's
   * layer does: with their no-op updater, {@code param - gradient} is the new running value.
   */
  private void runningStatistics(Gradient gradient, INDArray mean, INDArray var) {
    double decay = layerConf().getDecay();
    INDArray dMean = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
    dMean.assign(vector(BatchNormalizationParamInitializer.GLOBAL_MEAN).sub(mean)
        .muli(1 - decay).reshape(dMean.shape()));
    gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean);
    if (layerConf().isUseLogStd()) {
      INDArray dLogStd = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
      INDArray runningVar = runningVariance();
      INDArray newVar = runningVar.mul(decay).addi(var.mul(1 - decay));
      dLogStd.assign(Transforms.log(runningVar.divi(newVar), false).muli(HALF_LOG10_OF_E)
          .reshape(dLogStd.shape()));
      gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, dLogStd);
    } else {
      INDArray dVar = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
      dVar.assign(vector(BatchNormalizationParamInitializer.GLOBAL_VAR).sub(var)
          .muli(1 - decay).reshape(dVar.shape()));
      gradient.setGradientFor(BatchNormalizationParamInitializer.GLOBAL_VAR, dVar);
    }
  }

  /**
   * The running variance (a new array): stored, or {@code (10^log10std)^2}. Like DL4J's layer,
   * inference adds eps to it, so the stored standard deviation is that of the batches without eps.
   */
  private INDArray runningVariance() {
    if (!layerConf().isUseLogStd()) {
      return vector(BatchNormalizationParamInitializer.GLOBAL_VAR).dup();
    }
    INDArray logStd = vector(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
    INDArray std = Transforms.pow(Nd4j.valueArrayOf(logStd.shape(), 10.0, dataType), logStd,
        false);
    return std.muli(std);
  }

  @Override
  public void clear() {
    super.clear();
    batchMean = null;
    batchVar = null;
    statsForInput = null;
  }
}
