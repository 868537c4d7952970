package org.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application jar submitted with spark-submit (client mode) to a Spark standalone cluster of
 * a master and two one-core workers on this machine, executors in their own JVMs
 * ({@link StandaloneCluster}): a training run, an executor killed mid-round, the driver killed
 * after an epoch and the run resumed.
 *
 * <p>They need the application jar, so Maven runs them in the integration-test phase, after
 * package: {@code mvn verify} (tag {@value #TAG}; {@code mvn test} leaves them out).
 */
@Tag(StandaloneClusterTest.TAG)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  static final String TAG = "standalone-cluster";
  /** System property: the application jar ({@code mvn package} builds it). */
  static final String APP_JAR_PROPERTY = "spark-cnn.app-jar";
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);
  /** Ten classes: a network that learned nothing scores about 0.1. */
  static final double CHANCE = 0.1;
  /** Exit status of a JVM halted as after SIGKILL, what the test hooks use. */
  static final int KILLED = 137;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static StandaloneCluster cluster;
  static Path appJar;
  /** The undisturbed run's metrics.csv and rounds.csv rows, for the run that loses an executor. */
  static List<Map<String, String>> undisturbedMetrics;
  static List<Map<String, String>> undisturbedRounds;

  /** On a failure, the tails of every log of the cluster (surefire keeps them in its report). */
  @RegisterExtension
  final TestWatcher printLogsOnFailure = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (cluster != null) {
        System.err.println(cluster.logTails());
      }
    }
  };

  @BeforeAll
  static void startCluster() throws Exception {
    String jar = System.getProperty(APP_JAR_PROPERTY);
    assertNotNull(jar, "system property " + APP_JAR_PROPERTY + " is not set: run the cluster"
        + " tests with mvn verify (they need the application jar)");
    appJar = Path.of(jar);
    assertTrue(Files.isRegularFile(appJar), appJar + " is missing: mvn package builds it");
    long t0 = System.nanoTime();
    cluster = StandaloneCluster.start(dir.resolve("cluster"), 2);
    System.out.printf("cluster of a master and 2 workers up in %.1f s at %s%n",
        (System.nanoTime() - t0) / 1e9, cluster.masterUrl());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void trainsWithACustomActivationOnTwoExecutors() throws Exception {
    StandaloneCluster.Submission run = submit("plain", List.of(), jobArgs("plain"));

    assertSucceeded(run, "plain");
    List<Map<String, String>> metrics = csv(runDir("plain").resolve("metrics.csv"));
    assertEquals(2, metrics.size(), "epochs in metrics.csv");
    double accuracy = Double.parseDouble(metrics.get(1).get("test_accuracy"));
    assertTrue(accuracy > CHANCE + 0.3, "test accuracy " + accuracy);
    assertTrue(Files.readString(runDir("plain").resolve("config.conf"))
        .contains("relu-h-swish"), "the activation in the saved configuration");
    Map<String, String> timing = csv(runDir("plain").resolve("timing.csv")).get(0);
    assertEquals(cluster.masterUrl(), timing.get("spark_master"));
    assertEquals("2", timing.get("workers"));

    // Two executors, one on each worker, each set up ND4J (NativeBackendPlugin) and ran tasks.
    List<Path> executors = cluster.executorDirs(run.appId());
    assertEquals(2, executors.size(), "executors of " + run.appId() + ": " + executors);
    assertFalse(executors.get(0).getParent().getParent().equals(
        executors.get(1).getParent().getParent()), "both executors on one worker: " + executors);
    for (Path executor : executors) {
      String log = Files.readString(executor.resolve("stderr"));
      assertTrue(log.contains("executor " + executor.getFileName() + " on "), executor
          + ": no ND4J backend line\n" + StandaloneCluster.tail(executor.resolve("stderr")));
      assertTrue(log.contains("Finished task"), executor + " ran no task");
      // The worker adds Spark's Java 17 options to the executor command itself.
      assertTrue(log.lines().anyMatch(l -> l.startsWith("Spark Executor Command:")
          && l.contains("\"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED\"")),
          executor + ": executor command without the --add-opens");
    }
    undisturbedMetrics = metrics;
    undisturbedRounds = csv(runDir("plain").resolve("rounds.csv"));
  }

  /**
   * Executor 0 halts (test hook in the training hooks, {@code spark-cnn.test.halt-executor})
   * before its 13th minibatch: epoch 2, first averaging round (1280 images, 64 per minibatch,
   * 2 workers averaging every 5: 10 minibatches per worker and epoch), while it fits. Spark runs
   * the lost task again on the other executor; the round's split is the same exported
   * minibatches, fitted from the same broadcast parameters with the same per-minibatch seeds, so
   * the run repeats the undisturbed one's losses and accuracy exactly.
   */
  @Test
  @Order(2)
  void completesWhenAnExecutorDiesMidRound() throws Exception {
    StandaloneCluster.Submission run = submit("executor-lost",
        List.of("-Dspark-cnn.test.halt-executor=0:13"), jobArgs("executor-lost"));

    assertSucceeded(run, "executor-lost");
    String workers = Files.readString(cluster.daemonLog("worker-1"))
        + Files.readString(cluster.daemonLog("worker-2"));
    assertTrue(workers.contains("Executor " + run.appId() + "/0 finished with state EXITED"
        + " message Command exited with code " + KILLED), "no worker saw executor 0 killed");
    String driver = Files.readString(run.log());
    assertTrue(driver.contains("ExecutorLostFailure (executor 0 exited"),
        "no task lost with executor 0\n" + StandaloneCluster.tail(run.log()));
    assertTrue(Pattern.compile("Starting task \\d+\\.1 in stage").matcher(driver).find(),
        "no task attempt retried\n" + StandaloneCluster.tail(run.log()));
    assertEquals(3, cluster.executorDirs(run.appId()).size(),
        "the master starts a third executor in place of the lost one");

    List<Map<String, String>> metrics = csv(runDir("executor-lost").resolve("metrics.csv"));
    assertEquals(2, metrics.size(), "epochs in metrics.csv");
    double accuracy = Double.parseDouble(metrics.get(1).get("test_accuracy"));
    assertTrue(accuracy > CHANCE + 0.3, "test accuracy " + accuracy);
    assertRepeatsTheUndisturbedRun(runDir("executor-lost"), metrics);
  }

  /**
   * The driver halts right after epoch 1's checkpoint (test hook {@code
   * spark-cnn.test.halt-after-epoch}), as if its machine died; {@code --resume} completes it on
   * new executors, repeating the undisturbed run's first two epochs.
   */
  @Test
  @Order(3)
  void resumesARunWhoseDriverDied() throws Exception {
    List<String> args = new ArrayList<>(jobArgs("driver-lost"));
    args.addAll(List.of("--set", "train.epochs=3"));
    StandaloneCluster.Submission killed = submit("driver-lost",
        List.of("-Dspark-cnn.test.halt-after-epoch=1"), args);
    Path runDir = runDir("driver-lost");

    assertEquals(KILLED, killed.exitCode(), StandaloneCluster.tail(killed.log()));
    assertFalse(Files.exists(runDir.resolve("_SUCCESS")));
    assertTrue(Files.exists(runDir.resolve("checkpoints/epoch-0001/state.json")),
        "no checkpoint of epoch 1");
    assertEquals(1, csv(runDir.resolve("metrics.csv")).size(), "epochs before the driver died");

    StandaloneCluster.Submission resumed = submit("driver-lost-resumed", List.of(),
        List.of("--resume", runDir.toString()));

    assertSucceeded(resumed, "driver-lost");
    List<Map<String, String>> metrics = csv(runDir.resolve("metrics.csv"));
    assertEquals(List.of("1", "2", "3"), metrics.stream().map(m -> m.get("epoch")).toList());
    double accuracy = Double.parseDouble(metrics.get(2).get("test_accuracy"));
    assertTrue(accuracy > CHANCE + 0.3, "test accuracy " + accuracy);
    assertEquals("1", csv(runDir.resolve("timing.csv")).get(0).get("resumed_after_epoch"));
    // same job but for the epoch count: epochs 1-2 repeat it
    assertRepeatsTheUndisturbedRun(runDir, metrics);
  }

  /**
   * The same fault with {@code train.round-scheduling = "barrier"}: executor 0 halts before its
   * 13th minibatch, inside an epoch's barrier stage; Spark reruns the stage's tasks once a third
   * executor has replaced it, they resume at the round the driver has reached, and the run
   * repeats the undisturbed one's losses and accuracy (one job per round, which trains bitwise
   * alike).
   */
  @Test
  @Order(4)
  void completesWhenAnExecutorDiesInABarrierEpoch() throws Exception {
    List<String> args = new ArrayList<>(jobArgs("barrier-executor-lost"));
    args.addAll(List.of("--set", "train.round-scheduling=barrier"));
    StandaloneCluster.Submission run = submit("barrier-executor-lost",
        List.of("-Dspark-cnn.test.halt-executor=0:13"), args);

    assertSucceeded(run, "barrier-executor-lost");
    String driver = Files.readString(run.log());
    assertTrue(driver.contains("barrier-mode Spark job of 2 tasks"),
        "no barrier rounds\n" + StandaloneCluster.tail(run.log()));
    assertTrue(Pattern.compile("stage attempt \\d+ replaces attempt \\d+, resuming at round")
        .matcher(driver).find(), "no rerun of the barrier stage\n"
        + StandaloneCluster.tail(run.log()));
    assertEquals(3, cluster.executorDirs(run.appId()).size(),
        "the master starts a third executor in place of the lost one");
    List<Map<String, String>> metrics =
        csv(runDir("barrier-executor-lost").resolve("metrics.csv"));
    assertEquals(2, metrics.size(), "epochs in metrics.csv");
    assertRepeatsTheUndisturbedRun(runDir("barrier-executor-lost"), metrics);
  }

  /**
   * The run in {@code runDir} begins with the undisturbed run's round losses and per-epoch test
   * accuracies (when that test ran first), to the last digit.
   */
  static void assertRepeatsTheUndisturbedRun(Path runDir, List<Map<String, String>> metrics)
      throws IOException {
    if (undisturbedMetrics == null) {
      return;
    }
    List<String> losses = column(csv(runDir.resolve("rounds.csv")), "loss");
    assertEquals(column(undisturbedRounds, "loss"),
        losses.subList(0, Math.min(losses.size(), undisturbedRounds.size())),
        "the rounds' losses against the undisturbed run's");
    List<String> accuracies = column(metrics, "test_accuracy");
    assertEquals(column(undisturbedMetrics, "test_accuracy"),
        accuracies.subList(0, Math.min(accuracies.size(), undisturbedMetrics.size())),
        "test accuracy per epoch against the undisturbed run's");
  }

  /** Submits TrainJob with the application jar, as spark-submit does, in client mode. */
  static StandaloneCluster.Submission submit(String name, List<String> driverProperties,
      List<String> jobArgs) throws Exception {
    List<String> driverOptions = new ArrayList<>(List.of("-Xmx2g"));
    driverOptions.addAll(driverProperties);
    StandaloneCluster.Submission run = cluster.submit(name, driverOptions, List.of(
        "--class", "org.sparkcnn.train.TrainJob",
        "--executor-memory", "1g",
        "--total-executor-cores", "2",
        // start once both executors registered, so both hold data and train from the start
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.driver.host=" + StandaloneCluster.HOST,
        "--conf", "spark.driver.bindAddress=" + StandaloneCluster.HOST,
        "--conf", "spark.ui.enabled=false"), appJar, jobArgs, SUBMIT_TIMEOUT);
    System.out.printf("spark-submit %s: exit code %d in %.1f s (%s)%n", name, run.exitCode(),
        run.elapsed().toMillis() / 1e3, run.appId());
    return run;
  }

  static void assertSucceeded(StandaloneCluster.Submission run, String runId) {
    assertEquals(0, run.exitCode(), "spark-submit failed\n" + StandaloneCluster.tail(run.log())
        + cluster.logTails());
    assertNotNull(run.appId(), "no application id in " + run.log());
    assertTrue(Files.exists(runDir(runId).resolve("_SUCCESS")), "no _SUCCESS");
  }

  /** LeNet-5 with relu-h-swish, 2 epochs on 1,280 / 200 images of the Fashion-MNIST subset. */
  static List<String> jobArgs(String runId) throws URISyntaxException {
    return jobArgs(runId, dir.resolve("runs"));
  }

  /** {@link #jobArgs(String)}, its run directory in {@code outputRoot}. */
  static List<String> jobArgs(String runId, Path outputRoot) throws URISyntaxException {
    Path subset = Path.of(StandaloneClusterTest.class
        .getResource("/org/sparkcnn/train/fashion-mnist-subset").toURI());
    return List.of(
        "--set", "model.name=lenet5",
        "--set", "model.activation=relu-h-swish",
        "--set", "data.train-images=" + subset.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.train-labels=" + subset.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.test-images=" + subset.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.test-labels=" + subset.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=1280",
        "--set", "data.test-limit=200",
        "--set", "train.epochs=2",
        "--set", "train.workers=2",
        "--set", "run.output-root=" + outputRoot,
        "--set", "run.id=" + runId);
  }

  static Path runDir(String runId) {
    return dir.resolve("runs").resolve(runId);
  }

  static List<String> column(List<Map<String, String>> rows, String name) {
    return rows.stream().map(r -> r.get(name)).toList();
  }

  /** The rows of a CSV file with a header, as column name to value. */
  static List<Map<String, String>> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.size() && i < cells.length; i++) {
        row.put(header.get(i), cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}
