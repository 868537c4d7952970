package org.sparkcnn.train;

import java.io.Serializable;
import java.util.UUID;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The network a resident master trains, broadcast once per training: its configuration (DL4J's
 * JSON) and an identity, so that an executor keeps one network per task slot for as long as the
 * same training runs and builds a new one when another starts ({@link ResidentSlots}).
 *
 * <p>A plain class with a constructor for serializers (see {@link RoundState}).
 */
final class ModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private String id;
  private String configuration;
  private boolean graph;

  /** For serializers only. */
  ModelSpec() {}

  /** The spec of the driver's {@code net}, with a new identity. */
  static ModelSpec of(Model net) {
    ModelSpec s = new ModelSpec();
    s.id = UUID.randomUUID().toString();
    s.graph = net instanceof ComputationGraph;
    s.configuration = net instanceof MultiLayerNetwork m
        ? m.getLayerWiseConfigurations().toJson()
        : ((ComputationGraph) net).getConfiguration().toJson();
    return s;
  }

  /** The identity of the training this spec belongs to. */
  String id() {
    return id;
  }

  /** A new network of this configuration, initialised (its parameters to be overwritten). */
  Model build() {
    if (graph) {
      ComputationGraph g = new ComputationGraph(
          ComputationGraphConfiguration.fromJson(configuration));
      g.init();
      return g;
    }
    MultiLayerNetwork m = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configuration));
    m.init();
    return m;
  }
}
