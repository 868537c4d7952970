package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;

/**
 * The "LeNet" of Caffe's MNIST tutorial and DL4J's LeNet example (often called LeNet 20/50/500):
 * conv1 20 maps 5x5 (no activation), 2x2 max pool, conv2 50 maps 5x5 (no activation), 2x2 max
 * pool, dense 500 with the hidden activation, output. Valid convolutions, no padding: at 28x28x1
 * and 10 classes it has 431,080 parameters. It is the network of the PyTorch reference script
 * {@code torch_lenet.py}, so throughput can be compared one to one.
 *
 * <p>Input shape [channels, height, width], at least 16x16.
 */
public final class CaffeLeNet implements NetworkBuilder {
  public static final int CONV1_MAPS = 20;
  public static final int CONV2_MAPS = 50;
  public static final int DENSE_UNITS = 500;
  public static final int KERNEL = 5;
  /** Caffe's convolutions have no activation. */
  private static final IActivation IDENTITY = Activation.IDENTITY.getActivationFunction();

  private final NetworkOptions options;

  public CaffeLeNet(NetworkOptions options) {
    Layers.requireInputAtLeast(options.inputShape(), 16, "CaffeLeNet");
    this.options = options;
  }

  @Override
  public MultiLayerConfiguration conf() {
    ImageShape in = options.inputShape();
    var list = Layers.list(options)
        // block 1
        .layer(Layers.conv(options, "conv1", KERNEL, CONV1_MAPS).activation(IDENTITY).build())
        .layer(Layers.maxPool2x2("pool1"))
        // block 2
        .layer(Layers.conv(options, "conv2", KERNEL, CONV2_MAPS).activation(IDENTITY).build())
        .layer(Layers.maxPool2x2("pool2"));
    // block 3: classifier
    Layers.hidden(list, options, new DenseLayer.Builder().name("ip1").nOut(DENSE_UNITS), false);
    return list
        .layer(Layers.softmaxOutput(options.numClasses()))
        .setInputType(InputType.convolutional(in.height(), in.width(), in.channels()))
        .build();
  }
}
