package org.sparkcnn.models.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network-side layer of {@link NativeConvolution}: DL4J's {@link ConvolutionLayer} with its
 * forward pass on libnd4j's {@code conv2d} op and its backward pass on {@code conv2d_bp}, both in
 * the layer's own data format (no NHWC/NCHW permutes).
 *
 * <p>During training the pre-activation output of the forward pass is kept for backprop (a copy
 * when the activation works in place), so the convolution is not computed a second time as DL4J's
 * layer does without a cache mode.
 */
public class NativeConvolutionLayer extends ConvolutionLayer {
  private static final long serialVersionUID = 1L;
  /** Weight layout argument of libnd4j's conv2d ops: 1 = [oC, iC, kH, kW], DL4J's own. */
  private static final int WEIGHTS_OIHW = 1;

  /** Pre-activation output of the last training forward pass, and the input it was for. */
  private transient INDArray savedPreActivation;
  private transient INDArray savedForInput;

  public NativeConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    helper = null; // never DL4J's helpers: this layer calls the native ops itself
  }

  private CNN2DFormat format() {
    return layerConf().getCnn2dDataFormat();
  }

  /** conv2d / conv2d_bp integer arguments, in libnd4j's order. */
  private long[] opArguments() {
    int[] kernel = layerConf().getKernelSize();
    int[] stride = layerConf().getStride();
    int[] dilation = layerConf().getDilation();
    boolean same = convolutionMode == ConvolutionMode.Same;
    // With isSameMode = 1 libnd4j computes the padding itself, top/left = total / 2 rounded
    // down, as DL4J's ConvolutionUtils.getSameModeTopLeftPadding does.
    int[] pad = same ? new int[] {0, 0} : layerConf().getPadding();
    return new long[] {kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], dilation[0],
        dilation[1], same ? 1 : 0, format() == CNN2DFormat.NCHW ? 0 : 1, WEIGHTS_OIHW};
  }

  /**
   * Runs a conv2d op. Dilated convolutions skip libnd4j's platform (oneDNN) implementation:
   * in nd4j-native 1.0.0-M2.1 it fails on any dilation other than 1, and libnd4j's own kernel
   * computes them correctly.
   */
  private void exec(String op, INDArray[] inputs, INDArray[] outputs) {
    int[] dilation = layerConf().getDilation();
    NativeOps.exec(op, dilation[0] == 1 && dilation[1] == 1, inputs, outputs, new double[0],
        opArguments(), layerId());
  }

  @Override
  protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop,
      LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    validateInputRank();
    INDArray weights =
        getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
    INDArray input = this.input.castTo(dataType);
    validateInputDepth(weights.size(1));

    int[] outSize = ConvolutionUtils.getOutputSize(input, layerConf().getKernelSize(),
        layerConf().getStride(), convolutionMode == ConvolutionMode.Same ? null
            : layerConf().getPadding(), convolutionMode, layerConf().getDilation(), format());
    long miniBatch = input.size(0);
    long maps = weights.size(0);
    long[] outShape = format() == CNN2DFormat.NCHW
        ? new long[] {miniBatch, maps, outSize[0], outSize[1]}
        : new long[] {miniBatch, outSize[0], outSize[1], maps};
    INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, outShape, 'c');

    INDArray[] inputs = layerConf().hasBias()
        ? new INDArray[] {input, weights,
            getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)}
        : new INDArray[] {input, weights};
    exec("conv2d", inputs, new INDArray[] {z});
    return new Pair<>(z, null);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (input == null) {
      throw new IllegalArgumentException(
          "Cannot perform forward pass with null input " + layerId());
    }
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray z = preOutput(training, false, workspaceMgr).getFirst();
    IActivation activation = layerConf().getActivationFn();
    if (training) {
      // DL4J's activations overwrite their input, so keep a copy unless it is the identity.
      savedPreActivation = activation instanceof ActivationIdentity
          ? z : workspaceMgr.dup(ArrayType.ACTIVATIONS, z);
      savedForInput = input;
    }
    return activation.getActivation(z, training);
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon,
      LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray input = this.input.castTo(dataType);
    INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true,
        workspaceMgr);
    INDArray z = savedPreActivation != null && savedForInput == this.input
        ? savedPreActivation : preOutput(true, true, workspaceMgr).getFirst();
    savedPreActivation = null;
    savedForInput = null;
    INDArray delta = layerConf().getActivationFn()
        .backprop(z, epsilon.castTo(dataType)).getFirst();

    INDArray epsilonOut =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
    INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
    Gradient gradient = new DefaultGradient();
    if (layerConf().hasBias()) {
      INDArray bias =
          getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
      INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
      exec("conv2d_bp", new INDArray[] {input, weights, bias, delta},
          new INDArray[] {epsilonOut, weightGrad, biasGrad});
      gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
    } else {
      exec("conv2d_bp", new INDArray[] {input, weights, delta},
          new INDArray[] {epsilonOut, weightGrad});
    }
    gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
    weightNoiseParams.clear();
    return new Pair<>(gradient, backpropDropOutIfPresent(epsilonOut));
  }

  @Override
  public void clear() {
    super.clear();
    savedPreActivation = null;
    savedForInput = null;
  }
}
