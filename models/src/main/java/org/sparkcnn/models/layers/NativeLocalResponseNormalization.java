package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link LocalResponseNormalization} (same k, n, alpha, beta and formula: {@code b = a /
 * (k + alpha * sum over the n maps around a of a^2)^beta}) computed by libnd4j's {@code lrn} /
 * {@code lrn_bp} ops, oneDNN kernels in the onednn builds, instead of DL4J's chain of
 * element-wise ops and sub-array copies. Serialises under its own class name.
 */
public class NativeLocalResponseNormalization extends LocalResponseNormalization {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public NativeLocalResponseNormalization() {}

  /** The native version of {@code lrn}, with all its settings. */
  public NativeLocalResponseNormalization(LocalResponseNormalization lrn) {
    setLayerName(lrn.getLayerName());
    setIDropout(lrn.getIDropout());
    setConstraints(lrn.getConstraints());
    setK(lrn.getK());
    setN(lrn.getN());
    setAlpha(lrn.getAlpha());
    setBeta(lrn.getBeta());
    setDataFormat(lrn.getDataFormat());
    if ((int) lrn.getN() % 2 != 1) {
      throw new IllegalArgumentException("NativeLocalResponseNormalization needs an odd n (a"
          + " window centred on each map), got " + lrn.getN());
    }
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams,
      DataType networkDataType) {
    return NativeOps.wire(new NativeLocalResponseNormalizationLayer(conf, networkDataType), conf,
        listeners, layerIndex, layerParamsView, initializeParams, initializer());
  }

  @Override
  public NativeLocalResponseNormalization clone() {
    return (NativeLocalResponseNormalization) super.clone();
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof NativeLocalResponseNormalization;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NativeLocalResponseNormalization && super.equals(other);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + NativeLocalResponseNormalization.class.getName().hashCode();
  }
}
