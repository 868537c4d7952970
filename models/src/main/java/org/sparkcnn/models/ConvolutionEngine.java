package org.sparkcnn.models;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.sparkcnn.models.layers.NativeActivation;
import org.sparkcnn.models.layers.NativeBatchNormalization;
import org.sparkcnn.models.layers.NativeConvolution;
import org.sparkcnn.models.layers.NativeDepthwiseConvolution;
import org.sparkcnn.models.layers.NativeLocalResponseNormalization;

/**
 * Which layer classes the model builders use for 2D convolutions (plain and depthwise), local
 * response normalisation, batch normalisation and activation layers.
 */
public enum ConvolutionEngine {
  /**
   * {@link NativeConvolution}: libnd4j's conv2d / conv2d_bp ops (oneDNN in the onednn builds),
   * {@link NativeDepthwiseConvolution}, {@link NativeLocalResponseNormalization}, {@link
   * NativeBatchNormalization} and {@link NativeActivation}.
   */
  NATIVE,
  /**
   * DL4J's own {@link ConvolutionLayer} (im2col + gemm), {@link DepthwiseConvolution2D}, {@link
   * LocalResponseNormalization}, {@link BatchNormalization} and {@link ActivationLayer}, for
   * comparison and for models saved before the native layers.
   */
  DL4J;

  /** A builder for a k x k convolution, stride 1, of this engine. */
  ConvolutionLayer.Builder builder(int kernel) {
    return this == NATIVE
        ? new NativeConvolution.Builder(kernel, kernel)
        : new ConvolutionLayer.Builder(kernel, kernel);
  }

  /** A builder for a k x k depthwise convolution, stride 1, depth multiplier 1, of this engine. */
  DepthwiseConvolution2D.Builder depthwise(int kernel) {
    return this == NATIVE
        ? new NativeDepthwiseConvolution.Builder(kernel, kernel)
        : new DepthwiseConvolution2D.Builder(kernel, kernel);
  }

  /** {@code activation} as this engine's layer. */
  Layer activation(ActivationLayer activation) {
    return this == NATIVE ? new NativeActivation(activation) : activation;
  }

  /** {@code lrn} as this engine's layer. */
  Layer lrn(LocalResponseNormalization lrn) {
    return this == NATIVE ? new NativeLocalResponseNormalization(lrn) : lrn;
  }

  /** {@code bn} as this engine's layer. */
  Layer batchNorm(BatchNormalization bn) {
    return this == NATIVE ? new NativeBatchNormalization(bn) : bn;
  }

  /** The configuration name: "native" or "dl4j". */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses "native" or "dl4j" (any case). */
  public static ConvolutionEngine parse(String name) {
    for (ConvolutionEngine engine : values()) {
      if (engine.configName().equalsIgnoreCase(name.trim())) {
        return engine;
      }
    }
    throw new IllegalArgumentException("unknown convolution engine \"" + name + "\"; known: "
        + Arrays.stream(values()).map(ConvolutionEngine::configName).toList());
  }
}
