package org.sparkcnn.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkcnn.data.FloatArrays;

/**
 * What the resident master broadcasts before every averaging round: the driver network's
 * parameters, updater state, iteration and epoch counts and per-layer learning rates, which a
 * worker sets into its resident network ({@link #applyTo}) so that it starts the round exactly
 * as DL4J's worker would from a network built anew from the driver's.
 *
 * <p>A plain class with a constructor for serializers (Kryo, Spark's serializer, cannot write the
 * final fields of a Java record on Java 17).
 */
final class RoundState implements Serializable {
  private static final long serialVersionUID = 1L;

  private float[] params;
  private float[] updaterState;
  private int iterationCount;
  private int epochCount;
  /** Per layer, in {@link #layers}'s order; NaN where the layer has no learning rate. */
  private double[] learningRates;

  /** For serializers only. */
  RoundState() {}

  /** The state of the driver's {@code net} (a MultiLayerNetwork or a ComputationGraph). */
  static RoundState of(Model net) {
    RoundState s = new RoundState();
    s.params = FloatArrays.toFloats(net.params());
    INDArray state = updaterState(net);
    s.updaterState = state == null ? new float[0] : FloatArrays.toFloats(state);
    Layer[] layers = layers(net);
    s.learningRates = new double[layers.length];
    for (int i = 0; i < layers.length; i++) {
      Double rate = learningRate(net, layers, i);
      s.learningRates[i] = rate == null ? Double.NaN : rate;
    }
    if (net instanceof MultiLayerNetwork m) {
      s.iterationCount = m.getLayerWiseConfigurations().getIterationCount();
      s.epochCount = m.getLayerWiseConfigurations().getEpochCount();
    } else {
      ComputationGraph g = (ComputationGraph) net;
      s.iterationCount = g.getConfiguration().getIterationCount();
      s.epochCount = g.getConfiguration().getEpochCount();
    }
    return s;
  }

  /**
   * Sets this state into {@code net}, a network of the same configuration: the learning rates
   * that differ (DL4J rebuilds the updater when one changes), then the parameters, the updater
   * state and the counts.
   *
   * @throws IllegalArgumentException when {@code net} has other numbers of parameters, updater
   *     values or layers
   */
  void applyTo(Model net) {
    Layer[] layers = layers(net);
    if (layers.length != learningRates.length || net.numParams() != params.length) {
      throw new IllegalArgumentException("the resident network has " + layers.length
          + " layers and " + net.numParams() + " parameters, the driver's " + learningRates.length
          + " and " + params.length);
    }
    setLearningRates(net, layers);
    FloatArrays.copyInto(params, net.params());
    INDArray state = updaterState(net);
    if ((state == null ? 0 : state.length()) != updaterState.length) {
      throw new IllegalArgumentException("the resident network has "
          + (state == null ? 0 : state.length()) + " updater values, the driver's "
          + updaterState.length);
    }
    if (state != null) {
      FloatArrays.copyInto(updaterState, state);
    }
    if (net instanceof MultiLayerNetwork m) {
      m.getLayerWiseConfigurations().setIterationCount(iterationCount);
      m.getLayerWiseConfigurations().setEpochCount(epochCount);
    } else {
      ComputationGraph g = (ComputationGraph) net;
      g.getConfiguration().setIterationCount(iterationCount);
      g.getConfiguration().setEpochCount(epochCount);
    }
  }

  /**
   * Sets the learning rates of {@code net}'s layers that differ from this state's: all at once
   * when the state has one rate for every layer that has one, as the driver sets them
   * (DL4J's per-layer setter fails on networks whose layers mix updaters, such as batch
   * normalisation's, when it rebuilds the updater state); else layer by layer.
   */
  private void setLearningRates(Model net, Layer[] layers) {
    boolean differs = false;
    double common = Double.NaN;
    boolean oneRate = true;
    for (int i = 0; i < layers.length; i++) {
      if (Double.isNaN(learningRates[i])) {
        continue;
      }
      Double rate = learningRate(net, layers, i);
      differs |= rate == null || rate != learningRates[i];
      oneRate &= Double.isNaN(common) || common == learningRates[i];
      common = learningRates[i];
    }
    if (!differs) {
      return;
    }
    if (oneRate) {
      if (net instanceof MultiLayerNetwork m) {
        m.setLearningRate(common);
      } else {
        ((ComputationGraph) net).setLearningRate(common);
      }
      return;
    }
    for (int i = 0; i < layers.length; i++) {
      Double rate = learningRate(net, layers, i);
      if (Double.isNaN(learningRates[i]) || (rate != null && rate == learningRates[i])) {
        continue;
      }
      if (net instanceof MultiLayerNetwork m) {
        m.setLearningRate(i, learningRates[i]);
      } else {
        ((ComputationGraph) net).setLearningRate(name(layers[i]), learningRates[i]);
      }
    }
  }

  private static Double learningRate(Model net, Layer[] layers, int i) {
    return net instanceof MultiLayerNetwork m ? m.getLearningRate(i)
        : ((ComputationGraph) net).getLearningRate(name(layers[i]));
  }

  private static String name(Layer layer) {
    return layer.conf().getLayer().getLayerName();
  }

  /** The parameters (flattened, DL4J's order). */
  float[] params() {
    return params;
  }

  /** The updater state (flattened, DL4J's order); empty for plain SGD. */
  float[] updaterState() {
    return updaterState;
  }

  /** The updater state view of {@code net}, or null when its updater keeps none. */
  static INDArray updaterState(Model net) {
    return net instanceof MultiLayerNetwork m ? m.getUpdater().getStateViewArray()
        : ((ComputationGraph) net).getUpdater().getStateViewArray();
  }

  private static Layer[] layers(Model net) {
    return net instanceof MultiLayerNetwork m ? m.getLayers()
        : ((ComputationGraph) net).getLayers();
  }

  /** Bytes {@link #write} writes. */
  long encodedBytes() {
    return 12 + 8L * learningRates.length + RoundWire.floatBytes(params.length)
        + RoundWire.floatBytes(updaterState.length);
  }

  /** Writes this state to a barrier round's connection ({@link RoundWire}). */
  void write(DataOutputStream out) throws IOException {
    out.writeInt(iterationCount);
    out.writeInt(epochCount);
    out.writeInt(learningRates.length);
    for (double rate : learningRates) {
      out.writeDouble(rate);
    }
    RoundWire.writeFloats(out, params);
    RoundWire.writeFloats(out, updaterState);
  }

  /** Reads what {@link #write} wrote. */
  static RoundState read(DataInputStream in) throws IOException {
    RoundState s = new RoundState();
    s.iterationCount = in.readInt();
    s.epochCount = in.readInt();
    s.learningRates = new double[RoundWire.length(in.readInt())];
    for (int i = 0; i < s.learningRates.length; i++) {
      s.learningRates[i] = in.readDouble();
    }
    s.params = RoundWire.readFloats(in);
    s.updaterState = RoundWire.readFloats(in);
    return s;
  }

  @Override
  public String toString() {
    return "RoundState[" + params.length + " parameters, " + updaterState.length
        + " updater values, iteration " + iterationCount + ", epoch " + epochCount
        + ", learning rates " + Arrays.toString(learningRates) + "]";
  }
}
