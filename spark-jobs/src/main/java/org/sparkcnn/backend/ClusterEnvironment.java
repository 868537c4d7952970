package org.sparkcnn.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.sparkcnn.config.JobConfig;

/**
 * The environments of a job's JVMs: the driver's and one per executor that answered the backend
 * probe, sorted by executor id.
 */
public record ClusterEnvironment(JvmEnvironment driver, List<JvmEnvironment> executors) {
  public ClusterEnvironment {
    executors = List.copyOf(executors);
  }

  /** The driver, then the executors. */
  public List<JvmEnvironment> all() {
    List<JvmEnvironment> all = new ArrayList<>();
    all.add(driver);
    all.addAll(executors);
    return all;
  }

  /**
   * The distinct ND4J backends and native builds the executors run ({@link
   * JvmEnvironment#nd4jBuild}), sorted: the {@code executor_nd4j} of {@code timing.csv}.
   */
  public List<String> executorNd4jBuilds() {
    return executors.stream().map(JvmEnvironment::nd4jBuild).distinct().sorted().toList();
  }

  /**
   * {@code environment.json}: the placement asked for, then the driver's environment and each
   * executor's (fields: see {@link JvmEnvironment}).
   */
  public String toJson(JobConfig.ClusterConfig cluster) {
    return "{\n"
        + "  \"placement\": " + Json.string(cluster.placement().configValue()) + ",\n"
        + "  \"allow_cpu_fallback\": " + cluster.allowCpuFallback() + ",\n"
        + "  \"driver\": " + driver.toJson("  ") + ",\n"
        + "  \"executors\": [" + executors.stream().map(e -> "\n    " + e.toJson("    "))
            .collect(Collectors.joining(",")) + (executors.isEmpty() ? "" : "\n  ") + "]\n"
        + "}\n";
  }
}
