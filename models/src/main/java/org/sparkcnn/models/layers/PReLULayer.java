package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link org.deeplearning4j.nn.conf.layers.PReLULayer} (He et al. 2015, "Delving Deep into
 * Rectifiers", equation 1: {@code f(x) = max(0, x) + a * min(0, x)} with a learned slope {@code
 * a} per channel) whose layer, {@link PReLU}, can be trained: DL4J 1.0.0-M2.1's own backprop runs
 * libnd4j's {@code prelu_bp}, which refuses any input more than 64 times as long as the slopes
 * ("Op validation failed": every convolutional input of a real minibatch, and dense inputs of
 * minibatches over 64).
 *
 * <p>Same slopes (parameter {@code W}, shape {@code inputShape} with 1 on each shared axis, e.g.
 * [channels, 1, 1] for [minibatch, channels, height, width] inputs shared over height and width,
 * [units] for dense inputs), same initialisation, updaters and regularisation, same outputs; it
 * serialises in network JSON and {@code ModelSerializer} zips under its own class name, so
 * networks saved with DL4J's class load as they were (and still cannot be trained).
 */
public class PReLULayer extends org.deeplearning4j.nn.conf.layers.PReLULayer {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public PReLULayer() {}

  /** The trainable version of {@code layer}, with all its settings. */
  public PReLULayer(org.deeplearning4j.nn.conf.layers.PReLULayer layer) {
    setLayerName(layer.getLayerName());
    setIDropout(layer.getIDropout());
    setConstraints(layer.getConstraints());
    setActivationFn(layer.getActivationFn());
    setWeightInitFn(layer.getWeightInitFn());
    setBiasInit(layer.getBiasInit());
    setGainInit(layer.getGainInit());
    setRegularization(layer.getRegularization());
    setRegularizationBias(layer.getRegularizationBias());
    setIUpdater(layer.getIUpdater());
    setBiasUpdater(layer.getBiasUpdater());
    setWeightNoise(layer.getWeightNoise());
    setGradientNormalization(layer.getGradientNormalization());
    setGradientNormalizationThreshold(layer.getGradientNormalizationThreshold());
    setInputShape(layer.getInputShape());
    setSharedAxes(layer.getSharedAxes());
    setNIn(layer.getNIn());
    setNOut(layer.getNOut());
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams,
      DataType networkDataType) {
    return NativeOps.wire(new PReLU(conf, networkDataType), conf, listeners, layerIndex,
        layerParamsView, initializeParams, initializer());
  }

  @Override
  public PReLULayer clone() {
    return (PReLULayer) super.clone();
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof PReLULayer;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PReLULayer && super.equals(other);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + PReLULayer.class.getName().hashCode();
  }
}
