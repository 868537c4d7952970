package org.sparkcnn.train;

import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * A network trained on Spark by a training master, whether a stack of layers ({@link
 * SparkDl4jMultiLayer}) or a computation graph ({@link SparkComputationGraph}), passing the mean
 * training loss of every parameter-averaging round to a listener and keeping an optional moving
 * average of the parameters. DL4J's training master reports each round's loss (averaged over the
 * workers) through the wrapper's {@code setScore}; the subclasses below pass each on.
 */
final class SparkNetwork {
  private MovingAverage movingAverage;
  private DoubleConsumer roundListener = loss -> { };
  private final Consumer<JavaRDD<DataSet>> fit;
  private final Supplier<Model> network;
  private final Supplier<SparkTrainingStats> stats;

  private SparkNetwork(JavaSparkContext sc, Model net, TrainingMaster<?, ?> master) {
    if (net instanceof MultiLayerNetwork layers) {
      var spark = new MultiLayerReportingRounds(sc, layers, master, this::afterRound);
      spark.setCollectTrainingStats(true);
      fit = spark::fit;
      network = spark::getNetwork;
      stats = spark::getSparkTrainingStats;
    } else if (net instanceof ComputationGraph graph) {
      var spark = new GraphReportingRounds(sc, graph, master, this::afterRound);
      spark.setCollectTrainingStats(true);
      fit = spark::fit;
      network = spark::getNetwork;
      stats = spark::getSparkTrainingStats;
    } else {
      throw new IllegalArgumentException("cannot train a " + net.getClass().getName()
          + " on Spark");
    }
  }

  /** {@code net} (a MultiLayerNetwork or a ComputationGraph) on Spark. */
  static SparkNetwork of(JavaSparkContext sc, Model net, TrainingMaster<?, ?> master) {
    return new SparkNetwork(sc, net, master);
  }

  /**
   * Keeps a moving average of the parameters from now on, updated after every round (see {@link
   * MovingAverage}).
   */
  void averageParameters(double decay) {
    movingAverage = new MovingAverage(decay, network().params());
  }

  /** Continues a moving average restored from a checkpoint (see {@link MovingAverage}). */
  void averageParameters(MovingAverage restored) {
    movingAverage = restored;
  }

  /** The moving average of the parameters, or null when none is kept. */
  MovingAverage movingAverage() {
    return movingAverage;
  }

  /** Calls {@code listener} with each round's loss, after the round's bookkeeping here. */
  void listenToRounds(DoubleConsumer listener) {
    roundListener = listener;
  }

  /**
   * Called when the training master has set a round's averaged parameters and loss.
   *
   * @throws DivergedException when a parameter is no longer finite
   */
  private void afterRound(double loss) {
    INDArray params = network().params();
    if (Double.isFinite(loss) && !allFinite(params)) {
      throw new DivergedException("training diverged: a parameter became NaN or infinite after"
          + " an averaging round (loss " + loss + "); lower train.learning-rate");
    }
    if (movingAverage != null) {
      movingAverage.update(params);
    }
    roundListener.accept(loss);
  }

  /** Whether every value of {@code values} is finite. */
  static boolean allFinite(INDArray values) {
    return !BooleanIndexing.or(values, Conditions.notFinite()); // one pass over the values
  }

  /** One pass of the training master over {@code data}. */
  void fitEpoch(JavaRDD<DataSet> data) {
    fit.accept(data);
  }

  /** DL4J's training statistics of every fit so far (collected from the start). */
  SparkTrainingStats trainingStats() {
    return stats.get();
  }

  /** The driver's network, holding the averaged parameters. */
  Model network() {
    return network.get();
  }

  /** Sets the learning rate of every layer; the next fit broadcasts it to the workers. */
  void setLearningRate(double learningRate) {
    Model net = network();
    if (net instanceof MultiLayerNetwork layers) {
      layers.setLearningRate(learningRate);
    } else {
      ((ComputationGraph) net).setLearningRate(learningRate);
    }
  }

  /** DL4J's wrapper of a MultiLayerNetwork, passing each round's loss on. */
  static final class MultiLayerReportingRounds extends SparkDl4jMultiLayer {
    private static final long serialVersionUID = 1L;
    private final transient DoubleConsumer onRound;

    MultiLayerReportingRounds(JavaSparkContext sc, MultiLayerNetwork net,
        TrainingMaster<?, ?> master, DoubleConsumer onRound) {
      super(sc, net, master);
      this.onRound = onRound;
    }

    @Override
    public void setScore(double lastScore) {
      super.setScore(lastScore);
      onRound.accept(lastScore);
    }
  }

  /** DL4J's wrapper of a ComputationGraph, passing each round's loss on. */
  static final class GraphReportingRounds extends SparkComputationGraph {
    private static final long serialVersionUID = 1L;
    private final transient DoubleConsumer onRound;

    GraphReportingRounds(JavaSparkContext sc, ComputationGraph net, TrainingMaster<?, ?> master,
        DoubleConsumer onRound) {
      super(sc, net, master);
      this.onRound = onRound;
    }

    @Override
    public void setScore(double lastScore) {
      super.setScore(lastScore);
      onRound.accept(lastScore);
    }
  }
}
