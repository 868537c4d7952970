package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** A model architecture: a pure configuration, and a network built from it. */
public non-sealed interface NetworkBuilder extends ModelBuilder {

  /** The network configuration; allocates no weights. */
  MultiLayerConfiguration conf();

  @Override
  default ModelSummary summary(ImageShape input) {
    return ModelSummary.of(conf(), input);
  }

  /** The network with freshly initialised weights. */
  default MultiLayerNetwork init() {
    MultiLayerNetwork net = new MultiLayerNetwork(conf());
    net.init();
    return net;
  }
}
