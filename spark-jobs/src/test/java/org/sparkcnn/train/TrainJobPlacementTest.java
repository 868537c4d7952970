package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.sparkcnn.backend.BackendUnavailableException;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/** The job's placement check on this CPU-only machine, through {@link TrainJob#execute}. */
class TrainJobPlacementTest {
  @TempDir Path runs;

  List<String> args(String runId, String placement) {
    return new ArrayList<>(List.of(
        "--set", "data.train-images=" + TrainJobTest.SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.train-labels=" + TrainJobTest.SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.test-images=" + TrainJobTest.SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.test-labels=" + TrainJobTest.SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=256", "--set", "data.test-limit=100",
        "--set", "train.epochs=1",
        "--set", "run.output-root=" + runs, "--set", "run.id=" + runId,
        "--set", "cluster.placement=" + placement));
  }

  @Test
  void gpuPlacementWithoutACudaDeviceExitsWithBackendBeforeLoadingData() throws Exception {
    TrainJobTest.Outcome outcome = TrainJobTest.execute(args("gpu", "gpu"));
    assertEquals(ExitCode.BACKEND, outcome.code(), outcome.err());
    assertEquals(5, ExitCode.BACKEND.code());
    assertTrue(outcome.err().startsWith("error: cluster.placement=gpu needs ND4J's CUDA backend"),
        outcome.err());
    assertTrue(outcome.err().contains("no CUDA device"), outcome.err());
    Path dir = runs.resolve("gpu");
    assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.readString(dir.resolve(RunLayout.FAILED)).contains("no CUDA device"));
    assertFalse(Files.exists(dir.resolve(RunLayout.DATASET_STATS)),
        "stopped before reading the data");
    JsonNode env = new ObjectMapper().readTree(
        Files.readString(dir.resolve(RunLayout.ENVIRONMENT_JSON)));
    assertEquals("gpu", env.get("placement").asText());
    assertEquals("CPU", env.get("driver").get("nd4j_backend").asText());
  }

  @Test
  void allowCpuFallbackTrainsOnTheCpuAnyway() throws Exception {
    List<String> args = args("fallback", "hybrid");
    args.addAll(List.of("--set", "cluster.allow-cpu-fallback=true"));
    TrainJobTest.Outcome outcome = TrainJobTest.execute(args);
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("fallback");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    JsonNode env = new ObjectMapper().readTree(
        Files.readString(dir.resolve(RunLayout.ENVIRONMENT_JSON)));
    assertEquals("hybrid", env.get("placement").asText());
    assertTrue(env.get("allow_cpu_fallback").asBoolean());
  }

  @Test
  void classifiesAProbeFailureInsideSparksWrapping() {
    var wrapped = new RuntimeException("Job aborted due to stage failure",
        new BackendUnavailableException("host h: GPU 0 ... 9.0"));
    assertEquals(ExitCode.BACKEND, ExitCode.of(wrapped));
  }
}
