package org.sparkcnn.train;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.data.Seeds;

/**
 * Seeds ND4J's random source on the worker before every minibatch fit from (run seed, the worker
 * network's iteration, the minibatch's content), so that random layer behaviour (dropout masks)
 * does not depend on which executor thread fits the minibatch or on what that thread drew before.
 *
 * <p>DL4J's parameter-averaging worker builds its network from the broadcast parameters without
 * reseeding (it seeds only when it initialises parameters), and ND4J's random source is per
 * thread: without this hook a network with dropout trains differently from one run to the next,
 * and a resumed run differs from the uninterrupted one.
 */
final class MinibatchSeeding implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private final long seed;

  MinibatchSeeding(long seed) {
    this.seed = seed;
  }

  /** The seed for fitting a minibatch with these features and labels at {@code iteration}. */
  long seedFor(long iteration, INDArray features, INDArray labels) {
    long content = Double.doubleToLongBits(features.sumNumber().doubleValue()) * 31
        + Arrays.hashCode(labels.argMax(1).toLongVector());
    return Seeds.mix(seed, iteration, content);
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    Nd4j.getRandom().setSeed(seedFor(iteration(model), minibatch.getFeatures(),
        minibatch.getLabels()));
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    Nd4j.getRandom().setSeed(seedFor(iteration(model), minibatch.getFeatures(0),
        minibatch.getLabels(0)));
  }

  private static long iteration(Model model) {
    return model instanceof MultiLayerNetwork layers ? layers.getIterationCount()
        : ((ComputationGraph) model).getIterationCount();
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
