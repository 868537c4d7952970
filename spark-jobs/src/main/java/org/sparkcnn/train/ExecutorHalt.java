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
 * Off unless the driver has the system property {@value #PROPERTY} = {@code <executor id>:<N>};
 * e.g. {@code 0:13} halts executor 0 before its 13th minibatch. An executor Spark starts in its
 * place gets a new id, so the fault happens once.
 */
final class ExecutorHalt implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ExecutorHalt.class);
  static final String PROPERTY = "spark-cnn.test.halt-executor";
  /** Exit status of a JVM killed by SIGKILL (128 + 9). */
  static final int KILLED = 137;
  /** Minibatches this JVM has started to fit. */
  private static final AtomicInteger minibatches = new AtomicInteger();
  private final String executorId;
  private final int minibatch;

  private ExecutorHalt(String executorId, int minibatch) {
    this.executorId = executorId;
    this.minibatch = minibatch;
  }

  /** The hook {@link #PROPERTY} asks for, if set. */
  static Optional<TrainingHook> fromSystemProperty() {
    String value = System.getProperty(PROPERTY);
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.split(":");
    if (parts.length != 2 || !parts[1].matches("[1-9][0-9]{0,8}")) {
      throw new InvalidConfigException("-D" + PROPERTY + "=" + value
          + ": expected <executor id>:<minibatch>, e.g. 0:13");
    }
    return Optional.of(new ExecutorHalt(parts[0], Integer.parseInt(parts[1])));
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
