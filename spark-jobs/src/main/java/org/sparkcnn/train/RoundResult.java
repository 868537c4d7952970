package org.sparkcnn.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkcnn.data.FloatArrays;

/**
 * What the workers of a resident round return, summed: parameters and updater state (each
 * worker's, added element by element in float as DL4J's aggregation does), the last minibatch's
 * loss of each, how many workers, minibatches and examples, and where their time went.
 *
 * <p>A plain class with a constructor for serializers (see {@link RoundState}).
 */
final class RoundResult implements Serializable {
  private static final long serialVersionUID = 1L;

  private float[] params;
  private float[] updaterState;
  private double scoreSum;
  private int workers;
  private int minibatches;
  private long examples;
  /** Summed over the workers: getting the broadcast and setting it into the network. */
  private long initNanos;
  private long fitNanos;
  private long maxFitNanos;
  private long minFitNanos;
  /** Networks built (a worker's first round in a JVM, or after another training's). */
  private int builds;
  /** Summed over the workers: the network's thread waiting for the next minibatch. */
  private long waitNanos;
  /** Summed over the workers: the task from its start to its result. */
  private long taskNanos;

  /** For serializers only. */
  RoundResult() {}

  /** One worker's result: its network after fitting. */
  static RoundResult of(Model net, int minibatches, long examples, long initNanos,
      long fitNanos, long waitNanos, boolean built) {
    RoundResult r = new RoundResult();
    r.params = FloatArrays.toFloats(net.params());
    INDArray state = RoundState.updaterState(net);
    r.updaterState = state == null ? new float[0] : FloatArrays.toFloats(state);
    r.scoreSum = net.score();
    r.workers = 1;
    r.minibatches = minibatches;
    r.examples = examples;
    r.initNanos = initNanos;
    r.fitNanos = fitNanos;
    r.maxFitNanos = fitNanos;
    r.minFitNanos = fitNanos;
    r.builds = built ? 1 : 0;
    r.waitNanos = waitNanos;
    return r;
  }

  /** {@code a} plus {@code b}, either possibly null (nothing yet); {@code a} is reused. */
  static RoundResult add(RoundResult a, RoundResult b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    addTo(a.params, b.params);
    addTo(a.updaterState, b.updaterState);
    a.scoreSum += b.scoreSum;
    a.workers += b.workers;
    a.minibatches += b.minibatches;
    a.examples += b.examples;
    a.initNanos += b.initNanos;
    a.fitNanos += b.fitNanos;
    a.maxFitNanos = Math.max(a.maxFitNanos, b.maxFitNanos);
    a.minFitNanos = Math.min(a.minFitNanos, b.minFitNanos);
    a.builds += b.builds;
    a.waitNanos += b.waitNanos;
    a.taskNanos += b.taskNanos;
    return a;
  }

  private static void addTo(float[] sum, float[] values) {
    if (sum.length != values.length) {
      throw new IllegalStateException("cannot add " + values.length + " values to "
          + sum.length);
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] += values[i];
    }
  }

  float[] params() {
    return params;
  }

  float[] updaterState() {
    return updaterState;
  }

  /** The workers' mean loss (each worker's last minibatch). */
  double meanScore() {
    return scoreSum / workers;
  }

  int workers() {
    return workers;
  }

  int minibatches() {
    return minibatches;
  }

  long examples() {
    return examples;
  }

  long initNanos() {
    return initNanos;
  }

  long fitNanos() {
    return fitNanos;
  }

  long maxFitNanos() {
    return maxFitNanos;
  }

  long minFitNanos() {
    return minFitNanos;
  }

  int builds() {
    return builds;
  }

  long waitNanos() {
    return waitNanos;
  }

  long taskNanos() {
    return taskNanos;
  }

  /**
   * Writes one worker's result to a barrier round's connection ({@link RoundWire}).
   *
   * @throws IllegalStateException when this is a sum of several workers' results
   */
  void write(DataOutputStream out) throws IOException {
    if (workers != 1) {
      throw new IllegalStateException("a sum of " + workers + " results is not sent");
    }
    out.writeInt(minibatches);
    out.writeLong(examples);
    out.writeDouble(scoreSum);
    out.writeLong(initNanos);
    out.writeLong(fitNanos);
    out.writeLong(waitNanos);
    out.writeLong(taskNanos);
    out.writeInt(builds);
    RoundWire.writeFloats(out, params);
    RoundWire.writeFloats(out, updaterState);
  }

  /** Reads what {@link #write} wrote. */
  static RoundResult read(DataInputStream in) throws IOException {
    RoundResult r = new RoundResult();
    r.workers = 1;
    r.minibatches = in.readInt();
    r.examples = in.readLong();
    r.scoreSum = in.readDouble();
    r.initNanos = in.readLong();
    r.fitNanos = in.readLong();
    r.maxFitNanos = r.fitNanos;
    r.minFitNanos = r.fitNanos;
    r.waitNanos = in.readLong();
    r.taskNanos = in.readLong();
    r.builds = in.readInt();
    r.params = RoundWire.readFloats(in);
    r.updaterState = RoundWire.readFloats(in);
    return r;
  }

  /** This result, of a task that took {@code nanos} from its start. */
  RoundResult withTaskNanos(long nanos) {
    taskNanos = nanos;
    return this;
  }
}
