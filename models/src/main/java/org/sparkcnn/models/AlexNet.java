package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * AlexNet (Krizhevsky et al. 2012; SEEDS.md section 2): five convolutions and three dense layers,
 * ReLU (or the options' activation), LRN after conv1 and conv2, overlapping 3x3 stride-2 max
 * pooling after norm1, norm2 and conv5, dropout 0.5 before fc7 and fc8.
 *
 * <ul>
 *   <li>{@link Form#IMAGENET}, input [3, 227, 227]: conv1 96@11x11 stride 4, conv2 256@5x5, conv3
 *       384@3x3, conv4 384@3x3, conv5 256@3x3 (one tower: the paper's two-GPU grouping of conv2,
 *       conv4 and conv5 left out), fc6 4096, fc7 4096: 62,378,344 parameters at 1000 classes
 *       (the paper's ~60M counts the grouped convolutions).
 *   <li>{@link Form#CIFAR}, input [3, 32, 32]: the same layers, maps and pooling with 3x3
 *       convolutions of stride 1 in place of conv1 and conv2's larger ones, and dense layers of
 *       1024: 6,741,898 parameters at 10 classes.
 * </ul>
 * LRN as the paper's: n = 5, k = 2, alpha = 1e-4, beta = 0.75.
 */
public final class AlexNet implements NetworkBuilder {
  /** Maps of conv1..conv5. */
  static final int[] MAPS = {96, 256, 384, 384, 256};
  /** Units of fc6 and fc7 in the ImageNet form, and in the CIFAR form. */
  public static final int IMAGENET_DENSE_UNITS = 4096;
  public static final int CIFAR_DENSE_UNITS = 1024;
  /** Dropout of the paper, as the probability of dropping a unit. */
  public static final double DROP_PROBABILITY = 0.5;

  /** The input size the network is laid out for. */
  public enum Form {
    /** 227x227 ImageNet crops. */
    IMAGENET,
    /** 32x32 images. */
    CIFAR
  }

  private final NetworkOptions options;
  private final Form form;

  public AlexNet(NetworkOptions options, Form form) {
    Layers.requireInputAtLeast(options.inputShape(), form == Form.IMAGENET ? 67 : 15,
        "AlexNet (" + form + ")");
    this.options = options;
    this.form = form;
  }

  private static SubsamplingLayer overlappingMaxPool(String name) {
    return Layers.maxPool(name, 3, 2).build();
  }

  private Layer lrn(String name) {
    return options.convolutions().lrn(new LocalResponseNormalization.Builder()
        .name(name).k(2).n(5).alpha(1e-4).beta(0.75).build());
  }

  private ConvolutionLayer.Builder conv(int index, int kernel) {
    return Layers.conv(options, "conv" + index, kernel, MAPS[index - 1])
        .convolutionMode(ConvolutionMode.Same);
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    boolean imagenet = form == Form.IMAGENET;
    NeuralNetConfiguration.ListBuilder list = Layers.list(options);
    // block 1: conv1, norm1, pool1
    ConvolutionLayer.Builder conv1 = imagenet
        ? Layers.conv(options, "conv1", 11, MAPS[0]).stride(4, 4) : conv(1, 3);
    Layers.hidden(list, options, conv1, true);
    list.layer(lrn("norm1")).layer(overlappingMaxPool("pool1"));
    // block 2: conv2, norm2, pool2
    Layers.hidden(list, options, conv(2, imagenet ? 5 : 3), true);
    list.layer(lrn("norm2")).layer(overlappingMaxPool("pool2"));
    // block 3: conv3, conv4, conv5, pool5
    for (int c = 3; c <= 5; c++) {
      Layers.hidden(list, options, conv(c, 3), true);
    }
    list.layer(overlappingMaxPool("pool5"));
    // block 4: fc6, fc7 (each dropped out on its input after fc6), output
    int units = imagenet ? IMAGENET_DENSE_UNITS : CIFAR_DENSE_UNITS;
    Layers.hidden(list, options, new DenseLayer.Builder().name("fc6").nOut(units), false);
    Layers.hidden(list, options, new DenseLayer.Builder().name("fc7").nOut(units)
        .dropOut(1 - DROP_PROBABILITY), false);
    return list
        .layer(Layers.softmaxOutputBuilder(options.numClasses()).dropOut(1 - DROP_PROBABILITY)
            .build())
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
