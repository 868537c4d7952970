package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link ActivationLayer} (same activation function, same results) whose layer makes
 * fewer copies: a plain ReLU is computed from the input straight into the output array, and its
 * gradient, {@code step(x) * epsilon}, straight into the gradient array; any other activation
 * skips one of DL4J's two backprop copies (see {@link NativeActivationLayer}). Serialises under
 * its own class name.
 */
public class NativeActivation extends ActivationLayer {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public NativeActivation() {}

  /** The native version of {@code layer}, with all its settings. */
  public NativeActivation(ActivationLayer layer) {
    setLayerName(layer.getLayerName());
    setIDropout(layer.getIDropout());
    setConstraints(layer.getConstraints());
    setActivationFn(layer.getActivationFn());
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams,
      DataType networkDataType) {
    return NativeOps.wire(new NativeActivationLayer(conf, networkDataType), conf, listeners,
        layerIndex, layerParamsView, initializeParams, initializer());
  }

  @Override
  public NativeActivation clone() {
    return (NativeActivation) super.clone();
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof NativeActivation;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NativeActivation && super.equals(other);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + NativeActivation.class.getName().hashCode();
  }
}
