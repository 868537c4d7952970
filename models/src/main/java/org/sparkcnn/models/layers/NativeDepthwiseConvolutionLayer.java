package org.sparkcnn.models.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.DepthwiseConvolution2DLayer;
import org.deeplearning4j.nn.params.DepthwiseConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network-side layer of {@link NativeDepthwiseConvolution}: DL4J's {@link
 * DepthwiseConvolution2DLayer} with its forward pass on libnd4j's {@code depthwise_conv2d} op and
 * its backward pass on {@code depthwise_conv2d_bp}, in the layer's own data format, outputs from
 * the workspace manager.
 *
 * <p>During training the pre-activation output of the forward pass is kept for backprop (a copy
 * when the activation works in place), so the convolution is not computed a second time as DL4J's
 * layer does.
 */
public class NativeDepthwiseConvolutionLayer extends DepthwiseConvolution2DLayer {
  private static final long serialVersionUID = 1L;
  /** Weight layout argument of libnd4j's depthwise ops: 0 = [kH, kW, iC, mC], DL4J's own. */
  private static final int WEIGHTS_HWIM = 0;

  /** Pre-activation output of the last training forward pass, and the input it was for. */
  private transient INDArray savedPreActivation;
  private transient INDArray savedForInput;

  public NativeDepthwiseConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
    helper = null;
  }

  private CNN2DFormat format() {
    return layerConf().getCnn2dDataFormat();
  }

  /** depthwise_conv2d / depthwise_conv2d_bp integer arguments, in libnd4j's order. */
  private long[] opArguments() {
    int[] kernel = layerConf().getKernelSize();
    int[] stride = layerConf().getStride();
    int[] dilation = layerConf().getDilation();
    boolean same = convolutionMode == ConvolutionMode.Same;
    // With isSameMode = 1 libnd4j computes the padding itself, top/left = total / 2 rounded
    // down, as DL4J's ConvolutionUtils.getSameModeTopLeftPadding does.
    int[] pad = same ? new int[] {0, 0} : layerConf().getPadding();
    return new long[] {kernel[0], kernel[1], stride[0], stride[1], pad[0], pad[1], dilation[0],
        dilation[1], same ? 1 : 0, format() == CNN2DFormat.NCHW ? 0 : 1, WEIGHTS_HWIM};
  }

  /**
   * Runs a depthwise op on libnd4j's platform (oneDNN) implementation where it has one (float,
   * depth multiplier 1: about 100 times faster than libnd4j's own kernel, see
   * docs/performance.md), except for dilated kernels: M2.1's oneDNN depthwise_conv2d fails on
   * them (so DL4J's layer fails there in float), and libnd4j's own kernel computes them.
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
    if (input.rank() != 4) {
      throw new DL4JInvalidInputException("Got rank " + input.rank() + " array as input to "
          + layerId() + ", expected rank 4 " + format().dimensionNames());
    }
    INDArray weights =
        getParamWithNoise(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
    INDArray input = this.input.castTo(dataType);
    long channels = weights.size(2);
    int channelDim = format() == CNN2DFormat.NCHW ? 1 : 3;
    if (input.size(channelDim) != channels) {
      throw new DL4JInvalidInputException("Input of " + layerId() + " has "
          + input.size(channelDim) + " channels in dimension " + channelDim + " of "
          + java.util.Arrays.toString(input.shape()) + " (" + format() + "), expected " + channels);
    }

    int[] outSize = ConvolutionUtils.getOutputSize(input, layerConf().getKernelSize(),
        layerConf().getStride(), convolutionMode == ConvolutionMode.Same ? null
            : layerConf().getPadding(), convolutionMode, layerConf().getDilation(), format());
    long miniBatch = input.size(0);
    long maps = channels * weights.size(3);
    long[] outShape = format() == CNN2DFormat.NCHW
        ? new long[] {miniBatch, maps, outSize[0], outSize[1]}
        : new long[] {miniBatch, outSize[0], outSize[1], maps};
    INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, outShape, 'c');

    INDArray[] inputs = layerConf().hasBias()
        ? new INDArray[] {input, weights, getParamWithNoise(
            DepthwiseConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)}
        : new INDArray[] {input, weights};
    exec("depthwise_conv2d", inputs, new INDArray[] {z});
    return new Pair<>(z, null);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
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
    INDArray weights =
        getParamWithNoise(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
    INDArray z = savedPreActivation != null && savedForInput == this.input
        ? savedPreActivation : preOutput(true, true, workspaceMgr).getFirst();
    savedPreActivation = null;
    savedForInput = null;
    INDArray delta = layerConf().getActivationFn()
        .backprop(z, epsilon.castTo(dataType)).getFirst();

    INDArray epsilonOut =
        workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
    INDArray weightGrad = gradientViews.get(DepthwiseConvolutionParamInitializer.WEIGHT_KEY);
    Gradient gradient = new DefaultGradient();
    if (layerConf().hasBias()) {
      INDArray bias =
          getParamWithNoise(DepthwiseConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
      INDArray biasGrad = gradientViews.get(DepthwiseConvolutionParamInitializer.BIAS_KEY);
      exec("depthwise_conv2d_bp", new INDArray[] {input, weights, bias, delta},
          new INDArray[] {epsilonOut, weightGrad, biasGrad});
      gradient.setGradientFor(DepthwiseConvolutionParamInitializer.BIAS_KEY, biasGrad);
    } else {
      exec("depthwise_conv2d_bp", new INDArray[] {input, weights, delta},
          new INDArray[] {epsilonOut, weightGrad});
    }
    gradient.setGradientFor(DepthwiseConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
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
