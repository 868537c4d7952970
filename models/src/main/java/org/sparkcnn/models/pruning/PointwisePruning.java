package org.sparkcnn.models.pruning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.ModelSummary;
import org.sparkcnn.models.ParameterCounts;

/**
 * Removes output filters of a pointwise convolution {@code unit<n>-pw} of a MobileNet V1 network
 * built by {@link org.sparkcnn.models.MobileNetV1} (either unit form, either layout, the
 * project's native layers or DL4J's), the 2022 paper's structured pruning (SEEDS.md section 4).
 *
 * <p>Removing channels {@code c} of {@code unit<n>-pw} removes, with them: its weights {@code
 * [c, :, :, :]} and bias {@code c}; gamma, beta, running mean and running variance {@code c} of
 * {@code unit<n>-pw-bn}; the PReLU slopes {@code c} if the activation is PReLU; and then, up to
 * the next layer that mixes channels: for a middle unit, the depthwise filters {@code c} of
 * {@code unit<n+1>-dw} (weights {@code [:, :, c, 0]}, bias if any), its batch normalisation and
 * activation, and the input channels {@code c} of {@code unit<n+1>-pw} (weights {@code [:, c, :,
 * :]}); for the last unit, the input rows {@code c} of the output layer (after global pooling).
 *
 * <p>The result is a new, ordinary {@link MultiLayerNetwork}: a clone of the configuration with
 * the new nIn and nOut (same layer classes, updater, schedules, iteration and epoch counts, data
 * type), initialised and given the kept parameters; the input network is unchanged. The updater
 * state (momentum, Adam's moments) is <em>not</em> carried over: the pruned network starts with a
 * fresh updater, as after {@code init()}. Retraining after pruning starts from zero momentum.
 */
public final class PointwisePruning {
  private static final Pattern POINTWISE = Pattern.compile("unit(\\d+)-pw");

  private PointwisePruning() {}

  /**
   * {@code net} without the {@code count} output filters of {@code layer} of smallest {@code
   * norm}.
   *
   * @throws IllegalArgumentException if {@code net} is not MobileNet V1, {@code layer} is not one
   *     of its pointwise layers, or {@code count} is not in [1, filters - 1]
   */
  public static MultiLayerNetwork pruneSmallest(MultiLayerNetwork net, String layer, int count,
      FilterNorm norm) {
    return prune(net, layer, smallestFilters(net, layer, count, norm));
  }

  /**
   * The {@code count} output filters of {@code layer} of smallest {@code norm}, increasing.
   *
   * @throws IllegalArgumentException as {@link #pruneSmallest}
   */
  public static int[] smallestFilters(MultiLayerNetwork net, String layer, int count,
      FilterNorm norm) {
    int index = pointwiseIndex(net, layer);
    long filters = filters(net, index);
    if (count <= 0 || count >= filters) {
      throw new IllegalArgumentException("cannot remove " + count + " filters of " + layer
          + ", which has " + filters + ": remove between 1 and " + (filters - 1));
    }
    return norm.smallest(net.getLayer(index).getParam("W"), count);
  }

  /**
   * {@code net} without the output filters {@code channels} of pointwise layer {@code layer} and
   * everything that reads them (see the class comment).
   *
   * @param channels distinct indices in [0, filters), at least one, fewer than all
   * @throws IllegalArgumentException if {@code net} is not MobileNet V1, {@code layer} is not one
   *     of its pointwise layers, or {@code channels} are out of range, repeated, none or all
   */
  public static MultiLayerNetwork prune(MultiLayerNetwork net, String layer, int[] channels) {
    int first = pointwiseIndex(net, layer);
    long filters = filters(net, first);
    long[] keep = kept(layer, filters, channels);
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
    ((ConvolutionLayer) conf.getConf(first).getLayer()).setNOut(keep.length);
    List<Integer> touched = new ArrayList<>(List.of(first));
    int last = first + 1;
    for (; last < conf.getConfs().size(); last++) {
      org.deeplearning4j.nn.conf.layers.Layer next = conf.getConf(last).getLayer();
      if (!resize(next, keep.length, layer)) {
        break;
      }
      touched.add(last);
    }
    if (last == conf.getConfs().size()) {
      throw new IllegalArgumentException("no layer reads the channels of " + layer);
    }
    MultiLayerNetwork pruned = new MultiLayerNetwork(conf);
    pruned.init();
    for (int i = 0; i < net.getnLayers(); i++) {
      Layer from = net.getLayer(i);
      Layer to = pruned.getLayer(i);
      for (Map.Entry<String, INDArray> param : from.paramTable().entrySet()) {
        INDArray value = param.getValue();
        int dimension = i == last ? inputDimension(from, param.getKey())
            : touched.contains(i) ? channelDimension(from, param.getKey()) : -1;
        to.getParam(param.getKey()).assign(dimension < 0 ? value : select(value, dimension,
            keep));
      }
    }
    return pruned;
  }

  /**
   * Trainable parameters of {@code net} as the paper counts them: every parameter except batch
   * normalisation's running mean and variance ({@link ParameterCounts#trainableParams}).
   */
  public static long trainableParameters(MultiLayerNetwork net) {
    return ParameterCounts.trainableParams(net.getLayerWiseConfigurations());
  }

  /** Multiply-adds of one forward pass over one {@code input} image ({@link ModelSummary}). */
  public static long multiplyAdds(MultiLayerNetwork net, ImageShape input) {
    return ModelSummary.of(net.getLayerWiseConfigurations(), input).totals().multiplyAdds();
  }

  /** The pointwise layer names of {@code net}, {@code unit1-pw} first. */
  public static List<String> pointwiseLayers(MultiLayerNetwork net) {
    List<String> names = new ArrayList<>();
    for (Layer layer : net.getLayers()) {
      String name = layer.conf().getLayer().getLayerName();
      if (name != null && POINTWISE.matcher(name).matches()) {
        names.add(name);
      }
    }
    return names;
  }

  private static int pointwiseIndex(MultiLayerNetwork net, String layer) {
    List<String> pointwise = pointwiseLayers(net);
    if (pointwise.isEmpty()) {
      throw new IllegalArgumentException("not a MobileNet V1 network: it has no unit<k>-pw"
          + " layers, so pointwise filters of \"" + layer + "\" cannot be pruned");
    }
    if (!pointwise.contains(layer)) {
      throw new IllegalArgumentException("unknown pointwise layer \"" + layer + "\"; known: "
          + pointwise);
    }
    Layer[] layers = net.getLayers();
    for (int i = 0; i < layers.length; i++) {
      if (layer.equals(layers[i].conf().getLayer().getLayerName())) {
        if (!(layers[i].conf().getLayer() instanceof ConvolutionLayer conv)
            || conv instanceof DepthwiseConvolution2D
            || conv.getKernelSize()[0] * conv.getKernelSize()[1] != 1) {
          throw new IllegalArgumentException(layer + " is not a 1x1 convolution");
        }
        return i;
      }
    }
    throw new IllegalStateException("unreachable: " + layer);
  }

  private static long filters(MultiLayerNetwork net, int index) {
    return ((ConvolutionLayer) net.getLayer(index).conf().getLayer()).getNOut();
  }

  /** The channels of [0, filters) not in {@code removed}, increasing. */
  private static long[] kept(String layer, long filters, int[] removed) {
    if (removed.length == 0 || removed.length >= filters) {
      throw new IllegalArgumentException("cannot remove " + removed.length + " filters of "
          + layer + ", which has " + filters + ": remove between 1 and " + (filters - 1));
    }
    boolean[] drop = new boolean[(int) filters];
    for (int c : removed) {
      if (c < 0 || c >= filters || drop[c]) {
        throw new IllegalArgumentException("filter " + c + " of " + layer + " (" + filters
            + " filters) is out of range or repeated in " + Arrays.toString(removed));
      }
      drop[c] = true;
    }
    long[] keep = new long[(int) filters - removed.length];
    int k = 0;
    for (int c = 0; c < filters; c++) {
      if (!drop[c]) {
        keep[k++] = c;
      }
    }
    return keep;
  }

  /**
   * Gives {@code next}, a layer after the pruned one, {@code channels} input channels; true if
   * its own outputs are those channels (so the layer after it must shrink too), false when it
   * mixes channels (the next pointwise convolution or the output layer) and ends the surgery.
   */
  private static boolean resize(org.deeplearning4j.nn.conf.layers.Layer next, long channels,
      String layer) {
    if (next instanceof BatchNormalization bn) {
      bn.setNIn(channels);
      bn.setNOut(channels);
      return true;
    }
    if (next instanceof DepthwiseConvolution2D depthwise) {
      if (depthwise.getDepthMultiplier() != 1) {
        throw new IllegalArgumentException(depthwise.getLayerName() + " after " + layer
            + " has depth multiplier " + depthwise.getDepthMultiplier() + "; only 1 is supported");
      }
      depthwise.setNIn(channels);
      depthwise.setNOut(channels);
      return true;
    }
    if (next instanceof PReLULayer prelu) {
      long[] shape = prelu.getInputShape().clone();
      shape[0] = channels;
      prelu.setInputShape(shape);
      return true;
    }
    if (next instanceof FeedForwardLayer reader) {
      reader.setNIn(channels);
      return false;
    }
    if (next instanceof BaseLayer) {
      throw new IllegalArgumentException("cannot prune " + layer + ": layer "
          + next.getLayerName() + " (" + next.getClass().getSimpleName() + ") after it is not"
          + " supported");
    }
    return true; // activations and pooling: no parameters, any channel count
  }

  /** The dimension of parameter {@code key} of {@code layer} that indexes its output channels. */
  private static int channelDimension(Layer layer, String key) {
    org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
    if (conf instanceof DepthwiseConvolution2D) {
      return key.equals("W") ? 2 : 1; // W [kH, kW, nIn, 1], b [1, nIn]
    }
    if (conf instanceof PReLULayer) {
      return 0; // alpha [channels, 1, 1]
    }
    return key.equals("W") ? 0 : 1; // pointwise W [nOut, nIn, 1, 1]; BN and b [1, nOut]
  }

  /** The dimension of {@code key} of the layer reading the pruned channels, -1 if none. */
  private static int inputDimension(Layer layer, String key) {
    if (!key.equals("W")) {
      return -1;
    }
    // convolution [nOut, nIn, kH, kW]; output layer [nIn, nOut]
    return layer.conf().getLayer() instanceof ConvolutionLayer ? 1 : 0;
  }

  private static INDArray select(INDArray value, int dimension, long[] keep) {
    int channelDimension = value.rank() == 1 ? 0 : dimension;
    INDArrayIndex[] index = new INDArrayIndex[value.rank()];
    for (int d = 0; d < index.length; d++) {
      index[d] = d == channelDimension ? NDArrayIndex.indices(keep) : NDArrayIndex.all();
    }
    return value.get(index).dup();
  }
}
