package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 2D convolution configured exactly like DL4J's {@link ConvolutionLayer} (kernel, stride,
 * padding, convolution mode, dilation, bias, NCHW/NHWC, activation, weight init, regularisation)
 * whose forward and backward passes run libnd4j's native {@code conv2d} / {@code conv2d_bp} ops:
 * oneDNN kernels in the {@code onednn} nd4j-native builds, libnd4j's own kernels otherwise.
 *
 * <p>DL4J 1.0.0-M2.1's {@code ConvolutionLayer} computes with im2col + gemm (and recomputes the
 * forward convolution during backprop) because its oneDNN helper is disabled by default and,
 * when enabled, looks its environment class up under a name that no longer exists. This layer
 * has the same parameters, in the same layout ({@code [nOut, nIn, kH, kW]} weights, {@code [1,
 * nOut]} bias), so weights move between the two unchanged; it serialises in network JSON and
 * {@code ModelSerializer} zips under its own class name.
 */
public class NativeConvolution extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;

  /** For Jackson. */
  public NativeConvolution() {}

  protected NativeConvolution(Builder builder) {
    super(builder);
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams,
      DataType networkDataType) {
    LayerValidation.assertNInNOutSet("NativeConvolution", getLayerName(), layerIndex, getNIn(),
        getNOut());
    return NativeOps.wire(new NativeConvolutionLayer(conf, networkDataType), conf, listeners,
        layerIndex, layerParamsView, initializeParams, initializer());
  }

  @Override
  public NativeConvolution clone() {
    return (NativeConvolution) super.clone();
  }

  @Override
  protected boolean canEqual(Object other) {
    return other instanceof NativeConvolution;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NativeConvolution && super.equals(other);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + NativeConvolution.class.getName().hashCode();
  }

  /** Same options as {@link ConvolutionLayer.Builder}; builds a {@link NativeConvolution}. */
  public static class Builder extends ConvolutionLayer.Builder {
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
    public NativeConvolution build() {
      super.build(); // DL4J's validation of mode, kernel, stride and padding
      return new NativeConvolution(this);
    }
  }
}
