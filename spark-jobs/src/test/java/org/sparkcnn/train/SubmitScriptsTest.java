package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The launch scripts in submit/ and conf/, through their --dry-run output, and shellcheck. */
class SubmitScriptsTest {
  /** Surefire runs in the module directory; the scripts are one level up. */
  static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  static final List<String> CLUSTER_SCRIPTS = List.of("standalone", "yarn", "k8s");
  static final String CPU_ENV = "BACKEND_PRIORITY_CPU=200 BACKEND_PRIORITY_GPU=100";
  static final String GPU_ENV = "BACKEND_PRIORITY_CPU=0 BACKEND_PRIORITY_GPU=300";

  @TempDir
  Path tmp;

  record Result(int exit, String out, String err) {
    /** The dry run's command, one line. */
    String cmd() {
      return out.trim();
    }
  }

  static Result bash(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
    // Hermetic: nothing the scripts read may come from the environment running the tests.
    pb.environment().keySet().removeIf(name -> name.startsWith("SPARK_CNN_")
        || name.startsWith("BACKEND_PRIORITY_") || name.equals("SPARK_HOME")
        || name.equals("OMP_NUM_THREADS"));
    pb.environment().putAll(env);
    Path err = Files.createTempFile("script", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    String errText = Files.readString(err);
    Files.delete(err);
    return new Result(exit, out, errText);
  }

  /** Environment for a cluster script's dry run, the CUDA jars said to be on the nodes. */
  static Map<String, String> clusterEnv(String... more) {
    Map<String, String> env = new HashMap<>(Map.of("SPARK_HOME", "/opt/spark",
        "SPARK_CNN_MASTER", "spark://m:7077", "SPARK_CNN_CUDA_JARS", "installed"));
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return env;
  }

  static String masterFor(String script) {
    return switch (script) {
      case "k8s" -> "k8s://https://api:6443";
      default -> "spark://m:7077";
    };
  }

  static void assertContains(String cmd, String... parts) {
    for (String part : parts) {
      assertTrue(cmd.contains(part), "'" + part + "' in " + cmd);
    }
  }

  static void assertLacks(String cmd, String... parts) {
    for (String part : parts) {
      assertFalse(cmd.contains(part), "no '" + part + "' in " + cmd);
    }
  }

  // --- local.sh --------------------------------------------------------------------------------

  @Test
  void localRunsTheJobWithPlainJavaOnLocalNWithOneOpenMpThreadPerTask() throws Exception {
    Result r = bash(Map.of("SPARK_CNN_CORES", "3", "SPARK_CNN_DRIVER_MEMORY", "5g"),
        "submit/local.sh", "--dry-run", "--set", "train.epochs=1");
    assertEquals(0, r.exit, r.err);
    String cmd = r.cmd();
    assertTrue(cmd.startsWith("env " + CPU_ENV + " java -XX:+IgnoreUnrecognizedVMOptions"
        + " --add-opens="), cmd);
    assertContains(cmd, " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED ",
        " -Xmx5120m -Dspark.master=local\\[3\\] ",
        " -D" + SparkSetup.TIME_SOURCE_PROPERTY + "=" + SparkSetup.SYSTEM_CLOCK + " ",
        " -Dorg.bytedeco.javacpp.maxbytes=5120m -Dorg.bytedeco.javacpp.maxphysicalbytes=10240m ",
        "spark-jobs/target/spark-cnn-jobs-");
    assertTrue(cmd.endsWith(" org.sparkcnn.train.TrainJob --set train.epochs=1"
        + " --set cluster.placement=cpu"), cmd);
    assertLacks(cmd, "cuda");
  }

  @Test
  void localDefaultsToOneTaskPerCoreEvenWithOpenMpLimitedToOneThread() throws Exception {
    // GNU nproc answers OMP_NUM_THREADS when it is set; the cores must not shrink to it.
    Result r = bash(Map.of("OMP_NUM_THREADS", "1"), "submit/local.sh", "--dry-run");
    assertEquals(0, r.exit, r.err);
    int cores = Runtime.getRuntime().availableProcessors();
    assertTrue(r.out.contains(" -Dspark.master=local\\[" + cores + "\\] "), r.out);
  }

  @Test
  void localUsesSparkSubmitWhenSparkHomeIsSet() throws Exception {
    Result r = bash(Map.of("SPARK_HOME", "/opt/spark", "SPARK_CNN_CORES", "2"),
        "submit/local.sh", "--dry-run");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.startsWith("env " + CPU_ENV + " /opt/spark/bin/spark-submit"
        + " --master local\\[2\\] --driver-memory 6144m "), r.out);
    assertContains(r.cmd(), " --class org.sparkcnn.train.TrainJob ",
        "\\ -Dorg.bytedeco.javacpp.maxbytes=6144m"
            + "\\ -Dorg.bytedeco.javacpp.maxphysicalbytes=12288m");
    assertTrue(r.cmd().endsWith("-app.jar --set cluster.placement=cpu"), r.out);
  }

  @Test
  void localGpuPutsTheCudaJarsOnTheClassPathAndTheJvmOnCuda() throws Exception {
    Path jars = cudaJars();
    Result r = bash(Map.of("SPARK_CNN_CUDA_JARS", jars.toString(), "SPARK_CNN_CORES", "1"),
        "submit/local.sh", "--dry-run", "--placement", "gpu");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.cmd().startsWith("env " + GPU_ENV + " java "), r.cmd());
    assertContains(r.cmd(), ":" + jars.resolve("a-cuda.jar") + ":" + jars.resolve("b-cuda.jar")
        + " org.sparkcnn.train.TrainJob --set cluster.placement=gpu");

    Result submit = bash(Map.of("SPARK_CNN_CUDA_JARS", jars.toString(), "SPARK_HOME", "/s",
        "SPARK_CNN_PLACEMENT", "gpu"), "submit/local.sh", "--dry-run");
    assertEquals(0, submit.exit, submit.err);
    assertTrue(submit.cmd().startsWith("env " + GPU_ENV + " /s/bin/spark-submit "), submit.out);
    assertContains(submit.cmd(), " --jars " + jars.resolve("a-cuda.jar") + "\\,"
        + jars.resolve("b-cuda.jar") + " --class ");
  }

  @Test
  void localRefusesHybridAndClusterOptions() throws Exception {
    Result hybrid = bash(Map.of(), "submit/local.sh", "--dry-run", "--placement", "hybrid");
    assertEquals(2, hybrid.exit);
    assertTrue(hybrid.err.contains("local mode runs them inside the driver's"), hybrid.err);
    assertEquals("", hybrid.out);
    Result mode = bash(Map.of(), "submit/local.sh", "--dry-run", "--deploy-mode", "cluster");
    assertEquals(2, mode.exit);
    assertTrue(mode.err.contains("--deploy-mode and --master are for the cluster scripts"),
        mode.err);
  }

  // --- The cluster scripts ---------------------------------------------------------------------

  static Stream<Arguments> scriptModePlacement() {
    List<Arguments> all = new ArrayList<>();
    for (String script : CLUSTER_SCRIPTS) {
      for (String mode : List.of("client", "cluster")) {
        for (String placement : List.of("cpu", "gpu", "hybrid")) {
          all.add(Arguments.of(script, mode, placement));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} --deploy-mode {1} --placement {2}")
  @MethodSource("scriptModePlacement")
  void clusterScriptsGiveEachJvmItsBackendEnvironmentInEveryDeployMode(String script,
      String mode, String placement) throws Exception {
    Result r = bash(clusterEnv("SPARK_CNN_MASTER", masterFor(script),
            "SPARK_CNN_K8S_IMAGE", "reg/spark-cnn:1", "SPARK_CNN_K8S_UPLOAD_PATH", "s3a://b/u"),
        "submit/" + script + ".sh", "--dry-run", "--deploy-mode", mode, "--placement", placement,
        "--conf", "job.conf");
    assertEquals(0, r.exit, r.err);
    String cmd = r.cmd();
    String driverEnv = placement.equals("gpu") ? GPU_ENV : CPU_ENV;
    String executorEnv = placement.equals("cpu") ? CPU_ENV : GPU_ENV;
    String submit = "/opt/spark/bin/spark-submit --master "
        + (script.equals("yarn") ? "yarn" : masterFor(script)) + " --deploy-mode " + mode + " ";

    // The driver: this process in client mode, and in standalone cluster mode, whose legacy
    // gateway forwards spark-submit's environment; a configuration on YARN and Kubernetes.
    boolean driverIsExported = mode.equals("client") || script.equals("standalone");
    if (driverIsExported) {
      assertTrue(cmd.startsWith("env " + driverEnv + " " + submit), cmd);
    } else {
      assertTrue(cmd.startsWith(submit), cmd);
    }
    String driverConf = switch (script) {
      case "yarn" -> "spark.yarn.appMasterEnv.";
      case "k8s" -> "spark.kubernetes.driverEnv.";
      default -> "spark.driverEnv.";
    };
    for (String nameValue : driverEnv.split(" ")) {
      if (mode.equals("cluster") && !script.equals("standalone")) {
        assertContains(cmd, " --conf " + driverConf + nameValue + " ");
      } else {
        assertLacks(cmd, driverConf);
      }
    }
    assertEquals(mode.equals("cluster") && script.equals("standalone"),
        cmd.contains(" --conf spark.master.rest.enabled=false "), cmd);
    // The executors: spark.executorEnv in every mode.
    for (String nameValue : executorEnv.split(" ")) {
      assertContains(cmd, " --conf spark.executorEnv." + nameValue + " ");
    }

    boolean gpu = !placement.equals("cpu");
    assertEquals(gpu, cmd.contains(" --conf spark.executor.resource.gpu.amount=1 "), cmd);
    assertEquals(gpu, cmd.contains(" --conf spark.task.resource.gpu.amount=1 "), cmd);
    assertEquals(gpu, cmd.contains(" --conf spark.task.cpus=2 "), cmd);
    assertContains(cmd, " --executor-cores 2 ",
        " --conf spark.executorEnv.OMP_NUM_THREADS=" + (gpu ? 2 : 1) + " ");
    assertEquals(gpu && !script.equals("standalone"),
        cmd.contains("spark.executor.resource.gpu.discoveryScript="), cmd);
    assertEquals(gpu && script.equals("yarn"),
        cmd.contains(" --files " + HOME.resolve("conf/gpu-discovery.sh") + " "), cmd);
    assertEquals(gpu && script.equals("k8s"),
        cmd.contains(" --conf spark.executor.resource.gpu.vendor=nvidia.com "), cmd);

    assertContains(cmd, " --conf spark.serializer=" + SparkSetup.KRYO_SERIALIZER + " ",
        " --conf spark.kryo.registrator=" + SparkSetup.ND4J_KRYO_REGISTRATOR + " ",
        " --conf spark.executor.extraJavaOptions=-D" + SparkSetup.TIME_SOURCE_PROPERTY + "=");
    assertTrue(cmd.endsWith("-app.jar --conf job.conf --set cluster.placement=" + placement),
        cmd);
  }

  @ParameterizedTest
  @ValueSource(strings = {"standalone", "yarn", "k8s"})
  void clusterScriptsDeriveOffHeapAndOverheadFromTheHeaps(String script) throws Exception {
    Result r = bash(clusterEnv("SPARK_CNN_MASTER", masterFor(script),
            "SPARK_CNN_EXECUTOR_MEMORY", "10g", "SPARK_CNN_DRIVER_MEMORY", "2048"),
        "submit/" + script + ".sh", "--dry-run");
    assertEquals(0, r.exit, r.err);
    String javacpp = "-Dorg.bytedeco.javacpp.maxbytes=%dm\\ -Dorg.bytedeco.javacpp"
        + ".maxphysicalbytes=%dm";
    // Executor: heap 10 GiB; arrays as much; overhead = arrays + 10 % of the heap.
    assertContains(r.cmd(), " --executor-memory 10240m ",
        " --conf spark.executor.memoryOverhead=11264m ",
        "SystemClockTimeSource\\ " + javacpp.formatted(10240, 20480) + " ",
        // Driver: heap 2 GiB; overhead = arrays + the 384 MiB minimum (10 % is 204 MiB).
        " --driver-memory 2048m ", " --conf spark.driver.memoryOverhead=2432m ",
        "SystemClockTimeSource\\ " + javacpp.formatted(2048, 4096) + " ");
    // The default executor heap, 8g: overhead 8192 + 819.
    Result defaults = bash(clusterEnv("SPARK_CNN_MASTER", masterFor(script)),
        "submit/" + script + ".sh", "--dry-run");
    assertContains(defaults.cmd(), " --executor-memory 8192m ",
        " --conf spark.executor.memoryOverhead=9011m ", " --driver-memory 4096m ");
  }

  @Test
  void aMalformedMemorySizeIsABadArgument() throws Exception {
    Result r = bash(clusterEnv("SPARK_CNN_EXECUTOR_MEMORY", "8 GB"), "submit/standalone.sh",
        "--dry-run");
    assertEquals(2, r.exit, r.out);
    assertTrue(r.err.contains("'8 GB' is not a memory size"), r.err);
    assertEquals("", r.out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "standalone", "yarn", "k8s", "submit"})
  void aBadPlacementExitsTwoNamingTheChoices(String script) throws Exception {
    List<String> args = new ArrayList<>(List.of("submit/" + script + ".sh", "--dry-run"));
    if (script.equals("submit")) {
      args.add("yarn");
    }
    args.addAll(List.of("--placement", "tpu"));
    Result r = bash(clusterEnv(), args.toArray(String[]::new));
    assertEquals(2, r.exit, r.out);
    assertTrue(r.err.contains("must be cpu, gpu or hybrid, not 'tpu'"), r.err);
    assertEquals("", r.out);

    Result fromEnv = bash(clusterEnv("SPARK_CNN_PLACEMENT", "GPU"), "submit/" + script + ".sh",
        "--dry-run", script.equals("submit") ? "yarn" : "--conf", "x.conf");
    assertEquals(2, fromEnv.exit, fromEnv.out);
    assertTrue(fromEnv.err.contains("not 'GPU'"), fromEnv.err);
  }

  @Test
  void theEnvironmentChoosesThePlacementAndAConflictingSetIsRefused() throws Exception {
    Result r = bash(clusterEnv("SPARK_CNN_PLACEMENT", "hybrid"), "submit/yarn.sh", "--dry-run");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.cmd().endsWith(" --set cluster.placement=hybrid"), r.cmd());
    Result conflict = bash(clusterEnv(), "submit/yarn.sh", "--dry-run", "--placement", "gpu",
        "--set", "cluster.placement=cpu");
    assertEquals(2, conflict.exit, conflict.out);
    assertTrue(conflict.err.contains("choose it with --placement"), conflict.err);
  }

  @Test
  void aBadDeployModeExitsTwo() throws Exception {
    Result r = bash(clusterEnv(), "submit/standalone.sh", "--dry-run", "--deploy-mode", "remote");
    assertEquals(2, r.exit, r.out);
    assertTrue(r.err.contains("--deploy-mode must be client or cluster, not 'remote'"), r.err);
  }

  @ParameterizedTest
  @ValueSource(strings = {"standalone", "yarn", "k8s"})
  void clusterScriptsNeedSparkHomeExceptOnADryRun(String script) throws Exception {
    Map<String, String> env = Map.of("SPARK_CNN_MASTER", masterFor(script),
        "SPARK_CNN_K8S_IMAGE", "img", "SPARK_CNN_APP_JAR", "local:///app.jar");
    Result r = bash(env, "submit/" + script + ".sh");
    assertEquals(2, r.exit, r.out);
    assertTrue(r.err.contains("SPARK_HOME is not set (a Spark 3.5 installation for Scala 2.12)"),
        r.err);
    Result dry = bash(env, "submit/" + script + ".sh", "--dry-run");
    assertEquals(0, dry.exit, dry.err);
    assertTrue(dry.cmd().contains("\\$SPARK_HOME/bin/spark-submit --master "), dry.out);
  }

  @Test
  void gpuExecutorsRunOneTaskPerGpuWithTheirShareOfTheCores() throws Exception {
    Path jars = cudaJars();
    Result r = bash(clusterEnv("SPARK_CNN_EXECUTOR_CORES", "8", "SPARK_CNN_EXECUTOR_GPUS", "4",
            "SPARK_CNN_EXECUTORS", "3", "SPARK_CNN_CUDA_JARS", jars.toString()),
        "submit/standalone.sh", "--dry-run", "--placement", "gpu");
    assertEquals(0, r.exit, r.err);
    assertContains(r.cmd(), " --executor-cores 8 ", " --total-executor-cores 24 ",
        " --conf spark.executor.resource.gpu.amount=4 ", " --conf spark.task.cpus=2 ",
        " --conf spark.executorEnv.OMP_NUM_THREADS=2 ",
        " --conf spark.default.parallelism=12 ",
        " --jars " + jars.resolve("a-cuda.jar") + "\\," + jars.resolve("b-cuda.jar") + " ");

    Result uneven = bash(clusterEnv("SPARK_CNN_EXECUTOR_CORES", "3", "SPARK_CNN_EXECUTOR_GPUS",
        "2"), "submit/yarn.sh", "--dry-run", "--placement", "hybrid");
    assertEquals(2, uneven.exit, uneven.out);
    assertTrue(uneven.err.contains("does not split evenly"), uneven.err);

    Result userThreads = bash(clusterEnv("OMP_NUM_THREADS", "3"), "submit/yarn.sh", "--dry-run",
        "--placement", "gpu");
    assertContains(userThreads.cmd(), " --conf spark.executorEnv.OMP_NUM_THREADS=3 ");
  }

  @Test
  void gpuPlacementsNeedTheCudaJars() throws Exception {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Result r = bash(clusterEnv("SPARK_CNN_CUDA_JARS", empty.toString()), "submit/yarn.sh",
        "--dry-run", "--placement", "gpu");
    assertEquals(2, r.exit, r.out);
    assertTrue(r.err.contains("SPARK_CNN_CUDA_JARS=" + empty + " holds no jars"), r.err);
    Result installed = bash(clusterEnv(), "submit/yarn.sh", "--dry-run", "--placement", "gpu");
    assertEquals(0, installed.exit, installed.err);
    assertLacks(installed.cmd(), " --jars ");
  }

  @Test
  void k8sTakesImageNamespaceServiceAccountAndTheJarInsideTheImage() throws Exception {
    Result r = bash(clusterEnv("SPARK_CNN_MASTER", "k8s://https://api:6443",
            "SPARK_CNN_K8S_IMAGE", "reg/spark-cnn:1", "SPARK_CNN_K8S_NAMESPACE", "ml",
            "SPARK_CNN_K8S_SERVICE_ACCOUNT", "trainer",
            "SPARK_CNN_APP_JAR", "local:///opt/spark-cnn/app.jar"),
        "submit/k8s.sh", "--dry-run", "--deploy-mode", "cluster");
    assertEquals(0, r.exit, r.err);
    assertContains(r.cmd(), " --conf spark.kubernetes.container.image=reg/spark-cnn:1 ",
        " --conf spark.kubernetes.namespace=ml ",
        " --conf spark.kubernetes.authenticate.driver.serviceAccountName=trainer ",
        " --num-executors 2 ",
        " --class org.sparkcnn.train.TrainJob local:///opt/spark-cnn/app.jar --set ");
    // The jar is in the image: nothing to upload.
    assertLacks(r.cmd(), "spark.kubernetes.file.upload.path");

    Map<String, String> noImage = clusterEnv("SPARK_CNN_MASTER", "k8s://https://api:6443",
        "SPARK_CNN_APP_JAR", "local:///app.jar");
    Result missing = bash(noImage, "submit/k8s.sh");
    assertEquals(2, missing.exit, missing.out);
    assertTrue(missing.err.contains("SPARK_CNN_K8S_IMAGE is not set"), missing.err);
    Result localJar = bash(clusterEnv("SPARK_CNN_MASTER", "k8s://https://api:6443",
        "SPARK_CNN_K8S_IMAGE", "img", "SPARK_CNN_APP_JAR", "/tmp/app.jar"), "submit/k8s.sh",
        "--deploy-mode", "cluster");
    assertEquals(2, localJar.exit, localJar.out);
    assertTrue(localJar.err.contains("SPARK_CNN_K8S_UPLOAD_PATH is not set"), localJar.err);
  }

  @Test
  void clusterScriptsCheckTheirMaster() throws Exception {
    Result standalone = bash(clusterEnv("SPARK_CNN_MASTER", "yarn"), "submit/standalone.sh",
        "--dry-run");
    assertEquals(2, standalone.exit, standalone.out);
    assertTrue(standalone.err.contains("needs a spark://host:port master"), standalone.err);
    Result flag = bash(clusterEnv(), "submit/standalone.sh", "--dry-run", "--master",
        "spark://other:7077");
    assertTrue(flag.cmd().contains(" --master spark://other:7077 "), flag.out);
    Result yarn = bash(clusterEnv(), "submit/yarn.sh", "--dry-run", "--master", "local");
    assertEquals(2, yarn.exit, yarn.out);
  }

  @Test
  void submitDispatchesOnTheMasterToTheScriptForIt() throws Exception {
    Map<String, String> env = clusterEnv("SPARK_CNN_EXECUTOR_CORES", "4",
        "SPARK_CNN_SUBMIT_OPTS", "--conf spark.eventLog.enabled=true",
        "SPARK_CNN_K8S_IMAGE", "img");
    Result yarn = bash(env, "submit/submit.sh", "--dry-run", "yarn", "--conf", "job.conf");
    assertEquals(0, yarn.exit, yarn.err);
    assertTrue(yarn.cmd().startsWith("env " + CPU_ENV + " /opt/spark/bin/spark-submit"
        + " --master yarn --deploy-mode client "), yarn.cmd());
    assertContains(yarn.cmd(), " --executor-cores 4 ",
        " --conf spark.eventLog.enabled=true --class org.sparkcnn.train.TrainJob ");
    assertTrue(yarn.cmd().endsWith("-app.jar --conf job.conf --set cluster.placement=cpu"),
        yarn.cmd());

    Result standalone = bash(env, "submit/submit.sh", "--dry-run", "spark://h:7077",
        "--deploy-mode", "cluster");
    assertContains(standalone.cmd(), " --master spark://h:7077 --deploy-mode cluster ",
        " --total-executor-cores 8 ");
    Result k8s = bash(env, "submit/submit.sh", "--dry-run", "k8s://https://api:6443");
    assertContains(k8s.cmd(), " --master k8s://https://api:6443 ",
        " spark.kubernetes.container.image=img ");
    Result local = bash(env, "submit/submit.sh", "--dry-run", "local[3]");
    assertContains(local.cmd(), " --master local\\[3\\] ");
  }

  @Test
  void submitWithoutAMasterPrintsUsageAndFails() throws Exception {
    Result r = bash(Map.of(), "submit/submit.sh");
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("Submits TrainJob to the cluster manager its MASTER names"),
        r.err);
    Result noSpark = bash(Map.of(), "submit/submit.sh", "spark://h:7077");
    assertEquals(2, noSpark.exit);
    assertTrue(noSpark.err.contains("SPARK_HOME is not set"), noSpark.err);
  }

  // --- batch.sh --------------------------------------------------------------------------------

  static final String BATCH_SETS = " --set run.id=nightly-20260105 --set run.if-exists=resume"
      + " --set run.latest-pointer=nightly.latest";

  @Test
  void batchRunsTheSubmitScriptWithTheRunIdOfTheDateAndItsSchedulingKeys() throws Exception {
    Result r = bash(clusterEnv(), "submit/batch.sh", "--dry-run", "nightly", "--date",
        "20260105", "--keep", "7", "--", "yarn.sh", "--conf", "job.conf");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.cmd().startsWith("env " + CPU_ENV + " /opt/spark/bin/spark-submit --master yarn"
        + " --deploy-mode client "), r.cmd());
    assertTrue(r.cmd().endsWith("-app.jar --conf job.conf" + BATCH_SETS + " --set run.keep=7"
        + " --set cluster.placement=cpu"), r.cmd());
    assertEquals("", r.err);

    Result refuse = bash(clusterEnv(), "submit/batch.sh", "nightly", "--dry-run", "--date",
        "20260105-0230", "--if-exists", "refuse", "--", "submit.sh", "local[2]");
    assertEquals(0, refuse.exit, refuse.err);
    assertTrue(refuse.cmd().endsWith("-app.jar --set"
        + " run.id=nightly-20260105-0230 --set run.if-exists=refuse --set"
        + " run.latest-pointer=nightly.latest --set cluster.placement=cpu"), refuse.cmd());
    assertContains(refuse.cmd(), " --master local\\[2\\] ");
  }

  @Test
  void batchDatesTheRunTodayInUtcByDefault() throws Exception {
    String before = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace("-", "");
    Result r = bash(Map.of(), "submit/batch.sh", "--dry-run", "daily", "--", "local.sh");
    String after = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().replace("-", "");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.cmd().contains(" --set run.id=daily-" + before + " ")
        || r.cmd().contains(" --set run.id=daily-" + after + " "), r.cmd());
  }

  /** A stand-in submit script that prints its arguments and exits with {@code code}. */
  Path fakeSubmit(int code) throws IOException {
    Path script = tmp.resolve("fake-submit-" + code + ".sh");
    Files.writeString(script, "#!/usr/bin/env bash\necho \"$*\"\nexit " + code + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4, 5, 6, 7})
  void batchExitsWithTheJobsExitCode(int code) throws Exception {
    Result r = bash(Map.of(), "submit/batch.sh", "nightly", "--date", "20260105", "--",
        fakeSubmit(code).toString(), "--conf", "my job.conf");
    assertEquals(code, r.exit, r.err);
    assertEquals("--conf my job.conf" + BATCH_SETS + "\n", r.out);
  }

  @Test
  void batchRefusesBadArgumentsWithTwoAndRunsNothing() throws Exception {
    String fake = fakeSubmit(0).toString();
    Map<List<String>, String> bad = new java.util.LinkedHashMap<>();
    bad.put(List.of("nightly", fake), "one NAME only, not 'nightly' and '" + fake + "'");
    bad.put(List.of("nightly", "--"), "Usage: submit/batch.sh");
    bad.put(List.of("--", fake), "Usage: submit/batch.sh");
    bad.put(List.of(".hidden", "--", fake), "NAME must be letters, digits");
    bad.put(List.of("n", "--date", "2026-01-05", "--", fake),
        "--date must be YYYYMMDD or YYYYMMDD-HHMM, not '2026-01-05'");
    bad.put(List.of("n", "--if-exists", "overwrite", "--", fake),
        "--if-exists must be resume or refuse, not 'overwrite'");
    bad.put(List.of("n", "--keep", "-1", "--", fake), "--keep must be a whole number");
    bad.put(List.of("n", "--", fake, "--set", "run.id=other"),
        "run.id=other: batch.sh sets it");
    bad.put(List.of("n", "--", fake, "--resume", "runs/x"), "no --resume");
    bad.put(List.of("n", "--", "no-such.sh"), "no submit script ");
    bad.put(List.of("n", "--placement", "gpu", "--", fake),
        "unknown option '--placement' (the submit script's options go after --)");
    for (var entry : bad.entrySet()) {
      List<String> args = new ArrayList<>(List.of("submit/batch.sh"));
      args.addAll(entry.getKey());
      Result r = bash(Map.of(), args.toArray(String[]::new));
      assertEquals(2, r.exit, entry.getKey() + ": " + r.out);
      assertTrue(r.err.contains(entry.getValue()), entry.getKey() + ": " + r.err);
      assertEquals("", r.out, entry.getKey().toString());
    }
  }

  @Test
  void batchWarnsThatClusterDeployModeLosesTheExitCode() throws Exception {
    for (List<String> mode : List.of(List.of("--deploy-mode", "cluster"),
        List.of("--deploy-mode=cluster"))) {
      List<String> args = new ArrayList<>(List.of("submit/batch.sh", "--dry-run", "n", "--",
          "yarn.sh"));
      args.addAll(mode);
      Result r = bash(clusterEnv(), args.toArray(String[]::new));
      assertEquals(0, r.exit, r.err);
      assertTrue(r.err.startsWith("warning: in cluster deploy mode spark-submit's exit code is"
          + " not the job's"), r.err);
    }
  }

  @Test
  void batchAndTheManualDocumentEveryExitCode() throws Exception {
    String header = header(HOME.resolve("submit/batch.sh"));
    // The exit-code table moved from README.md to the manual's training page.
    String manual = Files.readString(HOME.resolve("docs/training.md"));
    // 5: the backend probe's, added beside these on another branch.
    List<Integer> codes = new ArrayList<>(Stream.of(ExitCode.values()).map(ExitCode::code)
        .toList());
    codes.add(5);
    for (int code : codes) {
      assertTrue(header.contains("\n#   " + code + "  "), "batch.sh header: exit code " + code);
      assertTrue(manual.contains("\n| " + code + " | "), "docs/training.md: exit code " + code);
    }
    assertEquals(Set.of(), variables(Files.readString(HOME.resolve("submit/batch.sh"))),
        "batch.sh reads no variable of its own");
  }

  /**
   * No example passes a secret on a command line, where every user of the machine sees it (ps)
   * and shell histories keep it: secrets go into spark-defaults.conf or Hadoop's configuration.
   */
  @Test
  void noExampleOrScriptPutsASecretOnACommandLine() throws Exception {
    List<Path> files = new ArrayList<>(List.of(HOME.resolve("README.md")));
    for (String dir : List.of("submit", "conf", "docs")) {
      try (Stream<Path> all = Files.walk(HOME.resolve(dir))) {
        all.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".png"))
            .forEach(files::add);
      }
    }
    Pattern setting =
        Pattern.compile("(?:--conf[ =]|-D|--set )([A-Za-z0-9_-]+\\.[A-Za-z0-9._-]+)=");
    for (Path file : files) {
      Matcher m = setting.matcher(Files.readString(file));
      while (m.find()) {
        assertFalse(org.sparkcnn.config.Redaction.isSecret(m.group(1)),
            HOME.relativize(file) + ": " + m.group());
      }
    }
  }

  // --- The other scripts -----------------------------------------------------------------------

  @Test
  void benchmarkRunsSingleProcessWithAllCoresThenOneThreadThenSparkWithOneThreadPerWorker()
      throws Exception {
    Result r = bash(Map.of("SPARK_CNN_CORES", "4"), "submit/benchmark.sh", "--dry-run",
        "--models", "lenet5");
    assertEquals(0, r.exit, r.err);
    List<String> commands = r.out.lines().toList();
    assertEquals(3, commands.size(), r.out);
    String main = " org.sparkcnn.bench.ThroughputBenchmark ";
    assertTrue(commands.get(0).startsWith("env OMP_NUM_THREADS=4 java "), commands.get(0));
    assertTrue(commands.get(0).endsWith(main + "--mode single --models lenet5"), commands.get(0));
    assertTrue(commands.get(1).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(1));
    assertTrue(commands.get(1).endsWith(main + "--mode single --models lenet5"), commands.get(1));
    assertTrue(commands.get(2).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(2));
    assertTrue(commands.get(2).endsWith(main + "--mode spark --workers 4 --models lenet5"),
        commands.get(2));
    // --master reaches every part; the single-process ones ignore it
    Result resident = bash(Map.of("SPARK_CNN_CORES", "4"), "submit/benchmark.sh", "--dry-run",
        "--models", "lenet5", "--master", "resident");
    assertEquals(0, resident.exit, resident.err);
    List<String> residentCommands = resident.out.lines().toList();
    assertEquals(3, residentCommands.size(), resident.out);
    assertTrue(residentCommands.get(2).endsWith(main + "--mode spark --workers 4 --models lenet5"
        + " --master resident"), residentCommands.get(2));
  }

  @Test
  void zooBenchmarkRunsEachSideOnOneAndAllCoresThenTheTableOfOneRunId() throws Exception {
    String models = "lenet5,mobilenet-v1-cifar(alpha=0.5, unit=rhs)";
    Result r = bash(Map.of("SPARK_CNN_CORES", "4"), "submit/benchmark.sh", "--dry-run", "--zoo",
        "--models", models, "--run-id", "r1");
    assertEquals(0, r.exit, r.err);
    List<String> commands = r.out.lines().toList();
    assertEquals(7, commands.size(), r.out);
    String quoted = "--models lenet5\\,mobilenet-v1-cifar\\(alpha=0.5\\,\\ unit=rhs\\)";
    String common = " " + quoted + " --engines native --iterations 10 --warmup 3"
        + " --min-seconds 10 --run-id r1";
    String main = " org.sparkcnn.bench.ThroughputBenchmark ";
    assertTrue(commands.get(0).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(0));
    assertTrue(commands.get(0).endsWith(main + "--mode single" + common), commands.get(0));
    assertTrue(commands.get(1).startsWith("env OMP_NUM_THREADS=4 java "), commands.get(1));
    assertTrue(commands.get(1).endsWith(main + "--mode single" + common), commands.get(1));
    assertTrue(commands.get(2).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(2));
    assertTrue(commands.get(2).endsWith(main + "--mode spark --workers 4" + common),
        commands.get(2));
    assertTrue(commands.get(3).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(3));
    assertTrue(commands.get(3).endsWith(main + "--mode spark --master resident --workers 4"
        + common), commands.get(3));
    for (int i = 4; i <= 5; i++) {
      String threads = i == 4 ? "1" : "4";
      assertTrue(commands.get(i).startsWith("env OMP_NUM_THREADS=" + threads + " /usr/bin/python3 "
          + HOME.resolve("bench/torch_throughput.py") + " " + quoted.substring(9)),
          commands.get(i));
      assertTrue(commands.get(i).endsWith("--run-id r1 --output runs/torch_throughput.csv"
          + " --threads " + threads), commands.get(i));
    }
    assertTrue(commands.get(6).endsWith(" org.sparkcnn.bench.SideBySide --run-id r1 --cores 4"),
        commands.get(6));
    Result bad = bash(Map.of(), "submit/benchmark.sh", "--dry-run", "--zoo", "--model", "x");
    assertEquals(2, bad.exit, bad.out);
    assertTrue(bad.err.contains("not --model"), bad.err);
  }

  @Test
  void speedupBenchmarkInterleavesOneThreadAndResidentRunsThenRunsProcessesSideBySide()
      throws Exception {
    Result r = bash(Map.of("SPARK_CNN_CORES", "3"), "submit/benchmark.sh", "--dry-run",
        "--speedup", "--models", "lenet5;mobilenet-v1-cifar(alpha=0.5, unit=rhs)", "--repeats",
        "2", "--min-seconds", "5", "--run-id", "s1");
    assertEquals(0, r.exit, r.err);
    List<String> commands = r.out.lines().toList();
    // per network: (1 thread, resident) x 2, 1 thread, 3 side by side; then the table
    assertEquals(2 * 8 + 1, commands.size(), r.out);
    String main = " org.sparkcnn.bench.ThroughputBenchmark ";
    String common = " --engines native --iterations 20 --warmup 10 --warmup-seconds 45"
        + " --min-seconds 5 --run-id s1";
    for (int n = 0; n < 2; n++) {
      String model = n == 0 ? "lenet5" : "mobilenet-v1-cifar\\(alpha=0.5\\,\\ unit=rhs\\)";
      List<String> network = commands.subList(8 * n, 8 * n + 8);
      String single = main + "--mode single --model " + model + common;
      String resident = main + "--mode spark --master resident --workers 3"
          + " --round-scheduling job --averaging-frequency 5 --model " + model + common;
      String side = main + "--mode single --processes 3 --model " + model + common;
      List<String> expected = List.of(single, resident, single, resident, single, side, side,
          side);
      for (int i = 0; i < 8; i++) {
        assertTrue(network.get(i).startsWith("env OMP_NUM_THREADS=1 java "), network.get(i));
        assertTrue(network.get(i).endsWith(expected.get(i)), i + ": " + network.get(i));
      }
    }
    assertTrue(commands.get(16).endsWith(" org.sparkcnn.bench.Speedup --run-id s1 --cores 3"),
        commands.get(16));
    Result zoo = bash(Map.of("SPARK_CNN_CORES", "2"), "submit/benchmark.sh", "--dry-run",
        "--speedup", "--models", "zoo", "--repeats", "1");
    assertEquals(0, zoo.exit, zoo.err);
    assertEquals(11 * 5 + 1, zoo.out.lines().count(), "the eleven networks with small inputs");
    Result both = bash(Map.of("SPARK_CNN_CORES", "2"), "submit/benchmark.sh", "--dry-run",
        "--speedup", "--models", "lenet5", "--repeats", "1", "--round-scheduling",
        "job,barrier");
    assertEquals(0, both.exit, both.err);
    List<String> lines = both.out.lines().toList();
    assertEquals(6 + 1, lines.size(), "1 thread, job, barrier, 1 thread, 2 side by side; table");
    assertTrue(lines.get(1).contains(" --round-scheduling job "), lines.get(1));
    assertTrue(lines.get(2).contains(" --round-scheduling barrier "), lines.get(2));
    Result badScheduling = bash(Map.of(), "submit/benchmark.sh", "--dry-run", "--speedup",
        "--round-scheduling", "epoch");
    assertEquals(2, badScheduling.exit, badScheduling.out);
    assertTrue(badScheduling.err.contains(
        "--round-scheduling must be job, barrier or job,barrier, got epoch"), badScheduling.err);
    Result bad = bash(Map.of(), "submit/benchmark.sh", "--dry-run", "--speedup", "--repeats",
        "0");
    assertEquals(2, bad.exit, bad.out);
    assertTrue(bad.err.contains("--repeats must be a whole number >= 1, got 0"), bad.err);
    Result unknown = bash(Map.of(), "submit/benchmark.sh", "--dry-run", "--speedup", "--master",
        "dl4j");
    assertEquals(2, unknown.exit, unknown.out);
    assertTrue(unknown.err.contains("not --master"), unknown.err);
  }

  @Test
  void scoringBenchmarkRunsPyTorchInferenceOnOneAndAllCoresThenTheTableWithTheSameRunId()
      throws Exception {
    Result r = bash(Map.of("SPARK_CNN_CORES", "4"), "submit/benchmark.sh", "--dry-run",
        "--scoring", "--models", "lenet5;tf-cifar10", "--batch", "32", "--run-id", "s1");
    assertEquals(0, r.exit, r.err);
    List<String> commands = r.out.lines().toList();
    assertEquals(3, commands.size(), r.out);
    for (int i = 0; i <= 1; i++) {
      String threads = i == 0 ? "1" : "4";
      assertTrue(commands.get(i).startsWith("env OMP_NUM_THREADS=" + threads + " /usr/bin/python3 "
          + HOME.resolve("bench/torch_throughput.py") + " lenet5\\;tf-cifar10 --inference"
          + " --batch 32 --run-id s1 --output runs/torch_inference.csv --threads " + threads),
          commands.get(i));
    }
    assertTrue(commands.get(2).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(2));
    assertTrue(commands.get(2).endsWith(" org.sparkcnn.bench.ScoringBenchmark --workers 4"
        + " --run-id s1 --models lenet5\\;tf-cifar10 --batch 32 --run-id s1"), commands.get(2));
  }

  @Test
  void augmentationBenchmarkRunsOnceWithOneThreadPerWorker() throws Exception {
    Result r = bash(Map.of("SPARK_CNN_CORES", "4"), "submit/benchmark.sh", "--dry-run",
        "--augmentation", "--seconds", "3");
    assertEquals(0, r.exit, r.err);
    List<String> commands = r.out.lines().toList();
    assertEquals(1, commands.size(), r.out);
    assertTrue(commands.get(0).startsWith("env OMP_NUM_THREADS=1 java "), commands.get(0));
    assertTrue(commands.get(0).endsWith(
        " org.sparkcnn.bench.AugmentationBenchmark --workers 4 --seconds 3"), commands.get(0));
  }

  // --- prune.sh, experiment.sh ------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource({"prune.sh, org.sparkcnn.prune.PruneJob",
      "experiment.sh, org.sparkcnn.experiment.ExperimentJob"})
  void otherJobsRunTheirMainClassThroughTheLaunchScript(String script, String mainClass)
      throws Exception {
    Result r = bash(Map.of(), "submit/" + script, "--dry-run", "my job.conf", "--set",
        "train.epochs=1");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.cmd().endsWith(" " + mainClass + " my\\ job.conf --set train.epochs=1"
        + " --set cluster.placement=cpu"), r.cmd());
    Result missing = bash(Map.of(), "submit/" + script, "no-such-script.sh", "x.conf");
    assertEquals(2, missing.exit);
    assertContains(missing.err, "no submit script", "no-such-script.sh");
  }

  /** A launch script that prints its main class and arguments and exits as {@code codes} say. */
  Path fakeLauncher(String cpu, String gpu, String hybrid) throws IOException {
    Path script = tmp.resolve("fake-launcher.sh");
    Files.writeString(script, "#!/usr/bin/env bash\necho \"$SPARK_CNN_MAIN_CLASS $*\"\n"
        + "case \"$*\" in *'--placement cpu'*) exit " + cpu + ";; *'--placement gpu'*) exit "
        + gpu + ";; *) exit " + hybrid + ";; esac\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void experimentRunsOneApplicationPerPlacementUntilNothingIsLeft() throws Exception {
    String job = "org.sparkcnn.experiment.ExperimentJob";
    Result r = bash(Map.of(), "submit/experiment.sh", fakeLauncher("5", "5", "0").toString(),
        "--placements", "cpu,gpu,hybrid", "--deploy-mode", "client", "p.conf");
    assertEquals(0, r.exit, r.err);
    assertEquals(List.of(job + " --placement cpu --deploy-mode client p.conf",
        job + " --placement gpu --deploy-mode client p.conf",
        job + " --placement hybrid --deploy-mode client p.conf"), r.out.lines().toList());
    // Complete after the first application: nothing left for the others.
    Result done = bash(Map.of(), "submit/experiment.sh", fakeLauncher("0", "5", "5").toString(),
        "--placements", "cpu,gpu", "p.conf");
    assertEquals(0, done.exit, done.err);
    assertEquals(List.of(job + " --placement cpu p.conf"), done.out.lines().toList());
    // Still incomplete after the last one: its exit code.
    Result incomplete = bash(Map.of(), "submit/experiment.sh",
        fakeLauncher("5", "5", "5").toString(), "--placements", "cpu,gpu", "p.conf");
    assertEquals(5, incomplete.exit, incomplete.err);
    assertEquals(2, incomplete.out.lines().count());
  }

  @Test
  void experimentPlacementsStopAtAFailureOtherThanAMissingBackend() throws Exception {
    Result r = bash(Map.of(), "submit/experiment.sh", fakeLauncher("3", "0", "0").toString(),
        "--placements", "cpu,gpu", "p.conf");
    assertEquals(3, r.exit, r.err);
    assertEquals(1, r.out.lines().count(), r.out);
    for (String list : List.of("cpu,tpu", "")) {
      Result bad = bash(Map.of(), "submit/experiment.sh", fakeLauncher("0", "0", "0").toString(),
          "--placements", list, "p.conf");
      assertEquals(2, bad.exit, list);
      assertEquals("", bad.out, "nothing runs for --placements '" + list + "'");
      assertContains(bad.err, "--placements");
    }
  }

  @Test
  void modelSummaryRunsTheSummaryWithTheApplicationClasspath() throws Exception {
    Result r = bash(Map.of(), "submit/model-summary.sh", "--dry-run", "vgg16(batch-norm=true)",
        "--classes", "100");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.contains("-app.jar:"), r.out);
    assertTrue(r.out.trim().endsWith(
        " org.sparkcnn.models.ModelSummary vgg16\\(batch-norm=true\\) --classes 100"), r.out);
  }

  // --- conf/gpu-discovery.sh -------------------------------------------------------------------

  /** A directory holding a fake nvidia-smi that runs SCRIPT, for PATH. */
  Path fakeNvidiaSmi(String script) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  static Map<String, String> pathWith(Path bin) {
    return Map.of("PATH", bin + ":" + System.getenv("PATH"));
  }

  @Test
  void gpuDiscoveryListsTheGpusNvidiaSmiReportsAsSparkResourceJson() throws Exception {
    Path bin = fakeNvidiaSmi("""
        [ "$*" = "--query-gpu=index --format=csv,noheader" ] || exit 64
        printf '0\\n1\\n3\\n'""");
    Result r = bash(pathWith(bin), "conf/gpu-discovery.sh");
    assertEquals(0, r.exit, r.err);
    assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\", \"3\"]}\n", r.out);
  }

  @Test
  void gpuDiscoveryReportsNoAddressesOnANodeWithoutGpus() throws Exception {
    Result r = bash(pathWith(fakeNvidiaSmi("exit 0")), "conf/gpu-discovery.sh");
    assertEquals(0, r.exit, r.err);
    assertEquals("{\"name\": \"gpu\", \"addresses\": []}\n", r.out);
  }

  @Test
  void gpuDiscoveryFailsWhenNvidiaSmiFails() throws Exception {
    Result r = bash(pathWith(fakeNvidiaSmi("echo 'NVIDIA-SMI has failed' >&2; exit 9")),
        "conf/gpu-discovery.sh");
    assertNotEquals(0, r.exit);
    assertTrue(r.err.contains("NVIDIA-SMI has failed"), r.err);
    assertEquals("", r.out);
    Result garbage = bash(pathWith(fakeNvidiaSmi("echo 'No devices were found'")),
        "conf/gpu-discovery.sh");
    assertNotEquals(0, garbage.exit);
    assertTrue(garbage.err.contains("unexpected GPU index"), garbage.err);
  }

  // --- Documentation and lint ------------------------------------------------------------------

  /** The comment block at the top of a script. */
  static String header(Path script) throws IOException {
    StringBuilder header = new StringBuilder();
    for (String line : Files.readAllLines(script)) {
      if (!line.startsWith("#")) {
        break;
      }
      header.append(line).append('\n');
    }
    return header.toString();
  }

  static Set<String> variables(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("\\b(SPARK_CNN_[A-Z0-9_]+|SPARK_HOME)\\b").matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    names.remove("SPARK_CNN_HOME"); // the project directory common.sh finds, not read
    return names;
  }

  @Test
  void everyScriptDocumentsTheEnvironmentVariablesItReads() throws Exception {
    String common = Files.readString(HOME.resolve("submit/common.sh"));
    Set<String> shared = variables(common);
    // Local mode reads no cluster settings; YARN has no master URL or Kubernetes settings.
    Set<String> clusterOnly = new TreeSet<>(shared);
    clusterOnly.removeAll(Set.of("SPARK_CNN_PLACEMENT", "SPARK_CNN_CUDA_JARS", "SPARK_HOME"));
    Map<String, Set<String>> notRead = Map.of(
        "local.sh", clusterOnly,
        "standalone.sh", Set.of("SPARK_CNN_K8S_IMAGE", "SPARK_CNN_K8S_NAMESPACE",
            "SPARK_CNN_K8S_SERVICE_ACCOUNT", "SPARK_CNN_K8S_UPLOAD_PATH",
            "SPARK_CNN_K8S_GPU_DISCOVERY_SCRIPT"),
        "yarn.sh", Set.of("SPARK_CNN_MASTER", "SPARK_CNN_K8S_IMAGE", "SPARK_CNN_K8S_NAMESPACE",
            "SPARK_CNN_K8S_SERVICE_ACCOUNT", "SPARK_CNN_K8S_UPLOAD_PATH",
            "SPARK_CNN_K8S_GPU_DISCOVERY_SCRIPT"),
        "k8s.sh", Set.of());
    assertTrue(variables(header(HOME.resolve("submit/common.sh"))).containsAll(shared),
        "common.sh's header lists every variable it reads");
    for (var entry : notRead.entrySet()) {
      Path script = HOME.resolve("submit").resolve(entry.getKey());
      Set<String> read = variables(Files.readString(script));
      read.addAll(shared);
      read.removeAll(entry.getValue());
      Set<String> undocumented = new TreeSet<>(read);
      undocumented.removeAll(variables(header(script)));
      assertEquals(Set.of(), undocumented, entry.getKey() + " header");
    }
  }

  @Test
  void scriptsPassShellcheck() throws Exception {
    assumeTrue(onPath("shellcheck"), "shellcheck is not installed (.ci/run installs it)");
    List<String> command = new ArrayList<>(List.of("shellcheck", "-x"));
    try (Stream<Path> submit = Files.list(HOME.resolve("submit"));
        Stream<Path> conf = Files.list(HOME.resolve("conf"))) {
      Stream.concat(submit, conf)
          .filter(p -> p.toString().endsWith(".sh"))
          .map(p -> HOME.relativize(p).toString())
          .sorted()
          .forEach(command::add);
    }
    assertTrue(command.contains("submit/k8s.sh") && command.contains("conf/gpu-discovery.sh"),
        command.toString());
    command.add(".ci/run");
    Process p = new ProcessBuilder(command).directory(HOME.toFile())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  /** Two fake CUDA backend jars in a directory, for SPARK_CNN_CUDA_JARS. */
  Path cudaJars() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("cuda-jars"));
    Files.writeString(dir.resolve("b-cuda.jar"), "");
    Files.writeString(dir.resolve("a-cuda.jar"), "");
    Files.writeString(dir.resolve("README"), "not a jar");
    return dir;
  }

  static boolean onPath(String program) throws IOException, InterruptedException {
    return new ProcessBuilder("sh", "-c", "command -v " + program).start().waitFor() == 0;
  }
}
