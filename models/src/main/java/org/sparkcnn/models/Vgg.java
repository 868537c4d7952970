package org.sparkcnn.models;

import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * VGG (Simonyan and Zisserman 2015; SEEDS.md section 2) in the CIFAR form, input [3, 32, 32]:
 * stacks of 3x3 convolutions (stride 1, padding 1) separated by 2x2 max pooling, no LRN, five
 * poolings down to 1x1x512, then one softmax layer (the 512-input classifier of the CIFAR
 * versions in place of ImageNet's three dense layers). With {@code batchNorm}, each convolution is
 * followed by batch normalization before its activation. At 10 classes VGG-11 has 9,225,610
 * parameters (9,231,114 trained ones with batch normalization), VGG-16 14,719,818 (14,728,266);
 * DL4J also counts batch normalization's 2 running statistics per map.
 */
public final class Vgg implements NetworkBuilder {
  /** Maps of each convolution, 0 marking a 2x2 max pooling: configuration "A". */
  public static final List<Integer> VGG11 =
      List.of(64, 0, 128, 0, 256, 256, 0, 512, 512, 0, 512, 512, 0);
  /** Configuration "D". */
  public static final List<Integer> VGG16 = List.of(64, 64, 0, 128, 128, 0, 256, 256, 256, 0,
      512, 512, 512, 0, 512, 512, 512, 0);

  private final NetworkOptions options;
  private final List<Integer> layers;
  private final boolean batchNorm;

  /**
   * @param layers {@link #VGG11} or {@link #VGG16} (or another list of maps and 0 for pooling)
   * @param batchNorm batch normalization after every convolution
   */
  public Vgg(NetworkOptions options, List<Integer> layers, boolean batchNorm) {
    long poolings = layers.stream().filter(m -> m == 0).count();
    int minimum = 1 << poolings;
    ImageShape in = options.inputShape();
    if (in.height() < minimum || in.width() < minimum) {
      throw new IllegalArgumentException("this VGG pools " + poolings + " times: it needs an"
          + " input of at least " + minimum + "x" + minimum + ", got " + in);
    }
    this.options = options;
    this.layers = List.copyOf(layers);
    this.batchNorm = batchNorm;
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    NeuralNetConfiguration.ListBuilder list = Layers.list(options);
    int block = 1;
    int conv = 1;
    for (int maps : layers) {
      if (maps == 0) {
        list.layer(Layers.maxPool2x2("block" + block + "-pool"));
        block++;
        conv = 1;
        continue;
      }
      String name = "block" + block + "-conv" + conv++;
      var builder = Layers.conv(options, name, 3, maps).convolutionMode(ConvolutionMode.Same);
      if (batchNorm) {
        list.layer(builder.activation(new ActivationIdentity()).build());
        list.layer(Layers.batchNorm(options, name + "-bn"));
        Layers.activation(list, options, name + "-act", maps, true);
      } else {
        Layers.hidden(list, options, builder, true);
      }
    }
    return list
        .layer(Layers.softmaxOutput(options.numClasses()))
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
