package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The small CNN of the 2020 paper's activation study (SEEDS.md section 1): one convolution "with
 * 10 filters" (卷積核為10), then pooling and the output layer. The paper gives only the filter
 * count; the rest is the smallest network of that description: conv1 5x5, {@code filters} maps,
 * stride 1, no padding, the options' activation; pool1 2x2 max pooling, stride 2; a dense softmax
 * output.
 *
 * <p>Input shape [channels, height, width]. On Fashion-MNIST [1, 28, 28] with 10 filters and 10
 * classes: conv1 [10, 24, 24] (1 x 10 x 5 x 5 + 10 = 260 parameters), pool1 [10, 12, 12], output
 * 1,440 x 10 + 10 = 14,410: 14,670 parameters in all.
 */
public final class SmallCnn implements NetworkBuilder {
  /** Kernel side of the convolution. */
  public static final int KERNEL = 5;
  /** The paper's filter count. */
  public static final int PAPER_FILTERS = 10;

  private final NetworkOptions options;
  private final int filters;

  /**
   * @throws IllegalArgumentException when {@code filters} < 1 or the input is smaller than 6x6
   *     (the convolution and the pooling must leave a pixel)
   */
  public SmallCnn(NetworkOptions options, int filters) {
    ImageShape in = options.inputShape();
    if (filters < 1) {
      throw new IllegalArgumentException("small-cnn: filters must be at least 1, got " + filters);
    }
    if (in.height() < KERNEL + 1 || in.width() < KERNEL + 1) {
      throw new IllegalArgumentException("small-cnn needs an input of at least 6x6, got " + in);
    }
    this.options = options;
    this.filters = filters;
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    var list = Layers.list(options);
    // block 1: the convolution and its pooling
    Layers.hidden(list, options, Layers.conv(options, "conv1", KERNEL, filters), true);
    list.layer(Layers.maxPool2x2("pool1"));
    return list
        .layer(Layers.softmaxOutput(options.numClasses()))
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
