package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Layer and configuration pieces the model builders share. */
final class Layers {
  private Layers() {}

  /** A layer list with the options' seed, optimiser, weight init and L2; valid convolutions. */
  static NeuralNetConfiguration.ListBuilder list(NetworkOptions options) {
    return new NeuralNetConfiguration.Builder()
        .seed(options.seed())
        .updater(options.updater())
        .weightInit(options.weightInit())
        .l2(options.l2())
        .convolutionMode(ConvolutionMode.Truncate)
        .list();
  }

  /** A square convolution with stride 1, of the options' convolution engine. */
  static ConvolutionLayer.Builder conv(NetworkOptions options, String name, int kernel, int maps,
      IActivation activation) {
    return options.convolutions().builder(kernel).name(name).nOut(maps).activation(activation);
  }

  /** 2x2 max pooling with stride 2. */
  static SubsamplingLayer maxPool2x2(String name) {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .name(name)
        .kernelSize(2, 2)
        .stride(2, 2)
        .build();
  }

  /** Softmax classifier trained with cross-entropy (negative log-likelihood). */
  static OutputLayer softmaxOutput(int classes) {
    return new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
        .name("output")
        .nOut(classes)
        .activation(Activation.SOFTMAX)
        .build();
  }
}
