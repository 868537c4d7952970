package org.sparkcnn.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkcnn.config.JobConfig.ClusterConfig;

/** The placement check on described JVMs, including GPU machines this one is not. */
class PlacementTest {
  static final String CPU_BUILD = "CPU linux-x86_64-onednn-avx512 oneDNN";
  static final String CUDA_BUILD = "CUDA linux-x86_64";
  static final GpuDevice A100 = new GpuDevice(0, "NVIDIA A100-SXM4-40GB", "8.0");
  static final GpuDevice H100 = new GpuDevice(0, "NVIDIA H100 80GB HBM3", "9.0");

  static JvmEnvironment cpu(String role, String id) {
    return JvmEnvironment.builder(role, id, "node-" + id).nd4j("CPU", CPU_BUILD, 1).build();
  }

  /** A JVM on a GPU machine that runs the CPU backend anyway. */
  static JvmEnvironment cpuOnGpuMachine(String id, boolean cudaOnClassPath, String priorityCpu,
      String priorityGpu) {
    return JvmEnvironment.builder(JvmEnvironment.EXECUTOR, id, "node-" + id)
        .nd4j("CPU", CPU_BUILD, 1).cudaBackendOnClassPath(cudaOnClassPath)
        .nvidiaSmi(CudaDevices.Query.OK, List.of(A100)).devNvidia0(true)
        .variables("1", priorityCpu, priorityGpu).build();
  }

  static JvmEnvironment cuda(String role, String id, GpuDevice device) {
    return JvmEnvironment.builder(role, id, "node-" + id).nd4j("CUDA", CUDA_BUILD, 1)
        .cudaBackendOnClassPath(true).cudaDevices(List.of(device))
        .nvidiaSmi(CudaDevices.Query.OK, List.of(device)).devNvidia0(true).build();
  }

  static ClusterEnvironment cluster(JvmEnvironment driver, JvmEnvironment... executors) {
    return new ClusterEnvironment(driver, List.of(executors));
  }

  static String failure(ClusterConfig config, ClusterEnvironment env) {
    return assertThrows(BackendUnavailableException.class, () -> Placement.check(config, env))
        .getMessage();
  }

  @Test
  void eachPlacementAcceptsTheBackendsItAsksFor() {
    JvmEnvironment cpuDriver = cpu(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER);
    JvmEnvironment cudaDriver = cuda(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER, A100);
    assertEquals(List.of(), Placement.check(new ClusterConfig("cpu", false),
        cluster(cpuDriver, cpu(JvmEnvironment.EXECUTOR, "1"), cpu(JvmEnvironment.EXECUTOR, "2"))));
    assertEquals(List.of(), Placement.check(new ClusterConfig("gpu", false),
        cluster(cudaDriver, cuda(JvmEnvironment.EXECUTOR, "1", A100))));
    assertEquals(List.of(), Placement.check(new ClusterConfig("hybrid", false),
        cluster(cpuDriver, cuda(JvmEnvironment.EXECUTOR, "1", A100))));
  }

  @Test
  void gpuPlacementOnCpuOnlyMachinesNamesEveryJvmAndSaysNoCudaDevice() {
    String message = failure(new ClusterConfig("gpu", false),
        cluster(cpu(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER),
            cpu(JvmEnvironment.EXECUTOR, "1"), cpu(JvmEnvironment.EXECUTOR, "2")));
    assertTrue(message.startsWith("cluster.placement=gpu needs ND4J's CUDA backend on the driver"
        + " and the executors, but these JVMs run the CPU backend:\n"), message);
    assertTrue(message.contains("\n  driver on node-driver runs " + CPU_BUILD + ": no CUDA"
        + " device (nvidia-smi: not found; no /dev/nvidia0); nd4j-cuda is not on its class"
        + " path\n"), message);
    assertTrue(message.contains("\n  executor 2 on node-2 runs " + CPU_BUILD + ": no CUDA"
        + " device"), message);
    assertTrue(message.contains("ship the CUDA backend jars"), message);
    assertTrue(message.contains("BACKEND_PRIORITY_CPU / BACKEND_PRIORITY_GPU"), message);
    assertTrue(message.endsWith("environment.json in the run directory."), message);
  }

  @Test
  void hybridFallbackNamesOnlyTheExecutorsAndTellsWhyEach() {
    String message = failure(new ClusterConfig("hybrid", false),
        cluster(cpu(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER),
            cuda(JvmEnvironment.EXECUTOR, "1", A100),
            cpuOnGpuMachine("2", false, null, null),
            cpuOnGpuMachine("3", true, "10", "5"),
            cpuOnGpuMachine("4", true, null, null)));
    assertFalse(message.contains("driver on"), message);
    assertFalse(message.contains("executor 1 "), message);
    assertTrue(message.contains("executor 2 on node-2 runs " + CPU_BUILD
        + ": nd4j-cuda is not on its class path\n"), message);
    assertTrue(message.contains("executor 3 on node-3 runs " + CPU_BUILD
        + ": BACKEND_PRIORITY_GPU=5 is not above BACKEND_PRIORITY_CPU=10"), message);
    assertTrue(message.contains("executor 4 on node-4 runs " + CPU_BUILD
        + ": ND4J could not load its CUDA backend"), message);
    assertFalse(message.contains(Placement.LOCAL_HYBRID), message);
  }

  @Test
  void allowCpuFallbackTurnsTheFailureIntoAWarning() {
    List<String> warnings = Placement.check(new ClusterConfig("gpu", true),
        cluster(cpu(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER),
            cpu(JvmEnvironment.EXECUTOR, "1")));
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("executor 1 on node-1 runs " + CPU_BUILD), warnings.get(0));
    assertTrue(warnings.get(0).endsWith("carrying on: cluster.allow-cpu-fallback is true"));
    // it does not excuse CUDA where the CPU backend is wanted
    String message = failure(new ClusterConfig("hybrid", true),
        cluster(cuda(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER, A100),
            cuda(JvmEnvironment.EXECUTOR, "1", A100)));
    assertTrue(message.startsWith("cluster.placement=hybrid needs ND4J's CPU backend on the driver"
        + " and CUDA on the executors, but these JVMs run CUDA:\n  driver on node-driver runs "
        + CUDA_BUILD + "\n"), message);
  }

  @Test
  void cpuPlacementRefusesCudaExecutors() {
    String message = failure(new ClusterConfig("cpu", false),
        cluster(cpu(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER),
            cpu(JvmEnvironment.EXECUTOR, "1"), cuda(JvmEnvironment.EXECUTOR, "2", A100)));
    assertTrue(message.contains("but these JVMs run CUDA:\n  executor 2 on node-2 runs "
        + CUDA_BUILD + "\n" + Placement.ADVICE_CPU), message);
    assertFalse(message.contains("executor 1"), message);
  }

  @Test
  void cudaOnAnUnsupportedGpuIsAnErrorEvenWhenPlacedThere() {
    String message = failure(new ClusterConfig("gpu", false),
        cluster(cuda(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER, A100),
            cuda(JvmEnvironment.EXECUTOR, "1", H100)));
    assertTrue(message.contains("executor 1 on node-1: GPU 0 NVIDIA H100 80GB HBM3 (compute"
        + " capability 9.0)"), message);
    assertFalse(message.contains("driver on"), message);
  }

  @Test
  void hybridInLocalModeSaysOneJvmCannotRunBoth() {
    String message = failure(new ClusterConfig("hybrid", false),
        cluster(cpu(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER),
            cpu(JvmEnvironment.EXECUTOR, JvmEnvironment.DRIVER)));
    assertTrue(message.contains("executor driver on node-driver runs " + CPU_BUILD), message);
    assertTrue(message.contains(Placement.LOCAL_HYBRID), message);
  }
}
