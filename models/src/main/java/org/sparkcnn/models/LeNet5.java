package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;

/**
 * LeNet-5 (LeCun et al., 1998), in the layout the CNN survey gives: input 32x32; C1 6 maps 5x5
 * (28x28); S2 pooling to 14x14; C3 16 maps 5x5 (10x10); S4 to 5x5; C5 120 maps 5x5 (1x1); F6 84;
 * output. With full C3 connectivity and 10 classes it has 61,706 parameters.
 *
 * <p>Input shape [channels, height, width]. An image smaller than 32x32 (MNIST's 28x28) is
 * zero-padded to 32x32 by C1's padding ({@code (32 - size) / 2} on each side), which is what the
 * paper did to MNIST and leaves the parameter count unchanged. The subsampling layers are 2x2 max
 * pooling (the paper's trainable average subsampling has 12 + 32 extra parameters and no modern
 * use); the hidden activation is the caller's choice.
 */
public final class LeNet5 implements NetworkBuilder {
  /** Input side length of the paper's network; smaller inputs are padded up to it. */
  public static final int PAPER_INPUT_SIZE = 32;
  /** Feature maps of C1, C3 and C5, and units of F6, as in the paper. */
  public static final int C1_MAPS = 6;
  public static final int C3_MAPS = 16;
  public static final int C5_MAPS = 120;
  public static final int F6_UNITS = 84;
  /** Kernel side of every convolution. */
  public static final int KERNEL = 5;

  private final NetworkOptions options;

  public LeNet5(NetworkOptions options) {
    this.options = options;
    ImageShape in = options.inputShape();
    int paddedHeight = in.height() + 2 * padding(in.height());
    int paddedWidth = in.width() + 2 * padding(in.width());
    // C1 (-4), S2 (/2), C3 (-4), S4 (/2) and C5 (-4) must leave at least one pixel.
    if (((paddedHeight - 4) / 2 - 4) / 2 < KERNEL || ((paddedWidth - 4) / 2 - 4) / 2 < KERNEL) {
      throw new IllegalArgumentException(
          "LeNet-5 needs an input of at least 32x32 after padding, got "
          + in);
    }
  }

  /** Zero padding C1 applies on each side so that a smaller input becomes 32 pixels wide. */
  static int padding(int size) {
    return Math.max(0, (PAPER_INPUT_SIZE - size) / 2);
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    var list = Layers.list(options);
    // block 1: C1 (with the padding to 32x32) and S2
    Layers.hidden(list, options, Layers.conv(options, "c1", KERNEL, C1_MAPS)
        .padding(padding(in.height()), padding(in.width())), true);
    list.layer(Layers.maxPool2x2("s2"));
    // block 2: C3 and S4
    Layers.hidden(list, options, Layers.conv(options, "c3", KERNEL, C3_MAPS), true);
    list.layer(Layers.maxPool2x2("s4"));
    // block 3: C5 (a 5x5 convolution over 5x5 maps: fully connected), F6, output
    Layers.hidden(list, options, Layers.conv(options, "c5", KERNEL, C5_MAPS), true);
    Layers.hidden(list, options, new DenseLayer.Builder().name("f6").nOut(F6_UNITS), false);
    return list
        .layer(Layers.softmaxOutput(options.numClasses()))
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
