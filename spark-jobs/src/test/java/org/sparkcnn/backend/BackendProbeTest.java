package org.sparkcnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.sparkcnn.SparkTest;
import org.sparkcnn.config.JobConfig.ClusterConfig;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/** The backend probe on Spark local[2], on this CPU-only machine. */
class BackendProbeTest extends SparkTest {
  @TempDir Path tmp;

  @Test
  void probeReportsTheCpuBackendOfDriverAndExecutorsInEnvironmentJson() throws Exception {
    RunDirectory dir = RunDirectory.create(tmp.toString(), "probe", new Configuration());
    ClusterConfig cluster = new ClusterConfig("cpu", false);
    ClusterEnvironment env = BackendProbe.run(sc, cluster,
        found -> dir.write(RunLayout.ENVIRONMENT_JSON, found.toJson(cluster)));

    String build = NativeBackend.describe();
    assertTrue(build.startsWith("CPU "), build);
    assertTrue(env.driver().isDriver());
    assertEquals("CPU", env.driver().nd4jBackend());
    // local mode: the tasks run in the driver's JVM, whose executor id is "driver"
    assertEquals(List.of(JvmEnvironment.DRIVER),
        env.executors().stream().map(JvmEnvironment::executorId).toList());

    JsonNode json = new ObjectMapper().readTree(
        Files.readString(tmp.resolve("probe").resolve(RunLayout.ENVIRONMENT_JSON)));
    assertEquals("cpu", json.get("placement").asText());
    assertFalse(json.get("allow_cpu_fallback").asBoolean());
    JsonNode driver = json.get("driver");
    JsonNode executors = json.get("executors");
    assertEquals(1, executors.size());
    for (JsonNode jvm : List.of(driver, executors.get(0))) {
      assertEquals("CPU", jvm.get("nd4j_backend").asText());
      assertEquals(build, jvm.get("nd4j_build").asText());
      assertEquals(JvmEnvironment.hostName(), jvm.get("host").asText());
      assertEquals(Runtime.getRuntime().availableProcessors(), jvm.get("cores").asInt());
      assertEquals(JvmEnvironment.CPU_MODEL, jvm.get("cpu_model").asText());
      assertFalse(jvm.get("cpu_model").asText().isBlank());
      // surefire sets OMP_NUM_THREADS=1, and ND4J follows it
      assertEquals(System.getenv("OMP_NUM_THREADS"), jvm.get("omp_num_threads").asText());
      assertEquals(1, jvm.get("nd4j_threads").asInt());
      assertTrue(jvm.get("backend_priority_cpu").isNull());
      assertTrue(jvm.get("backend_priority_gpu").isNull());
      assertFalse(jvm.get("cuda_backend_on_class_path").asBoolean());
      assertEquals(0, jvm.get("cuda_devices").size());
      assertEquals(CudaDevices.Query.NOT_FOUND, jvm.get("nvidia_smi").asText());
      assertFalse(jvm.get("dev_nvidia0").asBoolean());
      assertEquals(0, jvm.get("spark_task_gpus").size());
      assertEquals(Runtime.version().toString(), jvm.get("java_version").asText());
    }
    assertEquals("driver", driver.get("role").asText());
    assertEquals("executor", executors.get(0).get("role").asText());
    assertEquals("driver", executors.get(0).get("executor_id").asText());
  }

  @Test
  void gpuPlacementFailsAfterWritingEnvironmentJson() throws Exception {
    RunDirectory dir = RunDirectory.create(tmp.toString(), "gpu", new Configuration());
    ClusterConfig gpu = new ClusterConfig("gpu", false);
    var e = assertThrows(BackendUnavailableException.class,
        () -> BackendProbe.run(sc, gpu,
            found -> dir.write(RunLayout.ENVIRONMENT_JSON, found.toJson(gpu))));
    assertTrue(e.getMessage().contains("no CUDA device"), e.getMessage());
    JsonNode json = new ObjectMapper().readTree(
        Files.readString(tmp.resolve("gpu").resolve(RunLayout.ENVIRONMENT_JSON)));
    assertEquals("gpu", json.get("placement").asText());
    assertEquals("CPU", json.get("executors").get(0).get("nd4j_backend").asText());
  }

  @Test
  void executorsOnAnUnsupportedGpuFailTheProbeBeforeLoadingNd4j() throws Exception {
    Path smi = tmp.resolve("h100-nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\nprintf '0, NVIDIA H100 80GB HBM3, 9.0\\n'\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    var e = assertThrows(BackendUnavailableException.class,
        () -> BackendProbe.probe(sc, false, true, List.of(smi.toString())));
    // the task's own message, not Spark's account of the failed stage
    assertTrue(e.getMessage().startsWith("host " + JvmEnvironment.hostName()
        + ": GPU 0 NVIDIA H100 80GB HBM3 (compute capability 9.0) is a GPU nd4j-cuda-11.6"),
        e.getMessage());
    // where CUDA is not wanted the GPU is only reported
    ClusterEnvironment env = BackendProbe.probe(sc, false, false, List.of(smi.toString()));
    assertEquals(List.of(new GpuDevice(0, "NVIDIA H100 80GB HBM3", "9.0")),
        env.executors().get(0).nvidiaSmiDevices());
    assertEquals("CPU", env.executors().get(0).nd4jBackend());
  }

  @Test
  void ordersExecutorIdsNumerically() {
    List<String> ids = List.of("10", "driver", "2", "1");
    assertEquals(List.of("1", "2", "10", "driver"),
        ids.stream().sorted(BackendProbe::compareIds).toList());
  }
}
