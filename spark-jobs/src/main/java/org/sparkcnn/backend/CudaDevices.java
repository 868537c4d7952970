package org.sparkcnn.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The NVIDIA GPUs of this machine as {@code nvidia-smi} lists them, asked before ND4J loads, and
 * whether the CUDA backend the project supports can run on them.
 *
 * <p>That backend is DL4J 1.0.0-M2.1's {@code nd4j-cuda-11.6}: its native library holds compiled
 * kernels (SASS) for the compute capabilities in {@link #KERNEL_ARCHITECTURES} and no PTX, so the
 * CUDA driver cannot compile kernels for a newer architecture. A kernel compiled for {@code X.y}
 * runs on devices {@code X.z} with {@code z >= y} (CUDA's binary compatibility within a major
 * version): an L4 (8.9) runs the 8.6 kernels, an H100 (9.0) runs none and would fail deep inside
 * ND4J at its first operation.
 */
public final class CudaDevices {
  /** The CUDA build the project supports, as named in messages. */
  public static final String CUDA_BUILD = "nd4j-cuda-11.6 (DL4J 1.0.0-M2.1)";
  /** Compute capabilities {@link #CUDA_BUILD} has kernels for (sm_37 ... sm_86), oldest first. */
  public static final List<String> KERNEL_ARCHITECTURES =
      List.of("3.7", "5.0", "5.2", "6.0", "6.1", "7.0", "7.5", "8.0", "8.6");
  /** The query: one line per GPU, e.g. {@code 0, NVIDIA A100-SXM4-40GB, 8.0}. */
  public static final List<String> NVIDIA_SMI =
      List.of("nvidia-smi", "--query-gpu=index,name,compute_cap", "--format=csv,noheader");
  /** The device file of the first GPU, present where the NVIDIA driver is loaded. */
  static final Path DEV_NVIDIA0 = Path.of("/dev/nvidia0");
  /** ND4J's CUDA backend, found through ServiceLoader when nd4j-cuda is on the class path. */
  static final String CUDA_BACKEND_CLASS = "org/nd4j/linalg/jcublas/JCublasBackend.class";
  /** ND4J's default backend priorities (Nd4jBackend): CUDA wins when both are present. */
  static final int DEFAULT_PRIORITY_CPU = 0;
  static final int DEFAULT_PRIORITY_GPU = 100;
  static final long NVIDIA_SMI_TIMEOUT_SECONDS = 30;

  /** One answer per command and JVM: every probe task of an executor asks the same. */
  private static final Map<List<String>, Query> QUERIES = new ConcurrentHashMap<>();

  private CudaDevices() {}

  /**
   * What {@code nvidia-smi} answered.
   *
   * @param status {@code ok}, {@code not found} (no such command) or {@code failed: <why>}
   * @param devices the GPUs listed; empty unless the status is {@code ok}
   */
  public record Query(String status, List<GpuDevice> devices) {
    public static final String OK = "ok";
    public static final String NOT_FOUND = "not found";

    public Query {
      devices = List.copyOf(devices);
    }
  }

  /**
   * Whether a device of compute capability {@code computeCapability} ({@code major.minor}) runs
   * the kernels of {@link #CUDA_BUILD}: some kernel architecture has its major version and a minor
   * version not above its own.
   */
  public static boolean supported(String computeCapability) {
    int[] device = parseCapability(computeCapability);
    if (device == null) {
      return false;
    }
    return KERNEL_ARCHITECTURES.stream().map(CudaDevices::parseCapability)
        .anyMatch(kernel -> kernel[0] == device[0] && kernel[1] <= device[1]);
  }

  private static int[] parseCapability(String capability) {
    String[] parts = capability.trim().split("\\.");
    try {
      return parts.length == 2
          ? new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The GPUs in the output of {@link #NVIDIA_SMI}: lines {@code index, name, compute_cap}.
   *
   * @throws IllegalArgumentException naming a line that is not of that form
   */
  public static List<GpuDevice> parse(String output) {
    List<GpuDevice> devices = new ArrayList<>();
    for (String line : output.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",");
      if (fields.length < 3) {
        throw new IllegalArgumentException("unexpected nvidia-smi line '" + line.trim()
            + "': expected index, name, compute_cap");
      }
      int index;
      try {
        index = Integer.parseInt(fields[0].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("unexpected nvidia-smi line '" + line.trim()
            + "': the GPU index is not a number", e);
      }
      // A name with a comma in it keeps its commas: the index is first, the capability last.
      String name = String.join(",", List.of(fields).subList(1, fields.length - 1)).trim();
      devices.add(new GpuDevice(index, name, fields[fields.length - 1].trim()));
    }
    return devices;
  }

  /**
   * Runs {@code command} (normally {@link #NVIDIA_SMI}) once per JVM and parses its output. A
   * missing command, a failure (no driver loaded, a driver too old for {@code compute_cap}) or
   * output that does not parse give a status saying so and no devices, never an exception.
   */
  public static Query query(List<String> command) {
    return QUERIES.computeIfAbsent(List.copyOf(command), CudaDevices::run);
  }

  private static Query run(List<String> command) {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Query(Query.NOT_FOUND, List.of());
    }
    try {
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(NVIDIA_SMI_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return new Query("failed: no answer in " + NVIDIA_SMI_TIMEOUT_SECONDS + " s", List.of());
      }
      if (process.exitValue() != 0) {
        return new Query("failed: exit code " + process.exitValue() + ": " + firstLine(output),
            List.of());
      }
      return new Query(Query.OK, parse(output));
    } catch (IllegalArgumentException e) {
      return new Query("failed: " + e.getMessage(), List.of());
    } catch (IOException e) {
      return new Query("failed: " + e, List.of());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return new Query("failed: interrupted", List.of());
    }
  }

  private static String firstLine(String text) {
    return text.strip().lines().findFirst().orElse("no output");
  }

  /**
   * Fails when any of {@code devices} (on {@code host}) is a GPU {@link #CUDA_BUILD} cannot run
   * on, naming each such device and its compute capability.
   *
   * @throws BackendUnavailableException for an unsupported GPU
   */
  public static void requireSupported(String host, List<GpuDevice> devices) {
    List<GpuDevice> unsupported = devices.stream().filter(d -> !d.supported()).toList();
    if (unsupported.isEmpty()) {
      return;
    }
    throw new BackendUnavailableException("host " + host + ": "
        + GpuDevice.list(unsupported)
        + (unsupported.size() == 1 ? " is a GPU " : " are GPUs ") + CUDA_BUILD
        + " has no kernels for: it carries kernels for compute capabilities "
        + String.join(", ", KERNEL_ARCHITECTURES)
        + " (and later minor versions of the same major, e.g. 8.9) and no PTX. Run with"
        + " cluster.placement=cpu, keep such GPUs from the job (CUDA_VISIBLE_DEVICES, or the"
        + " cluster's GPU resources), or use GPUs of compute capability 3.7 to 8.9.");
  }

  /** Whether ND4J's CUDA backend (nd4j-cuda) is on this JVM's class path. */
  public static boolean cudaBackendOnClassPath() {
    return CudaDevices.class.getClassLoader().getResource(CUDA_BACKEND_CLASS) != null;
  }

  /**
   * Whether ND4J will try the CUDA backend first when it loads in this JVM: nd4j-cuda is on the
   * class path and {@code BACKEND_PRIORITY_GPU} is above {@code BACKEND_PRIORITY_CPU} (ND4J's
   * defaults: 100 and 0).
   */
  public static boolean cudaBackendPreferred() {
    return cudaBackendOnClassPath()
        && priorityOf("BACKEND_PRIORITY_GPU", DEFAULT_PRIORITY_GPU)
        > priorityOf("BACKEND_PRIORITY_CPU", DEFAULT_PRIORITY_CPU);
  }

  private static int priorityOf(String variable, int defaultPriority) {
    return priority(System.getenv(variable), defaultPriority);
  }

  /** A backend priority variable's value, or the default when it is unset or not a number. */
  static int priority(String value, int defaultPriority) {
    try {
      return value == null || value.isBlank() ? defaultPriority : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return defaultPriority; // ND4J itself fails on it, with its own message
    }
  }

  /** Whether {@code /dev/nvidia0} exists. */
  public static boolean deviceFilePresent() {
    return Files.exists(DEV_NVIDIA0);
  }

  /**
   * Whether this machine shows a CUDA device at all: nvidia-smi lists one or {@code
   * /dev/nvidia0} exists.
   */
  public static boolean anyDevice(Query query) {
    return !query.devices().isEmpty() || deviceFilePresent();
  }

  /**
   * Before ND4J loads in this JVM: when {@code cudaWanted} or ND4J would try CUDA anyway, fails
   * on a GPU {@link #CUDA_BUILD} cannot run on (from nvidia-smi, when it is installed).
   *
   * @throws BackendUnavailableException for an unsupported GPU
   */
  public static void checkBeforeNd4j(String host, boolean cudaWanted, List<String> nvidiaSmi) {
    if (cudaWanted || cudaBackendPreferred()) {
      requireSupported(host, query(nvidiaSmi).devices());
    }
  }
}
