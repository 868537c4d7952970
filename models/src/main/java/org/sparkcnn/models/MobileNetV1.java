package org.sparkcnn.models;

import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/**
 * MobileNet V1 (Howard et al. 2017; SEEDS.md sections 2 and 4): a 3x3 convolution of 32 maps,
 * then 13 depthwise separable units (3x3 depthwise convolution - BN - activation - 1x1 pointwise
 * convolution - BN - activation), global average pooling and a softmax classifier. Input [3, H, W]:
 * the paper's resolution multiplier is the input size (224, 192, 160, 128).
 *
 * <ul>
 *   <li>{@code alpha}, the width multiplier (1, 0.75, 0.5, 0.25), scales every map count.
 *   <li>{@code rhs}: the 2022 paper's MobileNet-rhs unit, depthwise - BN - activation - pointwise
 *       - BN, without the unit's last activation (use it with {@code relu-h-swish}).
 *   <li>{@link Form#IMAGENET}: the paper's strides (stride 2 in the stem and four units; 224 -> 7x7
 *       before pooling), no convolution biases: 4,231,976 trainable parameters at alpha 1 and
 *       1000 classes (4,253,864 with batch normalization's running means and variances, which
 *       DL4J counts as parameters), the published 4.2M.
 *   <li>{@link Form#CIFAR}: for 32x32 images, stem stride 1 (16x downsampling: 32 -> 2x2 before
 *       pooling), and biases on the pointwise convolutions: the network of the 2022 paper, whose
 *       3,315,428 parameters at 100 classes only this layout gives.
 * </ul>
 */
public final class MobileNetV1 implements NetworkBuilder {
  /** Maps of the stem convolution at alpha 1. */
  public static final int STEM_MAPS = 32;
  /** Output maps of each separable unit's pointwise convolution at alpha 1, and its stride. */
  static final List<int[]> UNITS = List.of(
      new int[] {64, 1}, new int[] {128, 2}, new int[] {128, 1}, new int[] {256, 2},
      new int[] {256, 1}, new int[] {512, 2}, new int[] {512, 1}, new int[] {512, 1},
      new int[] {512, 1}, new int[] {512, 1}, new int[] {512, 1}, new int[] {1024, 2},
      new int[] {1024, 1});

  /** Where the network's strides put it. */
  public enum Form {
    /** The paper's: stem stride 2, 32x downsampling. */
    IMAGENET,
    /** For 32x32 images: stem stride 1, 16x downsampling. */
    CIFAR
  }

  private final NetworkOptions options;
  private final double alpha;
  private final boolean rhs;
  private final Form form;
  private final int units;

  /**
   * @param alpha width multiplier in (0, 1]
   * @param rhs use the MobileNet-rhs unit (no activation after the pointwise BN)
   */
  public MobileNetV1(NetworkOptions options, double alpha, boolean rhs, Form form) {
    this(options, alpha, rhs, form, UNITS.size());
  }

  /** The network cut after its first {@code units} separable units: a tiny instance for tests. */
  MobileNetV1(NetworkOptions options, double alpha, boolean rhs, Form form, int units) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
    }
    int minimum = form == Form.IMAGENET ? 2 : 1; // the total stride: the smallest input
    for (int u = 0; u < units; u++) {
      minimum *= UNITS.get(u)[1];
    }
    Layers.requireInputAtLeast(options.inputShape(), minimum, "MobileNetV1 (" + form + ")");
    this.options = options;
    this.alpha = alpha;
    this.rhs = rhs;
    this.form = form;
    this.units = units;
  }

  /** {@code maps} scaled by alpha, as the paper rounds: at least 1. */
  int scaled(int maps) {
    return Math.max(1, (int) (maps * alpha));
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    NeuralNetConfiguration.ListBuilder list = Layers.list(options);
    // block 0: stem convolution
    int maps = scaled(STEM_MAPS);
    list.layer(options.convolutions().builder(3).name("conv0").nOut(maps)
        .stride(form == Form.IMAGENET ? 2 : 1, form == Form.IMAGENET ? 2 : 1)
        .convolutionMode(ConvolutionMode.Same).hasBias(false)
        .activation(new ActivationIdentity()).build());
    list.layer(Layers.batchNorm(options, "conv0-bn"));
    Layers.activation(list, options, "conv0-act", maps, true);
    // blocks 1..13: depthwise separable units
    for (int u = 0; u < units; u++) {
      String name = "unit" + (u + 1);
      int stride = UNITS.get(u)[1];
      list.layer(options.convolutions().depthwise(3).name(name + "-dw")
          .stride(stride, stride).depthMultiplier(1).convolutionMode(ConvolutionMode.Same)
          .hasBias(false).activation(new ActivationIdentity())
          .build());
      list.layer(Layers.batchNorm(options, name + "-dw-bn"));
      Layers.activation(list, options, name + "-dw-act", maps, true);
      maps = scaled(UNITS.get(u)[0]);
      list.layer(options.convolutions().builder(1).name(name + "-pw").nOut(maps)
          .hasBias(form == Form.CIFAR)
          .activation(new ActivationIdentity()).build());
      list.layer(Layers.batchNorm(options, name + "-pw-bn"));
      if (!rhs) {
        Layers.activation(list, options, name + "-pw-act", maps, true);
      }
    }
    // classifier
    return list
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name("avg-pool").build())
        .layer(Layers.softmaxOutput(options.numClasses()))
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
