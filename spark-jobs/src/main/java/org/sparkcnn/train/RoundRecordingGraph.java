package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link SparkComputationGraph} that keeps the mean training loss of every parameter-averaging
 * round. DL4J's training master reports each round's loss (averaged over the workers) through
 * {@link #setScore}; the base class keeps only the last one.
 */
public class RoundRecordingGraph extends SparkComputationGraph implements SparkNetwork {
  private static final long serialVersionUID = 1L;
  private final transient List<Double> roundLosses = new ArrayList<>();

  public RoundRecordingGraph(JavaSparkContext sc, ComputationGraph network,
      TrainingMaster<?, ?> trainingMaster) {
    super(sc, network, trainingMaster);
  }

  @Override
  public void setScore(double lastScore) {
    super.setScore(lastScore);
    roundLosses.add(lastScore);
  }

  @Override
  public void fitEpoch(JavaRDD<DataSet> data) {
    fit(data);
  }

  @Override
  public List<Double> rounds() {
    return List.copyOf(roundLosses);
  }

  @Override
  public void clearRounds() {
    roundLosses.clear();
  }

  @Override
  public double score() {
    return getScore();
  }

  @Override
  public Model network() {
    return getNetwork();
  }

  @Override
  public void setLearningRate(double learningRate) {
    getNetwork().setLearningRate(learningRate);
  }
}
