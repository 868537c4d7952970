package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A depthwise 2D convolution configured exactly like DL4J's {@link DepthwiseConvolution2D}
 * (kernel, stride, padding, convolution mode, dilation, depth multiplier, bias, NCHW/NHWC,
 * activation, weight init, regularisation) whose layer keeps the pre-activation output of the
 * forward pass for backprop instead of computing the convolution a second time, as DL4J's
 * {@code DepthwiseConvolution2DLayer} does. Both run libnd4j's {@code depthwise_conv2d} /
 * {@code depthwise_conv2d_bp} ops.
 *
 * <p>Same parameters in the same layout ({@code [kH, kW, nIn, depthMultiplier]} weights, {@code
 * [1, nIn * depthMultiplier]} bias), so weights move between the two unchanged; serialises in
 * network JSON and {@code ModelSerializer} zips under its own class name.
 */
public class NativeDepthwiseConvolution extends DepthwiseConvolution2D {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public NativeDepthwiseConvolution() {}

  protected NativeDepthwiseConvolution(Builder builder) {
    super(builder);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams,
      DataType networkDataType) {
    LayerValidation.assertNInNOutSet("NativeDepthwiseConvolution", getLayerName(), layerIndex,
        getNIn(), getNOut());
    return NativeOps.wire(new NativeDepthwiseConvolutionLayer(conf, networkDataType), conf,
        listeners, layerIndex, layerParamsView, initializeParams, initializer());
  }

  @Override
  public NativeDepthwiseConvolution clone() {
    return (NativeDepthwiseConvolution) super.clone();
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof NativeDepthwiseConvolution;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NativeDepthwiseConvolution && super.equals(other);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + NativeDepthwiseConvolution.class.getName().hashCode();
  }

  /**
   * Same options as {@link DepthwiseConvolution2D.Builder}; builds a {@link
   * NativeDepthwiseConvolution}.
   */
  public static class Builder extends DepthwiseConvolution2D.Builder {
    public Builder(int[] kernelSize, int[] stride, int[] padding) {
      super(kernelSize, stride, padding);
    }

    public Builder(int[] kernelSize, int[] stride) {
      super(kernelSize, stride);
    }

    public Builder(int... kernelSize) {
      super(kernelSize);
    }

    public Builder() {
      super();
    }

    @Override
    public NativeDepthwiseConvolution build() {
      super.build(); // DL4J's validation of mode, kernel, stride, padding and depth multiplier
      return new NativeDepthwiseConvolution(this);
    }
  }
}
