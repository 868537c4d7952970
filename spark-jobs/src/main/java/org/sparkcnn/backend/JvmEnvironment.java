package org.sparkcnn.backend;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What one JVM of a job (the driver or an executor) computes with: the ND4J backend it really
 * runs and its native build, its CUDA devices, what nvidia-smi shows, the CPU, thread settings,
 * the environment variables that choose ND4J's backend, and the Java version. {@link #probe}
 * collects it in the JVM it runs in; {@code environment.json} holds one per JVM.
 *
 * <p>A plain class with mutable lists rather than a record: it is a Spark task result, and Kryo
 * cannot write a Java record's final fields or rebuild immutable lists.
 */
public final class JvmEnvironment implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String DRIVER = "driver";
  public static final String EXECUTOR = "executor";
  /** ND4J's name of its CUDA backend in {@code getEnvironmentInformation()}. */
  public static final String CUDA = "CUDA";
  /** Spark's resource name for GPUs ({@code spark.task.resource.gpu.amount}). */
  public static final String GPU_RESOURCE = "gpu";

  private String role;
  private String executorId;
  private String host;
  private String nd4jBackend = "";
  private String nd4jBuild = "";
  private int nd4jThreads;
  private boolean cudaBackendOnClassPath;
  private ArrayList<GpuDevice> cudaDevices = new ArrayList<>();
  private String nvidiaSmi = CudaDevices.Query.NOT_FOUND;
  private ArrayList<GpuDevice> nvidiaSmiDevices = new ArrayList<>();
  private boolean devNvidia0;
  private ArrayList<String> sparkTaskGpus = new ArrayList<>();
  private String cpuModel = "";
  private int cores;
  private String ompNumThreads;
  private String backendPriorityCpu;
  private String backendPriorityGpu;
  private String javaVersion = "";

  private JvmEnvironment() {}

  /**
   * This JVM's environment, from inside it. Asks nvidia-smi first and, when {@code cudaWanted}
   * or ND4J would try CUDA anyway, fails on an unsupported GPU before touching ND4J; then loads
   * ND4J (if not loaded yet) and reads what it runs.
   *
   * @param role {@link #DRIVER} or {@link #EXECUTOR}
   * @param executorId Spark's executor id ({@code driver} in local mode)
   * @param nvidiaSmi the nvidia-smi command ({@link CudaDevices#NVIDIA_SMI})
   * @throws BackendUnavailableException for a GPU the CUDA build cannot run on
   */
  public static JvmEnvironment probe(String role, String executorId, boolean cudaWanted,
      List<String> nvidiaSmi) {
    String host = HOST;
    CudaDevices.Query smi = CudaDevices.query(nvidiaSmi);
    CudaDevices.checkBeforeNd4j(host, cudaWanted, nvidiaSmi);

    String build = NativeBackend.describe(); // loads ND4J
    Properties info = Nd4j.getExecutioner().getEnvironmentInformation();
    String backend = build.split(" ")[0]; // describe() starts with ND4J's backend, upper-case
    return builder(role, executorId, host)
        .nd4j(backend, build, number(info.get(Nd4jEnvironment.OMP_THREADS_KEY)))
        .cudaBackendOnClassPath(CudaDevices.cudaBackendOnClassPath())
        .cudaDevices(cudaDevices(info))
        .nvidiaSmi(smi.status(), smi.devices())
        .devNvidia0(CudaDevices.deviceFilePresent())
        .sparkTaskGpus(taskGpuAddresses())
        .cpu(CPU_MODEL, Runtime.getRuntime().availableProcessors())
        .variables(System.getenv("OMP_NUM_THREADS"), System.getenv("BACKEND_PRIORITY_CPU"),
            System.getenv("BACKEND_PRIORITY_GPU"))
        .javaVersion(Runtime.version().toString())
        .build();
  }

  /** The devices ND4J's CUDA backend reports ({@code cuda.devicesInformation}); empty on CPU. */
  static List<GpuDevice> cudaDevices(Properties info) {
    List<GpuDevice> devices = new ArrayList<>();
    if (info.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY) instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof Map<?, ?> device) {
          devices.add(new GpuDevice(i,
              String.valueOf(device.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY)),
              number(device.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY)) + "."
                  + number(device.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY))));
        }
      }
    }
    return devices;
  }

  private static int number(Object value) {
    return value instanceof Number n ? n.intValue() : 0;
  }

  /** The addresses of the GPUs Spark gave the running task; empty outside a task or without. */
  static List<String> taskGpuAddresses() {
    TaskContext task = TaskContext.get();
    ResourceInformation gpus = task == null ? null : task.resourcesJMap().get(GPU_RESOURCE);
    return gpus == null ? List.of() : List.of(gpus.addresses());
  }

  /** This machine's host name, or its address where the name cannot be found. */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return InetAddress.getLoopbackAddress().getHostAddress();
    }
  }

  /** The CPU's {@code model name} from /proc/cpuinfo, or {@code unknown}. */
  static final String CPU_MODEL = NativeBackend.cpuInfo("model name").orElse("unknown");
  /** Looked up once per JVM: every probe task of an executor would ask again. */
  private static final String HOST = hostName();

  /** A builder, for {@link #probe} and for tests that describe JVMs this machine does not have. */
  public static Builder builder(String role, String executorId, String host) {
    return new Builder(role, executorId, host);
  }

  public String role() {
    return role;
  }

  public boolean isDriver() {
    return DRIVER.equals(role);
  }

  public String executorId() {
    return executorId;
  }

  public String host() {
    return host;
  }

  /** {@code CPU} or {@code CUDA}: the backend ND4J runs in this JVM. */
  public String nd4jBackend() {
    return nd4jBackend;
  }

  public boolean runsCuda() {
    return CUDA.equals(nd4jBackend);
  }

  /** {@link NativeBackend#describe()}, e.g. {@code CPU linux-x86_64-onednn-avx512 oneDNN}. */
  public String nd4jBuild() {
    return nd4jBuild;
  }

  /** ND4J's OpenMP threads ({@code omp.threads}). */
  public int nd4jThreads() {
    return nd4jThreads;
  }

  public boolean cudaBackendOnClassPath() {
    return cudaBackendOnClassPath;
  }

  /** The devices ND4J's CUDA backend sees; empty unless it runs. */
  public List<GpuDevice> cudaDevices() {
    return cudaDevices;
  }

  /** nvidia-smi's status: {@code ok}, {@code not found} or {@code failed: ...}. */
  public String nvidiaSmi() {
    return nvidiaSmi;
  }

  public List<GpuDevice> nvidiaSmiDevices() {
    return nvidiaSmiDevices;
  }

  public boolean devNvidia0() {
    return devNvidia0;
  }

  /** Whether the machine shows any CUDA device: ND4J's, nvidia-smi's or /dev/nvidia0. */
  public boolean anyCudaDevice() {
    return !cudaDevices.isEmpty() || !nvidiaSmiDevices.isEmpty() || devNvidia0;
  }

  /** The GPU addresses Spark assigned to the probe's task on this executor. */
  public List<String> sparkTaskGpus() {
    return sparkTaskGpus;
  }

  public String cpuModel() {
    return cpuModel;
  }

  public int cores() {
    return cores;
  }

  /** The variable, or null when unset. */
  public String ompNumThreads() {
    return ompNumThreads;
  }

  /** The variable, or null when unset. */
  public String backendPriorityCpu() {
    return backendPriorityCpu;
  }

  /** The variable, or null when unset. */
  public String backendPriorityGpu() {
    return backendPriorityGpu;
  }

  public String javaVersion() {
    return javaVersion;
  }

  /** {@code driver on host-1} or {@code executor 3 on host-1}. */
  public String name() {
    return (isDriver() ? DRIVER : EXECUTOR + " " + executorId) + " on " + host;
  }

  /** One log line. */
  public String summary() {
    return String.format(Locale.ROOT, "%s: ND4J %s, OpenMP threads %d; CUDA devices: %s;"
            + " nvidia-smi: %s; CPU %s x%d; OMP_NUM_THREADS=%s BACKEND_PRIORITY_CPU=%s"
            + " BACKEND_PRIORITY_GPU=%s; Java %s", name(), nd4jBuild, nd4jThreads,
        devices(cudaDevices), nvidiaSmi + (nvidiaSmiDevices.isEmpty() ? ""
            : " " + devices(nvidiaSmiDevices)), cpuModel, cores, unset(ompNumThreads),
        unset(backendPriorityCpu), unset(backendPriorityGpu), javaVersion);
  }

  private static String devices(List<GpuDevice> devices) {
    return devices.isEmpty() ? "none" : GpuDevice.list(devices);
  }

  private static String unset(String value) {
    return value == null ? "(unset)" : value;
  }

  /** This environment as a JSON object, each field on its own line indented by {@code indent}. */
  String toJson(String indent) {
    String in = indent + "  ";
    return "{\n"
        + in + "\"role\": " + Json.string(role) + ",\n"
        + in + "\"executor_id\": " + Json.string(executorId) + ",\n"
        + in + "\"host\": " + Json.string(host) + ",\n"
        + in + "\"nd4j_backend\": " + Json.string(nd4jBackend) + ",\n"
        + in + "\"nd4j_build\": " + Json.string(nd4jBuild) + ",\n"
        + in + "\"nd4j_threads\": " + nd4jThreads + ",\n"
        + in + "\"cuda_backend_on_class_path\": " + cudaBackendOnClassPath + ",\n"
        + in + "\"cuda_devices\": " + devicesJson(cudaDevices) + ",\n"
        + in + "\"nvidia_smi\": " + Json.string(nvidiaSmi) + ",\n"
        + in + "\"nvidia_smi_devices\": " + devicesJson(nvidiaSmiDevices) + ",\n"
        + in + "\"dev_nvidia0\": " + devNvidia0 + ",\n"
        + in + "\"spark_task_gpus\": " + Json.strings(sparkTaskGpus) + ",\n"
        + in + "\"cpu_model\": " + Json.string(cpuModel) + ",\n"
        + in + "\"cores\": " + cores + ",\n"
        + in + "\"omp_num_threads\": " + Json.string(ompNumThreads) + ",\n"
        + in + "\"backend_priority_cpu\": " + Json.string(backendPriorityCpu) + ",\n"
        + in + "\"backend_priority_gpu\": " + Json.string(backendPriorityGpu) + ",\n"
        + in + "\"java_version\": " + Json.string(javaVersion) + "\n"
        + indent + "}";
  }

  private static String devicesJson(List<GpuDevice> devices) {
    return devices.stream().map(GpuDevice::toJson).collect(Collectors.joining(", ", "[", "]"));
  }

  @Override
  public String toString() {
    return summary();
  }

  /** Builds a {@link JvmEnvironment}; fields not set keep a CPU machine's empty values. */
  public static final class Builder {
    private final JvmEnvironment env = new JvmEnvironment();

    private Builder(String role, String executorId, String host) {
      env.role = role;
      env.executorId = executorId;
      env.host = host;
    }

    public Builder nd4j(String backend, String build, int threads) {
      env.nd4jBackend = backend;
      env.nd4jBuild = build;
      env.nd4jThreads = threads;
      return this;
    }

    public Builder cudaBackendOnClassPath(boolean onClassPath) {
      env.cudaBackendOnClassPath = onClassPath;
      return this;
    }

    public Builder cudaDevices(List<GpuDevice> devices) {
      env.cudaDevices = new ArrayList<>(devices);
      return this;
    }

    public Builder nvidiaSmi(String status, List<GpuDevice> devices) {
      env.nvidiaSmi = status;
      env.nvidiaSmiDevices = new ArrayList<>(devices);
      return this;
    }

    public Builder devNvidia0(boolean present) {
      env.devNvidia0 = present;
      return this;
    }

    public Builder sparkTaskGpus(List<String> addresses) {
      env.sparkTaskGpus = new ArrayList<>(addresses);
      return this;
    }

    public Builder cpu(String model, int cores) {
      env.cpuModel = model;
      env.cores = cores;
      return this;
    }

    /** OMP_NUM_THREADS, BACKEND_PRIORITY_CPU, BACKEND_PRIORITY_GPU; null when unset. */
    public Builder variables(String ompNumThreads, String backendPriorityCpu,
        String backendPriorityGpu) {
      env.ompNumThreads = ompNumThreads;
      env.backendPriorityCpu = backendPriorityCpu;
      env.backendPriorityGpu = backendPriorityGpu;
      return this;
    }

    public Builder javaVersion(String version) {
      env.javaVersion = version;
      return this;
    }

    public JvmEnvironment build() {
      return env;
    }
  }
}
