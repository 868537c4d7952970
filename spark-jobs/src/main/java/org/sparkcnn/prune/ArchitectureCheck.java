package org.sparkcnn.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.ModelConfig;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkBuilder;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.models.ParameterCounts;

/**
 * Checks that the configuration's {@code model} section describes the network a pruning run
 * starts from: the run's reports ({@code pruning.md}, each step's {@code model.md} and {@code
 * accuracy.csv}) name {@code model.name}, and the data must fit the network. The pruning job
 * never builds a network from {@code model.name}, so without this check a {@code prune.model}
 * run with the default {@code model.name} (lenet5) reports a MobileNet as LeNet-5.
 *
 * <p>A network matches {@code model.name} when it has the same layers (names, kinds, strides,
 * biases, activations) and the same stem convolution (input channels and maps, so the same width
 * {@code alpha}); the pointwise widths may differ (a pruned network matches its unpruned name).
 */
final class ArchitectureCheck {
  /** Maps of MobileNet V1's stem convolution at alpha 1. */
  private static final int STEM_MAPS = 32;
  private static final List<String> NAMES = List.of("mobilenet-v1-cifar(alpha=%s, unit=rhs)",
      "mobilenet-v1-cifar(alpha=%s, unit=standard)", "mobilenet-v1(alpha=%s, unit=rhs)",
      "mobilenet-v1(alpha=%s, unit=standard)");

  private ArchitectureCheck() {}

  /**
   * Before the run directory: {@code net}, read from {@code location} ({@code key}), is the
   * architecture {@code model.name} names, built for the input it was designed for.
   *
   * @throws InvalidConfigException naming {@code key} and, when one of MobileNet V1's forms
   *     matches the network, the {@code model.name} to give
   */
  static void requireNamed(String key, String location, MultiLayerNetwork net, JobConfig config) {
    String name = config.model().name();
    ImageShape natural = Models.naturalInput(name);
    ImageShape input = new ImageShape(stemChannels(net), natural.height(), natural.width());
    MultiLayerConfiguration named = build(config, name, input, null);
    MultiLayerConfiguration have = net.getLayerWiseConfigurations();
    if (named == null || !signature(named, true).equals(signature(have, true))) {
      String match = matching(net, config, input);
      throw new InvalidConfigException(key + ": " + location + " is not the network model.name = "
          + name + " and model.activation = " + config.model().activation() + " describe"
          + (match == null ? "" : "; it is " + match) + " (with prune.model, give the model"
          + " section the network was trained with)");
    }
  }

  /**
   * After the data is read: {@code model.name} takes the images the data gives the network
   * ({@code input}, after {@code train.augment}) and {@code net} takes as many channels.
   *
   * @throws InvalidConfigException naming the key
   */
  static void requireInput(MultiLayerNetwork net, JobConfig config, ImageShape input) {
    build(config, config.model().name(), input, "model.name: ");
    if (stemChannels(net) != input.channels()) {
      throw new InvalidConfigException("data: the network to prune takes images of "
          + stemChannels(net) + " channels but the data gives it " + input + " images (give"
          + " the data the network was trained on)");
    }
  }

  /**
   * Trainable parameters of the unpruned network {@code model.name} describes for {@code input}
   * images: a source network with fewer was pruned before.
   */
  static long unprunedParameters(JobConfig config, ImageShape input) {
    return ParameterCounts.trainableParams(build(config, config.model().name(), input,
        "model.name: "));
  }

  /** {@code name}'s configuration for {@code input}; null, or a failure prefixed, when none. */
  private static MultiLayerConfiguration build(JobConfig config, String name, ImageShape input,
      String failure) {
    ModelConfig mc = config.model();
    try {
      NetworkBuilder builder = Models.builder(name, new NetworkOptions(input,
          config.data().numClasses(), mc.activation(), mc.weightInitScheme(), mc.l2(),
          new Sgd(0.1), config.run().seed(), mc.convolutionEngine()));
      return builder.conf();
    } catch (IllegalArgumentException e) {
      if (failure != null) {
        throw new InvalidConfigException(failure + e.getMessage(), e);
      }
      return null;
    }
  }

  /**
   * What to set for the MobileNet V1 {@code net} is, its width from the stem: {@code model.name}
   * and, when its activation layers differ from {@code model.activation}'s, what they hold;
   * null when no form matches.
   */
  private static String matching(MultiLayerNetwork net, JobConfig config, ImageShape input) {
    double alpha = (double) stemMaps(net) / STEM_MAPS;
    MultiLayerConfiguration have = net.getLayerWiseConfigurations();
    for (String form : NAMES) {
      String name = String.format(Locale.ROOT, form, Double.toString(alpha));
      ImageShape natural = Models.naturalInput(name);
      MultiLayerConfiguration c = build(config, name, new ImageShape(input.channels(),
          natural.height(), natural.width()), null);
      if (c != null && signature(c, false).equals(signature(have, false))) {
        return name + ": set model.name = \"" + name + "\"" + (signature(c, true).equals(
            signature(have, true)) ? "" : " and model.activation to the network's (its"
                + " activation layers hold " + activation(have) + ")");
      }
    }
    return null;
  }

  /** The activation function of the first activation layer in {@code conf}. */
  private static String activation(MultiLayerConfiguration conf) {
    for (int i = 0; i < conf.getConfs().size(); i++) {
      if (conf.getConf(i).getLayer() instanceof ActivationLayer a) {
        return String.valueOf(a.getActivationFn());
      }
    }
    return "none";
  }

  /**
   * Per layer: name, kind, strides, bias and, {@code withActivations}, activation; and the
   * stem's maps in and out.
   */
  private static List<String> signature(MultiLayerConfiguration conf, boolean withActivations) {
    List<String> layers = new ArrayList<>();
    for (int i = 0; i < conf.getConfs().size(); i++) {
      Layer layer = conf.getConf(i).getLayer();
      String kind = layer.getClass().getSimpleName();
      if (layer instanceof DepthwiseConvolution2D d) {
        kind = "depthwise " + Arrays.toString(d.getStride()) + " bias " + d.hasBias();
      } else if (layer instanceof ConvolutionLayer c) {
        kind = "convolution " + Arrays.toString(c.getStride()) + " bias " + c.hasBias()
            + (i == 0 ? " " + c.getNIn() + " -> " + c.getNOut() : "");
      } else if (layer instanceof BatchNormalization) {
        kind = "batch normalisation";
      } else if (layer instanceof ActivationLayer a) {
        kind = "activation" + (withActivations ? " " + a.getActivationFn() : "");
      }
      layers.add(layer.getLayerName() + ": " + kind);
    }
    return layers;
  }

  private static int stemChannels(MultiLayerNetwork net) {
    return (int) ((FeedForwardLayer) net.getLayer(0).conf().getLayer()).getNIn();
  }

  private static long stemMaps(MultiLayerNetwork net) {
    return ((FeedForwardLayer) net.getLayer(0).conf().getLayer()).getNOut();
  }
}
