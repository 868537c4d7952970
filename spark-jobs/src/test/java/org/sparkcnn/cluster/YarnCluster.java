package org.sparkcnn.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.exceptions.YarnException;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A Hadoop YARN cluster on this machine for tests: Hadoop's {@link MiniYARNCluster} (a
 * ResourceManager and NodeManagers inside the test JVM; the NodeManagers launch each container,
 * the application master and the executors, as a process of its own) and a Spark home assembled
 * from the jars Maven resolved, with a {@code bin/spark-submit}, so that {@code submit/yarn.sh}
 * runs as on a real cluster.
 *
 * <p>Usage: {@code try (YarnCluster yarn = YarnCluster.start("yarn", dir, 2)) {
 * yarn.submitWithYarnSh("run-1", env, jobArgs, timeout); }}
 *
 * <p>{@code dir} receives the Spark home ({@code spark-home/}), the clients' Hadoop configuration
 * ({@code hadoop-conf/yarn-site.xml}: what {@code HADOOP_CONF_DIR} names), the drivers' logs
 * ({@code logs/}), Spark's staging directory, the drivers' local directories and
 * MiniYARNCluster's directory {@code <name>/yarn-<n>/}: the NodeManagers' local and log
 * directories, the containers' logs in
 * {@code <name>-logDir-nm-<i>_0/<application>/<container>/stderr} ({@link #containerDirs}).
 *
 * <p>Settings a real cluster has in its files: each NodeManager offers {@value #NODE_MEMORY_MB}
 * MiB, and the scheduler allocates in steps of {@value #MIN_ALLOCATION_MB} MiB; the checks
 * that kill a container outgrowing its memory are off (as MiniYARNCluster has them by default):
 * not what these tests test. The CapacityScheduler needs its queue, which the missing
 * {@code capacity-scheduler.xml} of {@code hadoop-client-minicluster} would define (as
 * Spark's own YARN tests set it). {@code JAVA_HOME} of the containers comes from the
 * NodeManager's environment on a real node ({@code hadoop-env.sh}); the test JVM's may lack it
 * (Maven does not export it), so the NodeManagers set it in every container.
 */
final class YarnCluster implements AutoCloseable {
  /** Hadoop's test utilities: the directory of MiniYARNCluster's local and log directories. */
  static final String TEST_DATA_PROPERTY = "test.build.data";
  static final int NODE_MEMORY_MB = 6144;
  static final int NODE_VCORES = 4;
  static final int MIN_ALLOCATION_MB = 256;
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** How long the ResourceManager may take to record an application's end after its driver's. */
  static final Duration FINISH_TIMEOUT = Duration.ofSeconds(30);
  /** The project's root: the tests run in {@code spark-jobs/}. */
  static final Path PROJECT_HOME = Path.of("..").toAbsolutePath().normalize();
  /**
   * Spark modules a distribution has in {@code jars/} that the project leaves out of the
   * provided class path ({@code spark-classpath.txt}): Maven resolves them in test scope.
   */
  static final Map<String, String> SPARK_MODULES_IN_TEST_SCOPE = Map.of(
      "spark-yarn_" + StandaloneCluster.SCALA_VERSION, "org.apache.spark.deploy.yarn.Client");
  /** spark-submit's YARN client, as it hands the application to the ResourceManager. */
  private static final Pattern APP_ID =
      Pattern.compile("Submitting application (application_\\d+_\\d+) to ResourceManager");
  /** The application master's YarnAllocator, for each executor container it launches. */
  private static final Pattern EXECUTOR_LAUNCH = Pattern.compile(
      "Launching container (container_\\S+) on host (\\S+) for executor with ID (\\d+)");
  /** The application master's YarnAllocator, for each container YARN reports ended. */
  private static final Pattern CONTAINER_END = Pattern.compile(
      "Completed container (container_\\S+) on host: \\S+ "
          + "\\(state: COMPLETE, exit status: (-?\\d+)\\)");

  private final Path dir;
  private final MiniYARNCluster yarn;
  private final int nodeManagers;
  private Path sparkHome;
  private Path hadoopConf;
  private final List<Path> driverLogs = new ArrayList<>();

  /** How a submission ended: its exit code, the driver's log, the application and its end. */
  record Submission(int exitCode, Path log, String appId, ApplicationReport report,
      Duration elapsed) {}

  /** An executor's container, as the driver's YarnAllocator launched it. */
  record ExecutorContainer(String executorId, String containerId, String host) {}

  private YarnCluster(Path dir, MiniYARNCluster yarn, int nodeManagers) {
    this.dir = dir;
    this.yarn = yarn;
    this.nodeManagers = nodeManagers;
  }

  /**
   * Starts a ResourceManager and {@code nodeManagers} NodeManagers named {@code name}, assembles
   * the Spark home and writes the clients' configuration under {@code dir}; returns once every
   * NodeManager registered.
   *
   * @throws IllegalStateException when they do not within {@link #STARTUP_TIMEOUT}
   */
  static YarnCluster start(String name, Path dir, int nodeManagers) throws IOException,
      InterruptedException {
    YarnConfiguration conf = new YarnConfiguration();
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, NODE_MEMORY_MB);
    conf.setInt(YarnConfiguration.NM_PMEM_MB, NODE_MEMORY_MB);
    conf.setInt(YarnConfiguration.NM_VCORES, NODE_VCORES);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, MIN_ALLOCATION_MB);
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // A disk over 90 % full (YARN's default limit) would make the NodeManagers unhealthy, and
    // no container would start: not what these tests test.
    conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
    conf.set(YarnConfiguration.NM_ADMIN_USER_ENV,
        "JAVA_HOME=" + System.getProperty("java.home"));
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    // Containers go to the first node with room: no waiting for a node-local offer.
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);

    // MiniYARNCluster's directory is <test.build.data>/<name> (default target/test/data/<name>).
    String testData = System.getProperty(TEST_DATA_PROPERTY);
    System.setProperty(TEST_DATA_PROPERTY, Files.createDirectories(dir).toString());
    MiniYARNCluster yarn;
    try {
      yarn = new MiniYARNCluster(name, nodeManagers, 1, 1);
    } finally {
      if (testData == null) {
        System.clearProperty(TEST_DATA_PROPERTY);
      } else {
        System.setProperty(TEST_DATA_PROPERTY, testData);
      }
    }
    YarnCluster cluster = new YarnCluster(dir, yarn, nodeManagers);
    try {
      yarn.init(conf);
      yarn.start();
      cluster.awaitStart();
      cluster.sparkHome = assembleSparkHome(dir.resolve("spark-home"));
      cluster.hadoopConf = Files.createDirectories(dir.resolve("hadoop-conf"));
      try (OutputStream out = Files.newOutputStream(cluster.hadoopConf.resolve("yarn-site.xml"))) {
        yarn.getConfig().writeXml(out);
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Waits until the ResourceManager's address in the configuration has its port (MiniYARNCluster's
   * start can return before it does, as Spark's own YARN tests note) and every NodeManager
   * registered.
   */
  private void awaitStart() throws InterruptedException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ResourceManager got no port within "
            + STARTUP_TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(100);
    }
    try {
      if (!yarn.waitForNodeManagersToConnect(STARTUP_TIMEOUT.toMillis())) {
        throw new IllegalStateException("the NodeManagers did not register within "
            + STARTUP_TIMEOUT.toSeconds() + " s");
      }
    } catch (YarnException e) {
      throw new IllegalStateException("cannot ask the ResourceManager for its nodes", e);
    }
  }

  /**
   * The standalone tests' Spark home ({@link StandaloneCluster#assembleSparkHome}) plus what a
   * distribution has for YARN: {@code jars/spark-yarn_2.12-*.jar} and {@code bin/spark-submit}
   * (test resource {@code spark-submit}: Spark's launcher and the command it prints).
   */
  static Path assembleSparkHome(Path home) throws IOException {
    StandaloneCluster.assembleSparkHome(home,
        Path.of(StandaloneCluster.requiredProperty(StandaloneCluster.SPARK_CLASSPATH_PROPERTY)));
    for (var module : SPARK_MODULES_IN_TEST_SCOPE.entrySet()) {
      Path jar = StandaloneCluster.jarOf(module.getKey(), module.getValue());
      Files.createSymbolicLink(home.resolve("jars").resolve(jar.getFileName()), jar);
    }
    Path sparkSubmit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    try (InputStream script = YarnCluster.class.getResourceAsStream("spark-submit")) {
      Files.copy(script, sparkSubmit);
    }
    Files.setPosixFilePermissions(sparkSubmit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  /** The Spark home, whose {@code jars/} the containers use in place ({@code spark.yarn.jars}). */
  Path sparkHome() {
    return sparkHome;
  }

  /** What {@code HADOOP_CONF_DIR} names: {@code yarn-site.xml} with this cluster's addresses. */
  Path hadoopConfDir() {
    return hadoopConf;
  }

  /**
   * Runs {@code bash submit/yarn.sh <args>} in the project's root with {@code SPARK_HOME} and
   * {@code HADOOP_CONF_DIR} naming this cluster, {@code JAVA_HOME} this JVM's Java, nothing
   * else the scripts or Spark read from this JVM's environment, and {@code env} on top; waits at
   * most {@code timeout}, then for the ResourceManager to record the application's end, and
   * leaves the output (the driver's log in client mode) in {@code logs/<name>.log}.
   */
  Submission submitWithYarnSh(String name, Map<String, String> env, List<String> args,
      Duration timeout) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash",
        PROJECT_HOME.resolve("submit/yarn.sh").toString()));
    command.addAll(args);
    Path log = Files.createDirectories(dir.resolve("logs")).resolve(name + ".log");
    driverLogs.add(log);
    ProcessBuilder pb = new ProcessBuilder(command).directory(PROJECT_HOME.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(key -> key.startsWith("SPARK_")
        || key.startsWith("BACKEND_PRIORITY_") || key.startsWith("HADOOP_")
        || key.startsWith("YARN_") || key.equals("OMP_NUM_THREADS"));
    environment.put("SPARK_HOME", sparkHome.toString());
    environment.put("HADOOP_CONF_DIR", hadoopConf.toString());
    environment.put("JAVA_HOME", System.getProperty("java.home"));
    environment.put("SPARK_LOCAL_IP", StandaloneCluster.HOST);
    environment.put("SPARK_LOCAL_DIRS",
        Files.createDirectories(dir.resolve("local")).toString());
    environment.putAll(env);
    long t0 = System.nanoTime();
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("submit/yarn.sh " + name + " still ran after "
            + timeout.toSeconds() + " s\n" + logTails());
      }
    } finally {
      StandaloneCluster.destroyTree(p);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
    Matcher m = APP_ID.matcher(Files.readString(log));
    String appId = m.find() ? m.group(1) : null;
    return new Submission(p.exitValue(), log, appId, appId == null ? null : awaitEnd(appId),
        elapsed);
  }

  /** The ResourceManager's report of {@code appId} once the application ended (or the last). */
  private ApplicationReport awaitEnd(String appId) throws IOException, InterruptedException {
    try (YarnClient client = YarnClient.createYarnClient()) {
      client.init(yarn.getConfig());
      client.start();
      long deadline = System.nanoTime() + FINISH_TIMEOUT.toNanos();
      while (true) {
        ApplicationReport report = client.getApplicationReport(ApplicationId.fromString(appId));
        switch (report.getYarnApplicationState()) {
          case FINISHED, FAILED, KILLED -> {
            return report;
          }
          default -> {
            if (System.nanoTime() > deadline) {
              return report;
            }
            Thread.sleep(200);
          }
        }
      }
    } catch (YarnException e) {
      throw new IOException("cannot ask the ResourceManager about " + appId, e);
    }
  }

  /**
   * The log (stderr) of {@code appId}'s application master: its first container. In client mode
   * it runs Spark's YarnAllocator, which asks YARN for the executors' containers.
   */
  Path applicationMasterLog(String appId) throws IOException {
    Map<String, Path> containers = containerDirs(appId);
    return containers.entrySet().stream().filter(c -> c.getKey().endsWith("_000001"))
        .map(c -> c.getValue().resolve("stderr")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no application master container of "
            + appId + " among " + containers.keySet()));
  }

  /**
   * The executor containers YARN launched for {@code appId}, by executor id ({@code 1},
   * {@code 2}...: Spark on YARN counts from 1), from the application master's log.
   */
  Map<String, ExecutorContainer> executorContainers(String appId) throws IOException {
    Map<String, ExecutorContainer> containers = new TreeMap<>();
    Matcher m = EXECUTOR_LAUNCH.matcher(Files.readString(applicationMasterLog(appId)));
    while (m.find()) {
      containers.put(m.group(3), new ExecutorContainer(m.group(3), m.group(1), m.group(2)));
    }
    return containers;
  }

  /**
   * The exit status of every container of {@code appId} that ended while the application ran,
   * by container id, as YARN reported it to the application master.
   */
  Map<String, Integer> endedContainers(String appId) throws IOException {
    Map<String, Integer> ended = new TreeMap<>();
    Matcher m = CONTAINER_END.matcher(Files.readString(applicationMasterLog(appId)));
    while (m.find()) {
      ended.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return ended;
  }

  /**
   * The directory of every container of {@code appId} on every NodeManager, by container id:
   * where the container's {@code stdout} and {@code stderr} are.
   */
  Map<String, Path> containerDirs(String appId) throws IOException {
    Map<String, Path> dirs = new TreeMap<>();
    for (Path logDir : nodeManagerLogDirs()) {
      Path app = logDir.resolve(appId);
      if (Files.isDirectory(app)) {
        try (Stream<Path> containers = Files.list(app)) {
          containers.filter(Files::isDirectory)
              .forEach(c -> dirs.put(c.getFileName().toString(), c));
        }
      }
    }
    return dirs;
  }

  private List<Path> nodeManagerLogDirs() {
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < nodeManagers; i++) {
      Arrays.stream(yarn.getNodeManager(i).getConfig()
              .getTrimmedStrings(YarnConfiguration.NM_LOG_DIRS))
          .map(d -> Path.of(d.startsWith("file:") ? d.substring("file:".length()) : d))
          .forEach(dirs::add);
    }
    return dirs;
  }

  /**
   * The last {@value StandaloneCluster#TAIL_LINES} lines of every driver's log and every
   * container's stderr.
   */
  String logTails() {
    StringBuilder out = new StringBuilder();
    driverLogs.forEach(log -> out.append(StandaloneCluster.tail(log)));
    for (Path logDir : nodeManagerLogDirs()) {
      try (Stream<Path> files = Files.walk(logDir)) {
        files.filter(f -> f.getFileName().toString().equals("stderr")).sorted()
            .forEach(f -> out.append(StandaloneCluster.tail(f)));
      } catch (IOException e) {
        out.append("(cannot list ").append(logDir).append(": ").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  /**
   * Stops the NodeManagers (which stop their containers) and the ResourceManager, then ends any
   * container process that outlived them (a process of this JVM's whose command names the
   * cluster's directory); the containers' logs stay.
   */
  @Override
  public void close() {
    yarn.stop();
    String workDir = yarn.getTestWorkDir().getAbsolutePath();
    ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().filter(c -> c.contains(workDir)).isPresent())
        .forEach(ProcessHandle::destroyForcibly);
  }
}
