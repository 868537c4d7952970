package org.sparkcnn.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers in their own JVMs, each
 * worker launching executors in JVMs of their own, and spark-submit run as a child JVM; all from
 * a Spark home assembled out of the jars Maven resolved, so no Spark distribution is needed.
 *
 * <p>Usage: {@code try (StandaloneCluster cluster = StandaloneCluster.start(dir, 2)) {
 * cluster.submit("run-1", driverOptions, submitOptions, appJar, jobArgs); }}
 *
 * <p>{@code dir} receives the Spark home ({@code spark-home/}), the daemons' logs ({@code logs/}),
 * each worker's work directory ({@code worker-<i>/work/<app id>/<executor id>/stderr}: the
 * executors' logs) and the local directories of every JVM ({@code local/}). {@link #close()}
 * stops every process it started, with their children, and deletes the copies of application
 * jars the executors fetched; the logs stay.
 *
 * <p>What a worker needs to launch an executor (Spark's {@code WorkerCommandBuilder}, which
 * builds the executor's class path like {@code bin/spark-class}): {@code SPARK_HOME} with the
 * Spark jars in {@code $SPARK_HOME/jars}, and {@code SPARK_SCALA_VERSION}, which Spark's scripts
 * export (a distribution's {@code bin/load-spark-env.sh}) and without which the launcher looks
 * for a source build's {@code launcher/target/scala-2.1x} and fails with "Cannot find any build
 * directories".
 */
final class StandaloneCluster implements AutoCloseable {
  /** System property: the file listing the provided-scope (Spark) class path, one line. */
  static final String SPARK_CLASSPATH_PROPERTY = "spark-cnn.spark-classpath";
  /** System property: the JVM options Spark's launcher adds on Java 17 (the --add-opens). */
  static final String JAVA17_OPTIONS_PROPERTY = "spark-cnn.java17-opens";
  static final String HOST = "127.0.0.1";
  static final String SCALA_VERSION = "2.12";
  static final String WORKER_MEMORY = "2g";
  static final String DAEMON_HEAP = "-Xmx256m";
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
  static final int TAIL_LINES = 40;
  /**
   * Spark's own dependencies that DL4J needs too, each by a class it holds: Maven resolves them in
   * compile scope, so they ship inside the application jar and are missing from the
   * provided-scope class path ({@code spark-classpath.txt}), while a Spark distribution has them
   * in {@code jars/}. Found with {@code mvn dependency:tree -Dverbose}: the artifacts under
   * spark-core resolved as compile. Without commons-lang3 the master stops at once with a
   * NoClassDefFoundError.
   */
  static final Map<String, String> SPARK_DEPENDENCIES_IN_COMPILE_SCOPE = Map.of(
      "commons-codec", "org.apache.commons.codec.binary.Base64",
      "commons-collections", "org.apache.commons.collections.CollectionUtils",
      "commons-compress", "org.apache.commons.compress.archivers.ArchiveEntry",
      "commons-io", "org.apache.commons.io.IOUtils",
      "commons-lang3", "org.apache.commons.lang3.StringUtils",
      "commons-math3", "org.apache.commons.math3.util.FastMath",
      "gson", "com.google.gson.Gson",
      "joda-time", "org.joda.time.DateTime",
      "stream", "com.clearspring.analytics.stream.cardinality.HyperLogLog");
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
  private static final Pattern APP_ID = Pattern.compile("app ID (app-[0-9-]+)");

  private final Path dir;
  private final Path sparkHome;
  private final List<String> javaOptions;
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();
  private String masterUrl;

  /** A daemon JVM of the cluster and the file its output goes to. */
  record Daemon(String name, Process process, Path log) {}

  /** How a spark-submit ended: its exit code, its log (the driver's) and the application id. */
  record Submission(int exitCode, Path log, String appId, Duration elapsed) {}

  private StandaloneCluster(Path dir, Path sparkHome, List<String> javaOptions) {
    this.dir = dir;
    this.sparkHome = sparkHome;
    this.javaOptions = javaOptions;
  }

  /**
   * Starts a master and {@code workers} workers (one core and {@value #WORKER_MEMORY} each) under
   * {@code dir} and returns once all of them registered with the master.
   *
   * @throws IllegalStateException when they do not within {@link #STARTUP_TIMEOUT}, or a daemon
   *     exits; the message holds the tails of the logs
   */
  static StandaloneCluster start(Path dir, int workers) throws IOException, InterruptedException {
    Path sparkHome = assembleSparkHome(dir.resolve("spark-home"),
        Path.of(requiredProperty(SPARK_CLASSPATH_PROPERTY)));
    List<String> javaOptions = Arrays.asList(
        requiredProperty(JAVA17_OPTIONS_PROPERTY).trim().split("\\s+"));
    StandaloneCluster cluster = new StandaloneCluster(dir, sparkHome, javaOptions);
    try {
      cluster.startDaemons(workers);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Lays out a Spark home as a distribution has it, from the jars Maven resolved: {@code jars/}
   * (symbolic links) and {@code conf/log4j2.properties}.
   */
  static Path assembleSparkHome(Path home, Path sparkClasspathFile) throws IOException {
    Path jars = Files.createDirectories(home.resolve("jars"));
    List<Path> entries = new ArrayList<>(classPath(Files.readString(sparkClasspathFile).trim()));
    for (var dependency : SPARK_DEPENDENCIES_IN_COMPILE_SCOPE.entrySet()) {
      entries.add(jarOf(dependency.getKey(), dependency.getValue()));
    }
    for (Path entry : entries) {
      Files.createSymbolicLink(jars.resolve(entry.getFileName()), entry.toAbsolutePath());
    }
    Path conf = Files.createDirectories(home.resolve("conf"));
    try (InputStream log4j = StandaloneCluster.class.getResourceAsStream("log4j2.properties")) {
      Files.copy(log4j, conf.resolve("log4j2.properties"));
    }
    return home;
  }

  /** The jar on the test class path that holds {@code className}, of {@code artifact}. */
  static Path jarOf(String artifact, String className) {
    try {
      Path jar = Path.of(Class.forName(className, false, StandaloneCluster.class.getClassLoader())
          .getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!jar.getFileName().toString().startsWith(artifact + "-")) {
        throw new IllegalStateException(className + " comes from " + jar + ", not " + artifact);
      }
      return jar;
    } catch (ClassNotFoundException | java.net.URISyntaxException e) {
      throw new IllegalStateException("no " + artifact + " on the test class path; Spark needs"
          + " it (see SPARK_DEPENDENCIES_IN_COMPILE_SCOPE)", e);
    }
  }

  private static List<Path> classPath(String value) {
    return Arrays.stream(value.split(java.io.File.pathSeparator)).filter(s -> !s.isBlank())
        .map(Path::of).toList();
  }

  private void startDaemons(int workers) throws IOException, InterruptedException {
    int port = freePort();
    int uiPort = freePort();
    masterUrl = "spark://" + HOST + ":" + port;
    daemons.add(launch("master", List.of(DAEMON_HEAP), "org.apache.spark.deploy.master.Master",
        "--host", HOST, "--port", String.valueOf(port), "--webui-port", String.valueOf(uiPort)));
    for (int i = 1; i <= workers; i++) {
      Path workDir = Files.createDirectories(dir.resolve("worker-" + i).resolve("work"));
      workDirs.add(workDir);
      daemons.add(launch("worker-" + i, List.of(DAEMON_HEAP),
          "org.apache.spark.deploy.worker.Worker", masterUrl, "--host", HOST,
          "--webui-port", "0", "--cores", "1", "--memory", WORKER_MEMORY,
          "--work-dir", workDir.toString()));
    }
    awaitWorkers(uiPort, workers);
  }

  /** Polls the master's JSON status page until {@code workers} workers are alive. */
  private void awaitWorkers(int uiPort, int workers) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request = HttpRequest.newBuilder(
        URI.create("http://" + HOST + ":" + uiPort + "/json/")).timeout(Duration.ofSeconds(5))
        .build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    int alive = 0;
    while (System.nanoTime() < deadline) {
      for (Daemon d : daemons) {
        if (!d.process().isAlive()) {
          throw new IllegalStateException(d.name() + " exited with code "
              + d.process().exitValue() + " while the cluster started\n" + logTails());
        }
      }
      try {
        String json = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = ALIVE_WORKERS.matcher(json);
        alive = m.find() ? Integer.parseInt(m.group(1)) : 0;
        if (alive >= workers) {
          return;
        }
      } catch (IOException notUpYet) {
        alive = 0; // the master's web UI is not listening yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(alive + " of " + workers + " workers registered with the"
        + " master within " + STARTUP_TIMEOUT.toSeconds() + " s\n" + logTails());
  }

  private Daemon launch(String name, List<String> jvmOptions, String mainClass, String... args)
      throws IOException {
    Path log = Files.createDirectories(dir.resolve("logs")).resolve(name + ".log");
    Process p = start(log, jvmOptions, mainClass, List.of(args));
    return new Daemon(name, p, log);
  }

  /** Starts {@code java <options> -cp $SPARK_HOME/conf/:$SPARK_HOME/jars/* mainClass args}. */
  private Process start(Path log, List<String> jvmOptions, String mainClass, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", sparkHome.resolve("conf") + "/:" + sparkHome.resolve("jars")
        + "/*", mainClass));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    Stream.of("SPARK_CONF_DIR", "HADOOP_CONF_DIR", "YARN_CONF_DIR", "SPARK_CLASSPATH",
        "SPARK_DIST_CLASSPATH").forEach(env::remove);
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_SCALA_VERSION", SCALA_VERSION);
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve("local")).toString());
    env.put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  String masterUrl() {
    return masterUrl;
  }

  /**
   * Runs spark-submit (its main class in a child JVM, as {@code bin/spark-submit} would) in
   * client deploy mode: {@code java <driverOptions> ... SparkSubmit --master <this cluster>
   * --deploy-mode client <submitOptions> <appJar> <appArgs>}, waits at most {@code timeout} and
   * leaves the driver's output in {@code logs/<name>.log}.
   */
  Submission submit(String name, List<String> driverOptions, List<String> submitOptions,
      Path appJar, List<String> appArgs, Duration timeout) throws IOException,
      InterruptedException {
    List<String> args = new ArrayList<>(List.of("--master", masterUrl, "--deploy-mode", "client"));
    args.addAll(submitOptions);
    args.add(appJar.toString());
    args.addAll(appArgs);
    Path log = dir.resolve("logs").resolve(name + ".log");
    long t0 = System.nanoTime();
    Process p = start(log, driverOptions, "org.apache.spark.deploy.SparkSubmit", args);
    try {
      if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("spark-submit " + name + " still ran after "
            + timeout.toSeconds() + " s\n" + tail(log) + logTails());
      }
    } finally {
      destroyTree(p);
      deleteFetchedJars();
    }
    Matcher m = APP_ID.matcher(Files.readString(log));
    return new Submission(p.exitValue(), log, m.find() ? m.group(1) : null,
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** The log of the daemon {@code name}: master, worker-1, worker-2... */
  Path daemonLog(String name) {
    return dir.resolve("logs").resolve(name + ".log");
  }

  /** The executor directories of {@code appId} on every worker: {@code work/<app>/<executor>}. */
  List<Path> executorDirs(String appId) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (Path work : workDirs) {
      Path app = work.resolve(appId);
      if (Files.isDirectory(app)) {
        try (Stream<Path> executors = Files.list(app)) {
          executors.filter(Files::isDirectory).sorted().forEach(dirs::add);
        }
      }
    }
    return dirs;
  }

  /** The last {@value #TAIL_LINES} lines of every daemon's log and of every executor's stderr. */
  String logTails() {
    StringBuilder out = new StringBuilder();
    for (Daemon d : daemons) {
      out.append(tail(d.log()));
    }
    for (Path work : workDirs) {
      try (Stream<Path> files = Files.walk(work)) {
        files.filter(f -> f.getFileName().toString().equals("stderr")).sorted()
            .forEach(f -> out.append(tail(f)));
      } catch (IOException e) {
        out.append("(cannot list ").append(work).append(": ").append(e).append(")\n");
      }
    }
    return out.toString();
  }

  /** The last {@value #TAIL_LINES} lines of {@code file}, headed by its name. */
  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "---- " + file + " (last " + TAIL_LINES + " lines)\n"
          + lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).stream()
              .collect(Collectors.joining("\n", "", "\n"));
    } catch (IOException e) {
      return "---- " + file + ": " + e + "\n";
    }
  }

  /** Stops the workers (with their executors), then the master; logs stay in {@code dir}. */
  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      destroyTree(daemons.get(i).process());
    }
    deleteFetchedJars();
  }

  /** Kills {@code p} and every process it started, and waits for them to end. */
  static void destroyTree(Process p) {
    List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
    tree.add(p.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("process " + h.pid() + " did not end", e);
      }
    }
  }

  /**
   * Deletes the application jars the executors fetched into their work directories (about
   * 360 MB per executor); their logs stay.
   */
  private void deleteFetchedJars() {
    for (Path work : workDirs) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList()) {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clean " + work, e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set: the cluster"
          + " tests run in Maven's integration-test phase, after the application jar is built"
          + " (mvn verify)");
    }
    return value;
  }
}
