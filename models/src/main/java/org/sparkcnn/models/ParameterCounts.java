package org.sparkcnn.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Parameter counts of a configuration, without allocating its weights. DL4J's {@code
 * numParams()} is the {@link #totalParams total}: it counts BatchNormalization's running mean and
 * variance, which training estimates but gradient descent never updates. The {@link
 * #trainableParams trainable} count leaves them out, as papers and torchvision's published counts
 * do.
 */
public final class ParameterCounts {
  /** Running statistics a BatchNormalization layer keeps per channel: mean and variance. */
  private static final int BATCH_NORM_STATISTICS = 2;

  private ParameterCounts() {}

  /** All parameters of {@code conf}, as {@code ComputationGraph.numParams()} counts them. */
  public static long totalParams(ComputationGraphConfiguration conf) {
    return conf.getVertices().values().stream().mapToLong(v -> v.numParams(true)).sum();
  }

  /** All parameters of {@code conf}, as {@code MultiLayerNetwork.numParams()} counts them. */
  public static long totalParams(MultiLayerConfiguration conf) {
    return conf.getConfs().stream().map(NeuralNetConfiguration::getLayer)
        .mapToLong(ParameterCounts::params).sum();
  }

  /** The parameters of {@code conf} that gradient descent updates: not BN's running statistics. */
  public static long trainableParams(ComputationGraphConfiguration conf) {
    return totalParams(conf) - conf.getVertices().values().stream()
        .mapToLong(ParameterCounts::statistics).sum();
  }

  /** The parameters of {@code conf} that gradient descent updates: not BN's running statistics. */
  public static long trainableParams(MultiLayerConfiguration conf) {
    return totalParams(conf) - conf.getConfs().stream().map(NeuralNetConfiguration::getLayer)
        .mapToLong(ParameterCounts::statistics).sum();
  }

  private static long params(Layer layer) {
    return layer.initializer().numParams(layer);
  }

  private static long statistics(GraphVertex vertex) {
    return vertex instanceof LayerVertex layerVertex
        ? statistics(layerVertex.getLayerConf().getLayer()) : 0;
  }

  /** Parameters of {@code layer} that no gradient updates: BatchNormalization's statistics. */
  static long statistics(Layer layer) {
    return layer instanceof BatchNormalization bn ? BATCH_NORM_STATISTICS * bn.getNOut() : 0;
  }
}
