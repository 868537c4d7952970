package org.sparkcnn.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test but a benchmark, run on demand: the training throughput and the round figures
 * (overhead, broadcast, job, driver) of the resident master for a few networks on the 2-worker
 * standalone test cluster, one executor of one core on each worker: what the cost model of
 * docs/performance.md is checked against. Prints the benchmark's ROUNDS lines and rows.
 *
 * <pre>
 * mvn -B -o verify -pl spark-jobs -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=RoundCostClusterBenchmark -Dspark-cnn.bench.cluster=true \
 *     [-Dspark-cnn.bench.models="lenet5;lenet-caffe;tf-cifar10"] \
 *     [-Dspark-cnn.bench.masters=resident]
 * </pre>
 */
@Tag(StandaloneClusterTest.TAG)
@EnabledIfSystemProperty(named = "spark-cnn.bench.cluster", matches = "true")
class RoundCostClusterBenchmark {
  static final Duration TIMEOUT = Duration.ofMinutes(40);
  @TempDir Path dir;

  @Test
  void printsEachNetworksThroughputAndRoundFiguresOnTwoExecutors() throws Exception {
    Path appJar = Path.of(System.getProperty(StandaloneClusterTest.APP_JAR_PROPERTY));
    String models = System.getProperty("spark-cnn.bench.models", "lenet5;lenet-caffe;tf-cifar10");
    Path csv = dir.resolve("throughput.csv");
    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2)) {
      // The benchmark's DL4J master is DL4J's own, which refuses to export to the local
      // filesystem outside local mode ("Export training approach is not supported"); the
      // training job's (EpochSeededTrainingMaster) does not, but the benchmark does not use it.
      for (String master : System.getProperty("spark-cnn.bench.masters", "resident")
          .split(",")) {
        List<String> args = new ArrayList<>(List.of("--mode", "spark", "--master", master,
            "--workers", "2", "--models", models, "--engines", "native", "--iterations", "100",
            "--warmup", "100", "--min-seconds", "30", "--run-id", "standalone-2",
            "--output", csv.toString()));
        StandaloneCluster.Submission run = cluster.submit("bench-" + master, List.of("-Xmx2g"),
            List.of("--class", "org.sparkcnn.bench.ThroughputBenchmark",
                "--executor-memory", "1536m", "--total-executor-cores", "2",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.driver.host=" + StandaloneCluster.HOST,
                "--conf", "spark.driver.bindAddress=" + StandaloneCluster.HOST,
                "--conf", "spark.ui.enabled=false"), appJar, args, TIMEOUT);
        String log = Files.readString(run.log());
        assertEquals(0, run.exitCode(), StandaloneCluster.tail(run.log()));
        log.lines().filter(l -> l.startsWith("ROUNDS ") || l.startsWith("RESULT "))
            .forEach(l -> System.out.println(master + ": " + l));
      }
    }
    List<String> rows = Files.readAllLines(csv);
    rows.forEach(System.out::println);
    assertTrue(rows.size() > 2, "rows of " + csv);
  }
}
