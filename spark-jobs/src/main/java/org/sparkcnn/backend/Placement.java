package org.sparkcnn.backend;

import java.util.ArrayList;
import java.util.List;
import org.sparkcnn.config.ComputePlacement;
import org.sparkcnn.config.JobConfig;

/**
 * Checks that every JVM runs the ND4J backend {@code cluster.placement} asks for: {@code cpu}
 * the CPU backend everywhere, {@code gpu} CUDA everywhere, {@code hybrid} the CPU backend on the
 * driver (which averages the parameters) and CUDA on the executors (which fit the minibatches).
 *
 * <p>A JVM on the CPU backend where CUDA is wanted is a fallback: an error, or a warning with
 * {@code cluster.allow-cpu-fallback}. A JVM on CUDA where the CPU backend is wanted, or on a GPU
 * the CUDA build has no kernels for, is always an error.
 */
public final class Placement {
  static final String ADVICE_CUDA = "To run there: use machines with an NVIDIA GPU of compute"
      + " capability 3.7 to 8.9; ship the CUDA backend jars (org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1"
      + " and its linux-x86_64 natives, with CUDA 11.6 on the machines) to the driver and the"
      + " executors; check BACKEND_PRIORITY_CPU / BACKEND_PRIORITY_GPU in each JVM's environment"
      + " (the submit scripts set them from the placement; the GPU's must be the higher) and the"
      + " driver and executor logs for ND4J's \"Skipped [JCublasBackend] backend (unavailable)\"."
      + " Or set cluster.placement=cpu, or cluster.allow-cpu-fallback=true to carry on with the"
      + " CPU backend.";
  static final String ADVICE_CPU = "Give these JVMs BACKEND_PRIORITY_CPU above"
      + " BACKEND_PRIORITY_GPU (the submit scripts do for the CPU placement) or leave nd4j-cuda"
      + " off their class path.";
  static final String LOCAL_HYBRID = "In Spark local mode the driver and the executors are one"
      + " JVM, so it cannot run both backends: use placement cpu or gpu there.";

  private Placement() {}

  /**
   * Checks {@code env} against {@code cluster}; returns the warnings to log (the fallbacks {@code
   * cluster.allow-cpu-fallback} accepts), empty when every JVM runs what it should.
   *
   * @throws BackendUnavailableException naming every JVM that runs the wrong backend, what it
   *     runs, why where it can be told, and what to do
   */
  public static List<String> check(JobConfig.ClusterConfig cluster, ClusterEnvironment env) {
    List<String> fallbacks = new ArrayList<>();
    List<String> onCuda = new ArrayList<>();
    List<String> unsupported = new ArrayList<>();
    for (JvmEnvironment jvm : env.all()) {
      boolean wantsCuda = jvm.isDriver() ? cluster.driverOnGpu() : cluster.executorsOnGpu();
      List<GpuDevice> bad = jvm.cudaDevices().stream().filter(d -> !d.supported()).toList();
      if (jvm.runsCuda() && !bad.isEmpty()) {
        unsupported.add("  " + jvm.name() + ": " + GpuDevice.list(bad));
      }
      if (wantsCuda && !jvm.runsCuda()) {
        fallbacks.add("  " + jvm.name() + " runs " + jvm.nd4jBuild() + ": " + whyNotCuda(jvm));
      } else if (!wantsCuda && jvm.runsCuda()) {
        onCuda.add("  " + jvm.name() + " runs " + jvm.nd4jBuild());
      }
    }
    String placement = "cluster.placement=" + cluster.placement();
    List<String> errors = new ArrayList<>();
    if (!unsupported.isEmpty()) {
      errors.add("these JVMs run CUDA on GPUs " + CudaDevices.CUDA_BUILD + " has no kernels for"
          + " (it has them for compute capabilities " + String.join(", ",
              CudaDevices.KERNEL_ARCHITECTURES) + " and no PTX):\n"
          + String.join("\n", unsupported));
    }
    if (!onCuda.isEmpty()) {
      errors.add(placement + " " + wants(cluster) + ", but these JVMs run CUDA:\n"
          + String.join("\n", onCuda) + "\n" + ADVICE_CPU);
    }
    String fallback = fallbacks.isEmpty() ? null : placement + " " + wants(cluster)
        + ", but these JVMs run the CPU backend:\n" + String.join("\n", fallbacks);
    if (fallback != null && !cluster.allowCpuFallback()) {
      boolean local = cluster.placement() == ComputePlacement.HYBRID
          && env.executors().stream().anyMatch(e -> e.executorId().equals(JvmEnvironment.DRIVER));
      errors.add(fallback + "\n" + ADVICE_CUDA + (local ? "\n" + LOCAL_HYBRID : ""));
    }
    if (!errors.isEmpty()) {
      throw new BackendUnavailableException(String.join("\n", errors)
          + "\nEvery JVM's backend: environment.json in the run directory.");
    }
    return fallback == null ? List.of()
        : List.of(fallback + "\ncarrying on: cluster.allow-cpu-fallback is true");
  }

  private static String wants(JobConfig.ClusterConfig cluster) {
    return switch (cluster.placement()) {
      case GPU -> "needs ND4J's CUDA backend on the driver and the executors";
      case HYBRID -> "needs ND4J's CPU backend on the driver and CUDA on the executors";
      case CPU -> "needs ND4J's CPU backend on the driver and the executors";
    };
  }

  /** Why {@code jvm} does not run CUDA, as far as its environment tells. */
  static String whyNotCuda(JvmEnvironment jvm) {
    List<String> reasons = new ArrayList<>();
    if (!jvm.anyCudaDevice()) {
      reasons.add("no CUDA device (nvidia-smi: " + jvm.nvidiaSmi() + "; no /dev/nvidia0)");
    }
    if (!jvm.cudaBackendOnClassPath()) {
      reasons.add("nd4j-cuda is not on its class path");
    } else if (CudaDevices.priority(jvm.backendPriorityGpu(), CudaDevices.DEFAULT_PRIORITY_GPU)
        <= CudaDevices.priority(jvm.backendPriorityCpu(), CudaDevices.DEFAULT_PRIORITY_CPU)) {
      reasons.add("BACKEND_PRIORITY_GPU=" + jvm.backendPriorityGpu() + " is not above"
          + " BACKEND_PRIORITY_CPU=" + jvm.backendPriorityCpu() + ", so ND4J prefers the CPU");
    } else if (jvm.anyCudaDevice()) {
      reasons.add("ND4J could not load its CUDA backend (its log says why: \"Skipped"
          + " [JCublasBackend] backend (unavailable)\")");
    }
    return String.join("; ", reasons);
  }
}
