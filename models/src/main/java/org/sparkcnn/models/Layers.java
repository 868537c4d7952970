package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.sparkcnn.models.layers.PReLULayer;

/** Layer and configuration pieces the model builders share. */
final class Layers {
  private Layers() {}

  /** A layer list with the options' seed, optimiser, weight init and L2; valid convolutions. */
  static NeuralNetConfiguration.ListBuilder list(NetworkOptions options) {
    return list(options, options.l2());
  }

  /**
   * {@link #list(NetworkOptions)} with L2 {@code l2} on every layer that sets none itself (0: only
   * on layers that set their own; DL4J gives a layer the global L2 whenever it has none).
   */
  static NeuralNetConfiguration.ListBuilder list(NetworkOptions options, double l2) {
    return global(options, l2).list();
  }

  /**
   * A graph with the options' seed, optimiser, weight init and L2 (on every layer that sets none
   * itself); valid convolutions.
   */
  static ComputationGraphConfiguration.GraphBuilder graph(NetworkOptions options) {
    return global(options, options.l2()).graphBuilder();
  }

  private static NeuralNetConfiguration.Builder global(NetworkOptions options, double l2) {
    return new NeuralNetConfiguration.Builder()
        .seed(options.seed())
        .updater(options.updater())
        .weightInit(options.weightInit())
        .l2(l2)
        .convolutionMode(ConvolutionMode.Truncate);
  }

  /** A square convolution with stride 1, of the options' convolution engine. */
  static ConvolutionLayer.Builder conv(NetworkOptions options, String name, int kernel, int maps) {
    return options.convolutions().builder(kernel).name(name).nOut(maps);
  }

  /**
   * Adds a hidden layer with the options' activation and, when that is PReLU, a PReLU layer after
   * it (named {@code <name>-prelu}) with one slope per output map ({@code spatial}) or unit.
   */
  static NeuralNetConfiguration.ListBuilder hidden(NeuralNetConfiguration.ListBuilder list,
      NetworkOptions options, FeedForwardLayer.Builder<?> layer, boolean spatial) {
    FeedForwardLayer built =
        (FeedForwardLayer) layer.activation(options.hiddenActivation()).build();
    list.layer(built);
    if (options.prelu()) {
      list.layer(prelu(built.getLayerName() + "-prelu", built.getNOut(), spatial));
    }
    return list;
  }

  /**
   * Adds the options' activation as a layer of its own (after batch normalization): an {@code
   * ActivationLayer} (a {@code NativeActivation} with the native engine), or a PReLU layer with
   * one slope per map ({@code spatial}) or unit.
   */
  static NeuralNetConfiguration.ListBuilder activation(NeuralNetConfiguration.ListBuilder list,
      NetworkOptions options, String name, long channels, boolean spatial) {
    return list.layer(options.prelu() ? prelu(name, channels, spatial)
        : activationLayer(options, name));
  }

  /** An activation layer with the options' hidden activation, of their engine. */
  static Layer activationLayer(NetworkOptions options, String name) {
    return options.convolutions().activation(
        new ActivationLayer.Builder().name(name).activation(options.hiddenActivation()).build());
  }

  /**
   * Batch normalization over the maps (or units) of the layer before, of the options' engine
   * ({@link ConvolutionEngine#batchNorm}).
   */
  static Layer batchNorm(NetworkOptions options, String name) {
    return options.convolutions().batchNorm(new BatchNormalization.Builder().name(name).build());
  }

  /**
   * A PReLU layer for {@code channels} maps ({@code spatial}: one slope per map, shared over
   * height and width) or units: the project's {@link PReLULayer}, as DL4J's own cannot be
   * trained. DL4J reads only the shape of the slopes from {@code inputShape}, so the maps' height
   * and width need not be known here.
   */
  static PReLULayer prelu(String name, long channels, boolean spatial) {
    var builder = new org.deeplearning4j.nn.conf.layers.PReLULayer.Builder().name(name);
    if (spatial) {
      builder.inputShape(channels, 1, 1).sharedAxes(2, 3);
    } else {
      builder.inputShape(channels);
    }
    return new PReLULayer(builder.build());
  }

  /** 2x2 max pooling with stride 2. */
  static SubsamplingLayer maxPool2x2(String name) {
    return maxPool(name, 2, 2).build();
  }

  /** Square max pooling of {@code kernel} x {@code kernel} windows every {@code stride} pixels. */
  static SubsamplingLayer.Builder maxPool(String name, int kernel, int stride) {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .name(name)
        .kernelSize(kernel, kernel)
        .stride(stride, stride);
  }

  /**
   * Checks that {@code input} is at least {@code minimum} pixels high and wide.
   *
   * @throws IllegalArgumentException naming the model, the minimum and the input
   */
  static void requireInputAtLeast(ImageShape input, int minimum, String model) {
    if (input.height() < minimum || input.width() < minimum) {
      throw new IllegalArgumentException(model + " needs an input of at least " + minimum + "x"
          + minimum + ", got " + input);
    }
  }

  /** Softmax classifier trained with cross-entropy (negative log-likelihood). */
  static OutputLayer softmaxOutput(int classes) {
    return softmaxOutputBuilder(classes).build();
  }

  /** {@link #softmaxOutput}, open for per-layer settings such as dropout. */
  static OutputLayer.Builder softmaxOutputBuilder(int classes) {
    return new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
        .name("output")
        .nOut(classes)
        .activation(Activation.SOFTMAX);
  }
}
