package org.sparkcnn.predict;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkcnn.data.Augmenter;

/**
 * What executors need to score images, broadcast once: the network's DL4J configuration JSON and
 * parameters, the run's evaluation {@link Augmenter} (cached-image shape, pipeline with the
 * training set's statistics, seed, {@link Augmenter#EVALUATION_EPOCH}) and the class names. Each
 * partition builds its own {@link Scorer} from it ({@link #scorer()}).
 *
 * <p>Serialised with Java serialisation under Kryo too ({@link DefaultSerializer}): Kryo cannot
 * rebuild the records it holds.
 */
@DefaultSerializer(JavaSerializer.class)
public final class ScoringPayload implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String networkJson;
  private final boolean graph;
  private final INDArray parameters;
  private final Augmenter augmenter;
  private final ArrayList<String> classNames;

  /**
   * A payload of {@code network} (a copy of its parameters is taken).
   *
   * @param augmenter the evaluation pipeline, whose output shape is the network's input
   * @param classNames the class names, by class index; as many as {@code augmenter}'s classes
   * @throws IllegalArgumentException when the class names do not match the augmenter's classes
   */
  public ScoringPayload(Model network, Augmenter augmenter, List<String> classNames) {
    if (classNames.size() != augmenter.numClasses()) {
      throw new IllegalArgumentException(classNames.size() + " class names for "
          + augmenter.numClasses() + " classes");
    }
    this.graph = network instanceof ComputationGraph;
    this.networkJson = graph ? ((ComputationGraph) network).getConfiguration().toJson()
        : ((MultiLayerNetwork) network).getLayerWiseConfigurations().toJson();
    this.parameters = network.params().dup();
    this.augmenter = augmenter;
    this.classNames = new ArrayList<>(classNames);
  }

  /** A scorer holding its own copy of the network; build one per partition (not thread-safe). */
  public Scorer scorer() {
    return new Scorer(graph, networkJson, parameters, augmenter);
  }

  /** The evaluation pipeline images go through before the network. */
  public Augmenter augmenter() {
    return augmenter;
  }

  /** The class names, by class index. */
  public List<String> classNames() {
    return List.copyOf(classNames);
  }

  /** Number of classes: the width of every probability vector. */
  public int numClasses() {
    return classNames.size();
  }
}
