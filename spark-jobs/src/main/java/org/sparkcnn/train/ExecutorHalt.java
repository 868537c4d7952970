package org.sparkcnn.train;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.InvalidConfigException;

/**
 * Test hook for fault tolerance: halts one executor JVM (exit code 137, as after SIGKILL) just
 * before it fits its Nth minibatch, so the fault lands inside a training task at a known point.
 * Off unless the driver has the system property {@value #PROPERTY} = {@code <executor
 * id>:<N>[:throw]}; e.g. {@code 0:13} halts executor 0 before its 13th minibatch. An executor
 * Spark starts in its place gets a new id, so the fault happens once. With {@code :throw} the
 * task fails with an {@link IllegalStateException} instead and the JVM lives on (for local mode,
 * whose only executor is {@code driver}); the count of this JVM's minibatches restarts when the
 * driver reads the property, so that fault too happens once per training.
 */
final class ExecutorHalt implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ExecutorHalt.class);
  static final String PROPERTY = "spark-cnn.test.halt-executor";
  /** Exit status of a JVM killed by SIGKILL (128 + 9). */
  static final int KILLED = 137;
  /** Minibatches this JVM has started to fit. */
  private static final AtomicInteger minibatches = new AtomicInteger();
  /** Faults this JVM has thrown (the {@code :throw} form). */
  private static final AtomicInteger thrown = new AtomicInteger();
  private final String executorId;
  private final int minibatch;
  private final boolean throwInstead;

  private ExecutorHalt(String executorId, int minibatch, boolean throwInstead) {
    this.executorId = executorId;
    this.minibatch = minibatch;
    this.throwInstead = throwInstead;
  }

  /** Faults thrown in this JVM so far (the {@code :throw} form), for tests. */
  static int thrown() {
    return thrown.get();
  }

  /** The hook {@link #PROPERTY} asks for, if set. */
  static Optional<TrainingHook> fromSystemProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split(":");
    if (parts.length < 2 || parts.length > 3 || !parts[1].matches("[1-9][0-9]{0,8}")
        || (parts.length == 3 && !parts[2].equals("throw"))) {
      throw new InvalidConfigException("-D" + PROPERTY + "=" + value
          + ": expected <executor id>:<minibatch>[:throw], e.g. 0:13");
    }
    minibatches.set(0);
    return Optional.of(new ExecutorHalt(parts[0], Integer.parseInt(parts[1]),
        parts.length == 3));
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    haltWhenDue();
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    haltWhenDue();
  }

  private void haltWhenDue() {
    if (executorId.equals(SparkEnv.get().executorId())
        && minibatches.incrementAndGet() == minibatch) {
      if (throwInstead) {
        thrown.incrementAndGet();
        throw new IllegalStateException("test hook " + PROPERTY + ": executor " + executorId
            + " fails its task before its minibatch " + minibatch);
      }
      log.warn("test hook {}: executor {} halts before its minibatch {}", PROPERTY, executorId,
          minibatch);
      Runtime.getRuntime().halt(KILLED);
    }
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {}

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {}
}
