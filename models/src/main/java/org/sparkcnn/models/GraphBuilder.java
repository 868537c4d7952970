package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A model architecture that is a graph rather than a stack of layers (residual connections): a
 * pure configuration, and a network built from it. The graph form of {@link NetworkBuilder}.
 */
public non-sealed interface GraphBuilder extends ModelBuilder {

  /** The network configuration; allocates no weights. */
  ComputationGraphConfiguration conf();

  @Override
  default ModelSummary summary(ImageShape input) {
    return ModelSummary.of(conf(),
        InputType.convolutional(input.height(), input.width(), input.channels()));
  }

  /** The network with freshly initialised weights. */
  default ComputationGraph init() {
    ComputationGraph net = new ComputationGraph(conf());
    net.init();
    return net;
  }
}
