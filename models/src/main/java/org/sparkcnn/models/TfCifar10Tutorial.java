package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * The CNN of TensorFlow's CIFAR-10 tutorial (SEEDS.md section 3), for 24x24x3 crops: conv1 5x5x64
 * (same padding), max pool 3x3 stride 2 (same), LRN, conv2 5x5x64, LRN, max pool 3x3 stride 2,
 * local3 dense 384, local4 dense 192, softmax output. 1,068,298 parameters at 10 classes.
 *
 * <p>LRN as TensorFlow's {@code depth_radius=4, bias=1, alpha=0.001/9, beta=0.75}: DL4J's layer
 * sums over n = 2 * radius + 1 = 9 maps and, like TensorFlow, does not divide alpha by n.
 * The options' L2 applies to the weights of local3 and local4 only, as the tutorial's 0.004 does
 * (its softmax layer has no weight decay either). Not here: the moving average of the weights.
 */
public final class TfCifar10Tutorial implements NetworkBuilder {
  public static final int MAPS = 64;
  public static final int KERNEL = 5;
  public static final int LOCAL3_UNITS = 384;
  public static final int LOCAL4_UNITS = 192;

  private final NetworkOptions options;

  public TfCifar10Tutorial(NetworkOptions options) {
    Layers.requireInputAtLeast(options.inputShape(), 8, "TfCifar10Tutorial");
    this.options = options;
  }

  private static SubsamplingLayer maxPool3x3Stride2(String name) {
    return Layers.maxPool(name, 3, 2).convolutionMode(ConvolutionMode.Same).build();
  }

  private Layer lrn(String name) {
    return options.convolutions().lrn(new LocalResponseNormalization.Builder()
        .name(name)
        .k(1.0)
        .n(9)
        .alpha(0.001 / 9.0)
        .beta(0.75)
        .build());
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    var list = Layers.list(options, 0);
    // block 1: conv1, pool1, norm1 (no weight decay on convolutions, as in the tutorial)
    Layers.hidden(list, options, Layers.conv(options, "conv1", KERNEL, MAPS)
        .convolutionMode(ConvolutionMode.Same), true);
    list.layer(maxPool3x3Stride2("pool1")).layer(lrn("norm1"));
    // block 2: conv2, norm2, pool2
    Layers.hidden(list, options, Layers.conv(options, "conv2", KERNEL, MAPS)
        .convolutionMode(ConvolutionMode.Same), true);
    list.layer(lrn("norm2")).layer(maxPool3x3Stride2("pool2"));
    // block 3: local3, local4 (weight decay: the options' L2), linear softmax layer
    Layers.hidden(list, options, new DenseLayer.Builder().name("local3").nOut(LOCAL3_UNITS)
        .l2(options.l2()), false);
    Layers.hidden(list, options, new DenseLayer.Builder().name("local4").nOut(LOCAL4_UNITS)
        .l2(options.l2()), false);
    return list
        .layer(Layers.softmaxOutput(options.numClasses()))
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
