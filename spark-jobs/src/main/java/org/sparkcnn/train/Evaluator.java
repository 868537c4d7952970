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
final class Evaluator {
  private Evaluator() {}

  /** Accuracy and confusion of {@code net} over {@code examples}. */
  static Evaluation evaluate(JavaSparkContext sc, Model net, JavaRDD<LabeledImage> examples,
      Augmenter augmenter, int batchSize) {
    return evaluate(sc, net, net.params(), examples, augmenter, batchSize);
  }

  /** Accuracy and confusion of {@code net}'s architecture with the parameters {@code params}. */
  static Evaluation evaluate(JavaSparkContext sc, Model net, INDArray parameters,
      JavaRDD<LabeledImage> examples, Augmenter augmenter, int batchSize) {
    boolean graph = net instanceof ComputationGraph;
    Broadcast<String> conf = sc.broadcast(graph
        ? ((ComputationGraph) net).getConfiguration().toJson()
        : ((MultiLayerNetwork) net).getLayerWiseConfigurations().toJson());
    // A copy: removing a broadcast closes AutoCloseable values, which would free the network's own
    // parameters in local mode, where the broadcast holds the very object it was given.
    Broadcast<INDArray> params = sc.broadcast(parameters.dup());
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

  private static Iterator<Evaluation> evaluatePartition(Iterator<DataSet> batches, boolean graph,
      String conf, INDArray params, int views, int numClasses) {
    if (!batches.hasNext()) {
      return Collections.emptyIterator();
    }
    Function<INDArray, INDArray> output;
    if (graph) {
      ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf));
      net.init(params.dup(), false);
      output = features -> net.outputSingle(false, features);
    } else {
      MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf));
      net.init(params.dup(), false);
      output = features -> net.output(features, false);
    }
    Evaluation evaluation = newEvaluation(numClasses);
    while (batches.hasNext()) {
      DataSet batch = batches.next();
      INDArray probabilities = output.apply(batch.getFeatures());
      if (views > 1) {
        long n = batch.getLabels().size(0);
        probabilities = probabilities.reshape('c', n, views, numClasses).mean(1);
      }
      evaluation.eval(batch.getLabels(), probabilities);
    }
    return Collections.singletonList(evaluation).iterator();
  }

  /** The largest k of the top-k accuracy every evaluation reports besides top-1. */
  static final int TOP_K = 5;

  /** An empty evaluation over {@code numClasses} classes that also counts top-5 hits. */
  static Evaluation newEvaluation(int numClasses) {
    // A mutable list: Kryo, which returns task results, cannot rebuild an immutable one.
    List<String> labels = new ArrayList<>();
    IntStream.range(0, numClasses).forEach(c -> labels.add(Integer.toString(c)));
    return new Evaluation(labels, TOP_K);
  }

  private static Evaluation merge(Evaluation a, Evaluation b) {
    a.merge(b);
    return a;
  }
}
