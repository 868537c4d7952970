package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Minibatches;

/**
 * Evaluates a network on the executors: each task rebuilds the network from the broadcast
 * configuration and parameters, runs the evaluation pipeline over its examples and scores the
 * softmax averaged over each example's views (one view, or AlexNet's ten test-time crops), top-1
 * and top-5. The per-task evaluations are merged on the way to the driver.
 */
public final class Evaluator {
  private Evaluator() {}

  /** Accuracy and confusion of {@code net} over {@code examples}. */
  static Evaluation evaluate(JavaSparkContext sc, Model net, JavaRDD<LabeledImage> examples,
      Augmenter augmenter, int batchSize) {
    return evaluate(sc, net, List.of(net.params()), examples, augmenter, batchSize).get(0);
  }

  /**
   * Accuracy and confusion of {@code net}'s architecture with each of {@code parameterSets} (the
   * trained parameters and their moving average), in one pass over the prepared examples.
   */
  public static List<Evaluation> evaluate(JavaSparkContext sc, Model net,
      List<INDArray> parameterSets, JavaRDD<LabeledImage> examples, Augmenter augmenter,
      int batchSize) {
    boolean graph = net instanceof ComputationGraph;
    Broadcast<String> conf = sc.broadcast(graph
        ? ((ComputationGraph) net).getConfiguration().toJson()
        : ((MultiLayerNetwork) net).getLayerWiseConfigurations().toJson());
    // Copies: removing a broadcast closes AutoCloseable values, which would free the network's
    // own parameters in local mode, where the broadcast holds the very objects it was given.
    ArrayList<INDArray> copies = new ArrayList<>();
    parameterSets.forEach(p -> copies.add(p.dup()));
    Broadcast<ArrayList<INDArray>> params = sc.broadcast(copies);
    int numClasses = augmenter.numClasses();
    try {
      return Minibatches.inOrder(examples, batchSize, augmenter)
          .mapPartitions(batches -> evaluatePartition(batches, graph, conf.value(),
              params.value(), augmenter.views(), numClasses))
          .treeReduce(Evaluator::merge, 2);
    } finally {
      conf.unpersist(false);
      params.unpersist(false);
    }
  }

  private static Iterator<ArrayList<Evaluation>> evaluatePartition(Iterator<DataSet> batches,
      boolean graph, String conf, List<INDArray> parameterSets, int views, int numClasses) {
    if (!batches.hasNext()) {
      return Collections.emptyIterator();
    }
    List<Function<INDArray, INDArray>> outputs = new ArrayList<>();
    ArrayList<Evaluation> evaluations = new ArrayList<>();
    for (INDArray params : parameterSets) {
      outputs.add(output(graph, conf, params));
      evaluations.add(newEvaluation(numClasses));
    }
    while (batches.hasNext()) {
      DataSet batch = batches.next();
      for (int i = 0; i < outputs.size(); i++) {
        INDArray probabilities = averageViews(outputs.get(i).apply(batch.getFeatures()), views);
        evaluations.get(i).eval(batch.getLabels(), probabilities);
      }
    }
    return Collections.singletonList(evaluations).iterator();
  }

  /**
   * The softmax of each example averaged over its views: [n * views, classes] (the views of
   * example i in rows i * views .. i * views + views - 1, as {@link Augmenter#features} makes
   * them) to [n, classes]; {@code probabilities} itself when {@code views} is 1.
   */
  public static INDArray averageViews(INDArray probabilities, int views) {
    if (views == 1) {
      return probabilities;
    }
    long rows = probabilities.size(0);
    if (rows % views != 0) {
      throw new IllegalArgumentException(rows + " rows of probabilities are not whole groups of "
          + views + " views");
    }
    return probabilities.reshape('c', rows / views, views, probabilities.size(1)).mean(1);
  }

  /**
   * The inference function of the network {@code conf} describes (DL4J configuration JSON of a
   * {@link ComputationGraph} when {@code graph}, else of a {@link MultiLayerNetwork}), holding a
   * copy of {@code params}: features [n, channels, height, width] to the output layer's
   * activations [n, classes], in inference mode.
   */
  public static Function<INDArray, INDArray> output(boolean graph, String conf,
      INDArray params) {
    if (graph) {
      ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf));
      net.init(params.dup(), false);
      return features -> net.outputSingle(false, features);
    }
    MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf));
    net.init(params.dup(), false);
    return features -> net.output(features, false);
  }

  /** The largest k of the top-k accuracy every evaluation reports besides top-1. */
  public static final int TOP_K = 5;

  /**
   * An empty evaluation over {@code numClasses} classes that also counts top-5 hits, ties at their
   * expected value ({@link TopKEvaluation}).
   */
  public static Evaluation newEvaluation(int numClasses) {
    // A mutable list: Kryo, which returns task results, cannot rebuild an immutable one.
    List<String> labels = new ArrayList<>();
    IntStream.range(0, numClasses).forEach(c -> labels.add(Integer.toString(c)));
    return new TopKEvaluation(labels, TOP_K);
  }

  static ArrayList<Evaluation> merge(ArrayList<Evaluation> a, ArrayList<Evaluation> b) {
    for (int i = 0; i < a.size(); i++) {
      a.get(i).merge(b.get(i));
    }
    return a;
  }
}
