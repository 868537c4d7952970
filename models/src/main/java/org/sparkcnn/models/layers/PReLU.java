package org.sparkcnn.models.layers;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.PReLUParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network-side layer of {@link PReLULayer}: {@code f(x) = max(0, x) + a * min(0, x)}, the
 * slopes {@code a} broadcast over the minibatch and the shared axes, with whole-array ops instead
 * of libnd4j's {@code prelu} / {@code prelu_bp}.
 *
 * <p>Backprop: {@code dL/dx = dL/df * (x > 0 ? 1 : a)} (at {@code x = 0}, where {@code f} has no
 * derivative, the slope {@code a}, as DL4J's ReLU takes 0 there) and {@code dL/da = sum of dL/df *
 * min(0, x)} over the minibatch and the shared axes.
 */
public class PReLU extends org.deeplearning4j.nn.layers.feedforward.PReLU {
  private static final long serialVersionUID = 1L;

  public PReLU(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    applyDropOutIfNecessary(training, workspaceMgr);
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
        input.shape(), input.ordering());
    Nd4j.getExecutioner().exec(new RectifiedLinear(input, out));
    out.addi(negativePart(slopes()));
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon,
      LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    INDArray slopes = slopes();
    INDArray slopeGradient = gradientViews.get(PReLUParamInitializer.WEIGHT_KEY);
    slopeGradient.assign(negativePart(null).muli(epsilon).sum(true, broadcastAxes(slopes))
        .reshape(slopeGradient.shape()));

    INDArray delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD,
        input.dataType(), input.shape(), input.ordering());
    Nd4j.getExecutioner().exec(new Step(input, delta, 0.0)); // 1 where x > 0, else 0
    INDArray notPositive = delta.rsub(1.0);
    Nd4j.exec(new MulOp(notPositive, slopes, notPositive));
    delta.addi(notPositive).muli(epsilon);
    delta = backpropDropOutIfPresent(delta);

    Gradient gradient = new DefaultGradient();
    gradient.setGradientFor(PReLUParamInitializer.WEIGHT_KEY, slopeGradient);
    return new Pair<>(gradient, delta);
  }

  /**
   * The slopes as an array of the input's rank, 1 along the minibatch and shared axes, for
   * broadcasting against the input.
   */
  private INDArray slopes() {
    INDArray slopes = getParam(PReLUParamInitializer.WEIGHT_KEY);
    if (slopes.rank() != input.rank() - 1) {
      throw new IllegalStateException("PReLU layer " + layerConf().getLayerName()
          + ": slopes of shape " + Arrays.toString(slopes.shape())
          + " do not fit input of shape " + Arrays.toString(input.shape()));
    }
    long[] shape = new long[input.rank()];
    shape[0] = 1;
    System.arraycopy(slopes.shape(), 0, shape, 1, slopes.rank());
    return slopes.reshape(shape);
  }

  /** The axes along which {@code slopes} (of the input's rank) are broadcast. */
  private static int[] broadcastAxes(INDArray slopes) {
    return IntStream.range(0, slopes.rank())
        .filter(axis -> slopes.size(axis) == 1).toArray();
  }

  /** {@code min(0, x)}, times {@code slopes} unless null, in a new array. */
  private INDArray negativePart(INDArray slopes) {
    INDArray negative = input.ulike();
    Nd4j.getExecutioner().exec(new ScalarMin(input, null, negative, 0.0));
    if (slopes != null) {
      Nd4j.exec(new MulOp(negative, slopes, negative));
    }
    return negative;
  }
}
