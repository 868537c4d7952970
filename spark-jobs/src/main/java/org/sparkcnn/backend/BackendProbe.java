package org.sparkcnn.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.JobConfig;
import scala.collection.JavaConverters;

/**
 * The backend probe a job runs at start: a small Spark job with tasks on every executor, each
 * reporting its JVM's {@link JvmEnvironment}; with the driver's own, returned to the caller
 * (which records it, as the training job's {@code environment.json}), logged one line per JVM,
 * and checked against {@code cluster.placement} ({@link Placement}). A job probes once and uses
 * the result for everything that reports backends ({@link
 * ClusterEnvironment#executorNd4jBuilds}).
 *
 * <p>Each task asks nvidia-smi and, where CUDA is wanted, refuses an unsupported GPU before it
 * touches ND4J ({@link CudaDevices}); {@link #checkDriverBeforeNd4j} does the same for the driver
 * before its Spark context loads ND4J.
 */
public final class BackendProbe {
  private static final Logger log = LoggerFactory.getLogger(BackendProbe.class);
  /**
   * Probe tasks per task slot: Spark offers every free slot a task when the job starts, so with
   * more tasks than slots each registered executor gets at least one.
   */
  static final int TASKS_PER_SLOT = 2;
  /**
   * Probe jobs at most: a registered executor that ran no task of one (the scheduler offered the
   * tasks to another, as seen on YARN) is probed again by the next.
   */
  static final int ATTEMPTS = 3;
  /** How long each task of the k-th repeated probe job holds its slot: k times this. */
  static final long HOLD_MILLIS = 500;

  private BackendProbe() {}

  /**
   * On the driver, before anything loads ND4J (before the Spark context starts): refuses a GPU
   * the CUDA build cannot run on when the placement wants CUDA on the driver or ND4J would try it.
   *
   * @throws BackendUnavailableException naming the host and the GPU
   */
  public static void checkDriverBeforeNd4j(JobConfig.ClusterConfig cluster) {
    CudaDevices.checkBeforeNd4j(JvmEnvironment.hostName(), cluster.driverOnGpu(),
        CudaDevices.NVIDIA_SMI);
  }

  /**
   * Probes the driver and every executor, hands what it found to {@code record} (before the
   * check, so that a refused placement is recorded too), logs each JVM and checks the placement
   * (logging the fallbacks it accepts).
   *
   * @param record receives the environments, e.g. to write them as {@code environment.json}
   *     ({@link ClusterEnvironment#toJson})
   * @return the environments found: the job's only probe, whose executor builds {@code
   *     timing.csv} reports
   * @throws BackendUnavailableException when a JVM does not run the backend asked for
   */
  public static ClusterEnvironment run(JavaSparkContext sc, JobConfig.ClusterConfig cluster,
      Consumer<ClusterEnvironment> record) {
    ClusterEnvironment env = probe(sc, cluster.driverOnGpu(), cluster.executorsOnGpu(),
        CudaDevices.NVIDIA_SMI);
    record.accept(env);
    env.all().forEach(jvm -> log.info("backend probe: {}", jvm.summary()));
    List<String> warnings = Placement.check(cluster, env);
    warnings.forEach(log::warn);
    if (warnings.isEmpty()) {
      log.info("placement {}: the driver and {} executor(s) run the backend it asks for",
          cluster.placement(), env.executors().size());
    }
    return env;
  }

  /**
   * The driver's environment and one per executor that ran a probe task.
   *
   * @param driverCuda whether the driver is to run CUDA
   * @param executorsCuda whether the executors are to run CUDA: then each task refuses an
   *     unsupported GPU before touching ND4J
   * @param nvidiaSmi the nvidia-smi command ({@link CudaDevices#NVIDIA_SMI})
   * @throws BackendUnavailableException from a task, with its message
   */
  public static ClusterEnvironment probe(JavaSparkContext sc, boolean driverCuda,
      boolean executorsCuda, List<String> nvidiaSmi) {
    JvmEnvironment driver = JvmEnvironment.probe(JvmEnvironment.DRIVER, JvmEnvironment.DRIVER,
        driverCuda, nvidiaSmi);
    List<String> registered = new ArrayList<>(
        JavaConverters.seqAsJavaList(sc.sc().getExecutorIds()));
    int tasks = TASKS_PER_SLOT * Math.max(sc.defaultParallelism(), registered.size());
    Map<String, JvmEnvironment> byExecutor = new LinkedHashMap<>();
    List<String> silent = List.of();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      probeTasks(sc, tasks, attempt * HOLD_MILLIS, executorsCuda, nvidiaSmi)
          .forEach(env -> byExecutor.putIfAbsent(env.executorId(), env));
      silent = registered.stream().filter(id -> !byExecutor.containsKey(id)).toList();
      if (silent.isEmpty()) {
        break;
      }
      log.info("backend probe: executors {} ran none of its {} tasks; probing them again",
          silent, tasks);
    }
    if (!silent.isEmpty()) {
      log.warn("backend probe: executors {} ran none of its tasks in {} attempts; their backend"
          + " is unchecked", silent, ATTEMPTS);
    }
    List<JvmEnvironment> executors = byExecutor.values().stream()
        .sorted(Comparator.comparing(JvmEnvironment::executorId, BackendProbe::compareIds))
        .toList();
    return new ClusterEnvironment(driver, executors);
  }

  /**
   * One probe job of {@code tasks} tasks, each reporting its executor's environment after holding
   * its task slot for {@code holdMillis} (so that one executor cannot run them all while another
   * gets none).
   */
  private static List<JvmEnvironment> probeTasks(JavaSparkContext sc, int tasks,
      long holdMillis, boolean executorsCuda, List<String> nvidiaSmi) {
    ArrayList<String> command = new ArrayList<>(nvidiaSmi);
    try {
      return sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
          .map(task -> {
            Thread.sleep(holdMillis);
            return JvmEnvironment.probe(JvmEnvironment.EXECUTOR, SparkEnv.get().executorId(),
                executorsCuda, command);
          })
          .collect();
    } catch (Exception e) { // SparkException is checked, though Scala declares nothing
      BackendUnavailableException unavailable = BackendUnavailableException.findIn(e);
      if (unavailable != null) {
        throw new BackendUnavailableException(unavailable.getMessage(), e);
      }
      throw e;
    }
  }

  /** Executor ids in numeric order where they are numbers ("2" before "10"). */
  static int compareIds(String a, String b) {
    boolean numericA = a.matches("\\d+");
    boolean numericB = b.matches("\\d+");
    if (numericA && numericB) {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    }
    return numericA != numericB ? (numericA ? -1 : 1) : a.compareTo(b);
  }
}
