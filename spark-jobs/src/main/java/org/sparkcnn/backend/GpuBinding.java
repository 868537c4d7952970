package org.sparkcnn.backend;

import java.util.List;
import java.util.OptionalInt;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds a Spark task's thread to the GPU Spark assigned the task, so that an executor with
 * several GPUs runs each concurrent task on its own device rather than all on device 0.
 */
public final class GpuBinding {
  /** Where CUDA numbers the devices the process may use, when it is set. */
  static final String CUDA_VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";
  private static volatile Boolean cudaRuns;

  private GpuBinding() {}

  /**
   * Binds ND4J's current thread to the task's GPU; call at the start of a Spark task, on the
   * task's thread, before it allocates ND4J arrays (arrays stay on the device they were made
   * on).
   *
   * <p>The GPU is the first address of the task's {@code gpu} resource ({@code
   * TaskContext.get().resources().get("gpu")}, present when {@code spark.task.resource.gpu.amount}
   * is set and the executors have a GPU discovery script). Spark's addresses are the discovery
   * script's (nvidia-smi's indices); ND4J numbers the devices CUDA shows, so when {@code
   * CUDA_VISIBLE_DEVICES} is set the address is looked up in it and its position used.
   *
   * <p>A no-op returning empty when ND4J runs the CPU backend, outside a Spark task, or when the
   * task has no GPU resource.
   *
   * @return the ND4J device the thread is now bound to, or empty
   * @throws IllegalStateException when the address is not a device index, not in {@code
   *     CUDA_VISIBLE_DEVICES}, or beyond the devices ND4J sees
   */
  public static OptionalInt bindTaskGpu() {
    OptionalInt device = taskDevice();
    device.ifPresent(GpuBinding::bindDevice);
    return device;
  }

  /**
   * The ND4J device of the current Spark task's GPU, as {@link #bindTaskGpu} finds it, without
   * binding: call on the task's thread, then {@link #bindDevice} on the thread that computes.
   *
   * @return the device, or empty on the CPU backend, outside a task or without a GPU resource
   * @throws IllegalStateException as {@link #bindTaskGpu}
   */
  public static OptionalInt taskDevice() {
    if (!cudaRuns()) {
      return OptionalInt.empty();
    }
    OptionalInt device = deviceOrdinal(JvmEnvironment.taskGpuAddresses(),
        System.getenv(CUDA_VISIBLE_DEVICES));
    if (device.isPresent()) {
      int devices = Nd4j.getAffinityManager().getNumberOfDevices();
      if (device.getAsInt() >= devices) {
        throw new IllegalStateException("the task's GPU is CUDA device " + device.getAsInt()
            + " but ND4J sees " + devices + " device(s)");
      }
    }
    return device;
  }

  /** Binds ND4J's current thread to CUDA device {@code device} (an ND4J device ordinal). */
  public static void bindDevice(int device) {
    Nd4j.getAffinityManager().unsafeSetDevice(device);
  }

  /**
   * The CUDA device (ordinal) of the first of a task's GPU {@code addresses}: the address itself,
   * or its position in {@code cudaVisibleDevices} when that is set; empty without addresses.
   *
   * @throws IllegalStateException when the address is not a number or not in {@code
   *     cudaVisibleDevices}
   */
  static OptionalInt deviceOrdinal(List<String> addresses, String cudaVisibleDevices) {
    if (addresses.isEmpty()) {
      return OptionalInt.empty();
    }
    String address = addresses.get(0).trim();
    if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
      List<String> visible = List.of(cudaVisibleDevices.split(",")).stream()
          .map(String::trim).toList();
      int position = visible.indexOf(address);
      if (position < 0) {
        throw new IllegalStateException("Spark assigned the task GPU " + address + ", which is"
            + " not among " + CUDA_VISIBLE_DEVICES + "=" + cudaVisibleDevices);
      }
      return OptionalInt.of(position);
    }
    if (!address.matches("\\d+")) {
      throw new IllegalStateException("Spark assigned the task GPU '" + address + "', which is"
          + " not a device index: the GPU discovery script must print indices (nvidia-smi's)");
    }
    return OptionalInt.of(Integer.parseInt(address));
  }

  /** Whether ND4J runs its CUDA backend in this JVM (loads ND4J if needed). */
  static boolean cudaRuns() {
    Boolean runs = cudaRuns;
    if (runs == null) {
      runs = JvmEnvironment.CUDA.equalsIgnoreCase(Nd4j.getExecutioner()
          .getEnvironmentInformation().getProperty(Nd4jEnvironment.BACKEND_KEY));
      cudaRuns = runs;
    }
    return runs;
  }
}
