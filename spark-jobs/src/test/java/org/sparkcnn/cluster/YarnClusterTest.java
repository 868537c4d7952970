package org.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.cluster.StandaloneClusterTest.CHANCE;
import static org.sparkcnn.cluster.StandaloneClusterTest.KILLED;
import static org.sparkcnn.cluster.StandaloneClusterTest.column;
import static org.sparkcnn.cluster.StandaloneClusterTest.csv;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
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
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The application jar submitted with {@code submit/yarn.sh} (client mode, placement cpu) to a
 * Hadoop YARN cluster of a ResourceManager and two NodeManagers on this machine
 * ({@link YarnCluster}: MiniYARNCluster, the application master and the executors in containers
 * of their own): a training run whose probe sees the YARN executors, and an executor killed
 * mid-round, as {@link StandaloneClusterTest} does on a standalone cluster.
 *
 * <p>They need the application jar, so Maven runs them in the integration-test phase, after
 * package: {@code mvn verify} (tag {@value #TAG}; {@code mvn test} leaves them out).
 */
@Tag(YarnClusterTest.TAG)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnClusterTest {
  static final String TAG = "yarn-cluster";
  static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);
  /** Where MiniYARNCluster keeps the NodeManagers' directories: target/yarn-cluster/. */
  static final String CLUSTER_NAME = "yarn-cluster";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;
  static YarnCluster cluster;
  static Path appJar;
  /** The undisturbed run's metrics.csv and rounds.csv rows, for the run that loses an executor. */
  static List<Map<String, String>> undisturbedMetrics;
  static List<Map<String, String>> undisturbedRounds;

  /** On a failure, the tails of the drivers' logs and of every container's stderr. */
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
    String jar = System.getProperty(StandaloneClusterTest.APP_JAR_PROPERTY);
    assertNotNull(jar, "system property " + StandaloneClusterTest.APP_JAR_PROPERTY + " is not"
        + " set: run the cluster tests with mvn verify (they need the application jar)");
    appJar = Path.of(jar);
    assertTrue(Files.isRegularFile(appJar), appJar + " is missing: mvn package builds it");
    long t0 = System.nanoTime();
    cluster = YarnCluster.start(CLUSTER_NAME, dir.resolve("cluster"), 2);
    System.out.printf("YARN cluster of a ResourceManager and 2 NodeManagers up in %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void trainsOnYarnExecutorsThatTheProbeSees() throws Exception {
    YarnCluster.Submission run = submit("plain", Map.of());

    assertSucceeded(run, "plain");
    List<Map<String, String>> metrics = csv(runDir("plain").resolve("metrics.csv"));
    assertEquals(2, metrics.size(), "epochs in metrics.csv");
    double accuracy = Double.parseDouble(metrics.get(1).get("test_accuracy"));
    assertTrue(accuracy > CHANCE + 0.3, "test accuracy " + accuracy);
    Map<String, String> timing = csv(runDir("plain").resolve("timing.csv")).get(0);
    assertEquals("yarn", timing.get("spark_master"));
    assertEquals("2", timing.get("workers"));

    // The application master asked YARN for two containers of the size yarn.sh's memory rule
    // gives a 1 GB executor (heap + off-heap + max(10 %, 384 MiB) = 2,432 MiB) and launched
    // the executors with the script's options and Spark's Java 17 options.
    String am = Files.readString(cluster.applicationMasterLog(run.appId()));
    assertTrue(am.contains("Will request 2 executor container(s) for  ResourceProfile Id: 0,"
        + " each with 1 core(s) and 2432 MB memory."), "container size\n" + am);
    assertTrue(am.contains("'-Dorg.bytedeco.javacpp.maxphysicalbytes=2048m'"),
        "executor command without yarn.sh's JavaCPP limits\n" + am);
    assertTrue(am.contains("'--add-opens=java.base/sun.nio.ch=ALL-UNNAMED'"),
        "executor command without the --add-opens\n" + am);

    // The probe saw the two executors YARN launched, each with the environment yarn.sh gave
    // it (spark.executorEnv.*: the CPU placement's backend priorities, one OpenMP thread), on
    // this machine (YARN knows its NodeManagers as localhost; the probe names the host).
    Map<String, YarnCluster.ExecutorContainer> launched = cluster.executorContainers(run.appId());
    assertEquals(List.of("1", "2"), List.copyOf(launched.keySet()),
        "executors YARN launched: " + launched);
    JsonNode env = new ObjectMapper().readTree(
        runDir("plain").resolve("environment.json").toFile());
    List<String> probed = new ArrayList<>();
    for (JsonNode executor : env.get("executors")) {
      probed.add(executor.get("executor_id").asText());
      assertEquals(InetAddress.getLocalHost().getHostName(), executor.get("host").asText(),
          executor.toString());
      assertEquals("CPU", executor.get("nd4j_backend").asText(), executor.toString());
      assertEquals("200", executor.get("backend_priority_cpu").asText(), executor.toString());
      assertEquals("1", executor.get("omp_num_threads").asText(), executor.toString());
    }
    assertEquals(List.copyOf(launched.keySet()), probed, "environment.json's executors");
    assertEquals("200", env.get("driver").get("backend_priority_cpu").asText(),
        "the driver's environment (env ... spark-submit)");

    // Each executor container set up ND4J (NativeBackendPlugin) and ran tasks.
    Map<String, Path> containers = cluster.containerDirs(run.appId());
    for (YarnCluster.ExecutorContainer executor : launched.values()) {
      Path container = containers.get(executor.containerId());
      assertNotNull(container, "no log directory of " + executor + " in " + containers);
      String log = Files.readString(container.resolve("stderr"));
      assertTrue(log.contains("executor " + executor.executorId() + " on "), executor
          + ": no ND4J backend line\n" + StandaloneCluster.tail(container.resolve("stderr")));
      assertTrue(log.contains("Finished task"), executor + " ran no task");
    }
    undisturbedMetrics = metrics;
    undisturbedRounds = csv(runDir("plain").resolve("rounds.csv"));
  }

  /**
   * Executor 1 (Spark on YARN counts from 1) halts before its 3rd minibatch, in epoch 1's first
   * averaging round: earlier than the standalone test's (epoch 2), so that the run outlasts the
   * application master's next heartbeat to YARN (every 3 s), when it asks for a container in
   * place of the lost one; a loss in epoch 2 came 3.6 s before the run's end. YARN reports the
   * container's exit status 137 to the application master; the driver runs the lost task again
   * on the other executor, and the run repeats the undisturbed one's losses and accuracy
   * exactly.
   */
  @Test
  @Order(2)
  void completesWhenAnExecutorDiesMidRound() throws Exception {
    YarnCluster.Submission run = submit("executor-lost",
        Map.of("SPARK_SUBMIT_OPTS", "-Dspark-cnn.test.halt-executor=1:3"));

    assertSucceeded(run, "executor-lost");
    YarnCluster.ExecutorContainer lost = cluster.executorContainers(run.appId()).get("1");
    assertNotNull(lost, "no executor 1 launched");
    assertEquals(Map.of(lost.containerId(), KILLED), cluster.endedContainers(run.appId()),
        "containers YARN reported ended while the application ran");
    String am = Files.readString(cluster.applicationMasterLog(run.appId()));
    assertTrue(Pattern.compile("Completed container " + lost.containerId() + " .*"
        + "Will request 1 executor container\\(s\\)", Pattern.DOTALL).matcher(am).find(),
        "the application master asked YARN for no container in place of the lost one\n" + am);
    String driver = Files.readString(run.log());
    assertTrue(driver.contains("ExecutorLostFailure (executor 1 exited caused by one of the"
        + " running tasks) Reason: Container from a bad node: " + lost.containerId()
        + " on host: " + lost.host() + ". Exit status: " + KILLED),
        "no task lost with executor 1\n" + StandaloneCluster.tail(run.log()));
    assertTrue(Pattern.compile("Starting task \\d+\\.1 in stage").matcher(driver).find(),
        "no task attempt retried\n" + StandaloneCluster.tail(run.log()));

    List<Map<String, String>> metrics = csv(runDir("executor-lost").resolve("metrics.csv"));
    assertEquals(2, metrics.size(), "epochs in metrics.csv");
    double accuracy = Double.parseDouble(metrics.get(1).get("test_accuracy"));
    assertTrue(accuracy > CHANCE + 0.3, "test accuracy " + accuracy);
    if (undisturbedMetrics != null) {
      assertEquals(column(undisturbedRounds, "loss"),
          column(csv(runDir("executor-lost").resolve("rounds.csv")), "loss"),
          "the rounds' losses against the undisturbed run's");
      assertEquals(column(undisturbedMetrics, "test_accuracy"), column(metrics, "test_accuracy"),
          "test accuracy per epoch against the undisturbed run's");
    }
  }

  /**
   * Runs {@code submit/yarn.sh} in client mode with the standalone tests' job and sizes: two
   * one-core executors of 1 GB (the script adds the off-heap and overhead of its memory rule:
   * containers of 2,432 MiB), a 2 GB driver. {@code extraEnv} goes on top.
   */
  static YarnCluster.Submission submit(String name, Map<String, String> extraEnv)
      throws Exception {
    Map<String, String> env = new HashMap<>(Map.of(
        "SPARK_CNN_APP_JAR", appJar.toString(),
        "SPARK_CNN_DRIVER_MEMORY", "2g",
        "SPARK_CNN_EXECUTOR_MEMORY", "1g",
        "SPARK_CNN_EXECUTOR_CORES", "1",
        "SPARK_CNN_EXECUTORS", "2",
        "SPARK_CNN_SUBMIT_OPTS", String.join(" ",
            // The containers take Spark's jars from the Spark home, instead of a zip of them
            // uploaded for every application.
            "--conf", "spark.yarn.jars=local:" + cluster.sparkHome().resolve("jars") + "/*",
            "--conf", "spark.yarn.stagingDir=" + dir.resolve("cluster").resolve("staging").toUri(),
            // start once both executors registered, so both hold data and train from the start
            // (YARN's took 40 s after the submission on a busy machine; Spark waits 30 s)
            "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
            "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=180s",
            "--conf", "spark.driver.host=" + StandaloneCluster.HOST,
            "--conf", "spark.driver.bindAddress=" + StandaloneCluster.HOST,
            // the application master and the executors on the loopback too
            "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=" + StandaloneCluster.HOST,
            "--conf", "spark.executorEnv.SPARK_LOCAL_IP=" + StandaloneCluster.HOST,
            "--conf", "spark.ui.enabled=false")));
    env.putAll(extraEnv);
    List<String> args = new ArrayList<>(List.of("--deploy-mode", "client"));
    args.addAll(StandaloneClusterTest.jobArgs(name, dir.resolve("runs")));
    YarnCluster.Submission run = cluster.submitWithYarnSh(name, env, args, SUBMIT_TIMEOUT);
    System.out.printf("submit/yarn.sh %s: exit code %d in %.1f s (%s, %s)%n", name,
        run.exitCode(), run.elapsed().toMillis() / 1e3, run.appId(),
        run.report() == null ? "no report" : run.report().getFinalApplicationStatus());
    return run;
  }

  static void assertSucceeded(YarnCluster.Submission run, String runId) {
    assertEquals(0, run.exitCode(), "submit/yarn.sh failed\n" + StandaloneCluster.tail(run.log())
        + cluster.logTails());
    assertNotNull(run.appId(), "no YARN application id in " + run.log());
    assertEquals(YarnApplicationState.FINISHED, run.report().getYarnApplicationState(),
        run.appId() + ": " + run.report().getDiagnostics());
    assertEquals(FinalApplicationStatus.SUCCEEDED, run.report().getFinalApplicationStatus(),
        run.appId() + ": " + run.report().getDiagnostics());
    assertTrue(Files.exists(runDir(runId).resolve("_SUCCESS")), "no _SUCCESS");
  }

  static Path runDir(String runId) {
    return dir.resolve("runs").resolve(runId);
  }
}
