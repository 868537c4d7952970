package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link BatchNormalization} (Ioffe and Szegedy 2015, algorithms 1 and 2: {@code y = gamma
 * * (x - mean) / sqrt(var + eps) + beta} with the minibatch's mean and biased variance per map
 * during training, the running averages at inference) computed for convolutional activations
 * ([minibatch, channels, height, width] or NHWC) by a few whole-array libnd4j ops instead of
 * DL4J's chain of broadcasts along dimension 1, which walk NCHW arrays across strides and
 * allocate temporaries; see {@link NativeBatchNormalizationLayer}.
 *
 * <p>Same parameters in the same order and shapes (gamma, beta, running mean, running log10 of
 * the standard deviation or variance), the same running-average rule (decay) and the same
 * updaters and regularisation, so weights move between the two unchanged; it serialises in
 * network JSON and {@code ModelSerializer} zips under its own class name. Dense ([minibatch,
 * units]) inputs, fixed gamma and beta ({@code lockGammaBeta}) and full-batch statistics ({@code
 * isMinibatch = false}) take DL4J's own code.
 */
public class NativeBatchNormalization extends BatchNormalization {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public NativeBatchNormalization() {}

  /** The native version of {@code bn}, with all its settings. */
  public NativeBatchNormalization(BatchNormalization bn) {
    setLayerName(bn.getLayerName());
    setIDropout(bn.getIDropout());
    setConstraints(bn.getConstraints());
    setActivationFn(bn.getActivationFn());
    setWeightInitFn(bn.getWeightInitFn());
    setBiasInit(bn.getBiasInit());
    setGainInit(bn.getGainInit());
    setRegularization(bn.getRegularization());
    setRegularizationBias(bn.getRegularizationBias());
    setIUpdater(bn.getIUpdater());
    setBiasUpdater(bn.getBiasUpdater());
    setWeightNoise(bn.getWeightNoise());
    setGradientNormalization(bn.getGradientNormalization());
    setGradientNormalizationThreshold(bn.getGradientNormalizationThreshold());
    setNIn(bn.getNIn());
    setNOut(bn.getNOut());
    setDecay(bn.getDecay());
    setEps(bn.getEps());
    setMinibatch(bn.isMinibatch());
    setGamma(bn.getGamma());
    setBeta(bn.getBeta());
    setLockGammaBeta(bn.isLockGammaBeta());
    setCudnnAllowFallback(bn.isCudnnAllowFallback());
    setUseLogStd(bn.isUseLogStd());
    setCnn2DFormat(bn.getCnn2DFormat());
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams,
      DataType networkDataType) {
    LayerValidation.assertNOutSet("NativeBatchNormalization", getLayerName(), layerIndex,
        getNOut());
    return NativeOps.wire(new NativeBatchNormalizationLayer(conf, networkDataType), conf,
        listeners, layerIndex, layerParamsView, initializeParams, initializer());
  }

  @Override
  public NativeBatchNormalization clone() {
    return (NativeBatchNormalization) super.clone();
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof NativeBatchNormalization;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NativeBatchNormalization && super.equals(other);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + NativeBatchNormalization.class.getName().hashCode();
  }
}
