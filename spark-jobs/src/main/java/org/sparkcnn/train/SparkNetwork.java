package org.sparkcnn.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A network trained on Spark by a training master, whether a stack of layers ({@link
 * RoundRecordingNetwork}) or a computation graph ({@link RoundRecordingGraph}), keeping the mean
 * training loss of every parameter-averaging round.
 */
interface SparkNetwork {
  /** One pass of the training master over {@code data}. */
  void fitEpoch(JavaRDD<DataSet> data);

  /** Losses of the rounds since the last {@link #clearRounds()}, in order. */
  List<Double> rounds();

  void clearRounds();

  /** Loss of the last round. */
  double score();

  /** The driver's network, holding the averaged parameters. */
  Model network();

  /** Sets the learning rate of every layer; the next fit broadcasts it to the workers. */
  void setLearningRate(double learningRate);

  /** {@code net} (a MultiLayerNetwork or a ComputationGraph) on Spark. */
  static SparkNetwork of(JavaSparkContext sc, Model net, TrainingMaster<?, ?> master) {
    if (net instanceof MultiLayerNetwork layers) {
      return new RoundRecordingNetwork(sc, layers, master);
    }
    if (net instanceof ComputationGraph graph) {
      return new RoundRecordingGraph(sc, graph, master);
    }
    throw new IllegalArgumentException("cannot train a " + net.getClass().getName() + " on Spark");
  }
}
