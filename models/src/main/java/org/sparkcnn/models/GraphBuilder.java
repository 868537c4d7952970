package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A model architecture that is a graph rather than a stack of layers (residual connections): a
 * pure configuration, and a network built from it. The graph form of {@link NetworkBuilder}.
 */
public interface GraphBuilder {

  /** The network configuration; allocates no weights. */
  ComputationGraphConfiguration conf();

  /** The network with freshly initialised weights. */
  default ComputationGraph init() {
    ComputationGraph net = new ComputationGraph(conf());
    net.init();
    return net;
  }
}
