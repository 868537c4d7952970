package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launch scripts in submit/, through their --dry-run output, and shellcheck. */
class SubmitScriptsTest {
  /** Surefire runs in the module directory; the scripts are one level up. */
  static final Path HOME = Path.of("..").toAbsolutePath().normalize();

  record Result(int exit, String out, String err) {}

  static Result bash(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("OMP_NUM_THREADS");
    pb.environment().putAll(env);
    Path err = Files.createTempFile("script", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = p.waitFor();
    return new Result(exit, out, Files.readString(err));
  }

  @Test
  void localRunsTheJobWithPlainJavaOnLocalNWithOneOpenMpThreadPerTask() throws Exception {
    Result r = bash(Map.of("SPARK_CNN_CORES", "3", "SPARK_CNN_DRIVER_MEMORY", "5g"),
        "submit/local.sh", "--dry-run", "--set", "train.epochs=1");
    assertEquals(0, r.exit, r.err);
    String cmd = r.out.trim();
    assertTrue(cmd.startsWith("java -XX:+IgnoreUnrecognizedVMOptions --add-opens="), cmd);
    assertTrue(cmd.contains(" --add-opens=java.base/sun.util.calendar=ALL-UNNAMED "), cmd);
    assertTrue(cmd.contains(" -Xmx5g -Dspark.master=local\\[3\\] "), cmd);
    assertTrue(cmd.contains(
        " -D" + SparkSetup.TIME_SOURCE_PROPERTY + "=" + SparkSetup.SYSTEM_CLOCK + " "), cmd);
    assertTrue(cmd.endsWith(" org.sparkcnn.train.TrainJob --set train.epochs=1"), cmd);
    assertTrue(cmd.contains("spark-jobs/target/spark-cnn-jobs-"), cmd);
  }

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
    assertTrue(r.out.startsWith("/opt/spark/bin/spark-submit --master local\\[2\\] "), r.out);
    assertTrue(r.out.contains(" --class org.sparkcnn.train.TrainJob "), r.out);
  }

  @Test
  void submitPassesMasterKryoClockAndThreadsToSparkSubmit() throws Exception {
    Result r = bash(Map.of("SPARK_HOME", "/opt/spark", "SPARK_CNN_EXECUTOR_CORES", "4",
            "SPARK_CNN_SUBMIT_OPTS", "--conf spark.eventLog.enabled=true"),
        "submit/submit.sh", "--dry-run", "yarn", "--conf", "job.conf");
    assertEquals(0, r.exit, r.err);
    String cmd = r.out.trim();
    assertTrue(cmd.startsWith("/opt/spark/bin/spark-submit --master yarn --deploy-mode client "),
        cmd);
    for (String part : List.of(" --executor-cores 4 ",
        " --conf spark.executor.extraJavaOptions=-D" + SparkSetup.TIME_SOURCE_PROPERTY + "=",
        " --conf spark.executorEnv.OMP_NUM_THREADS=1 ",
        " --conf spark.serializer=" + SparkSetup.KRYO_SERIALIZER + " ",
        " --conf spark.kryo.registrator=" + SparkSetup.ND4J_KRYO_REGISTRATOR + " ",
        " --conf spark.eventLog.enabled=true --class org.sparkcnn.train.TrainJob ")) {
      assertTrue(cmd.contains(part), part + " in " + cmd);
    }
    assertTrue(cmd.endsWith("-app.jar --conf job.conf"), cmd);
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

  @Test
  void submitWithoutAMasterPrintsUsageAndFails() throws Exception {
    Result r = bash(Map.of(), "submit/submit.sh");
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("Submits TrainJob to a Spark cluster"), r.err);
    Result noSpark = bash(Map.of(), "submit/submit.sh", "spark://h:7077");
    assertEquals(2, noSpark.exit);
    assertTrue(noSpark.err.contains("SPARK_HOME is not set"), noSpark.err);
  }

  @Test
  void scriptsPassShellcheck() throws Exception {
    assumeTrue(onPath("shellcheck"), "shellcheck is not installed (.ci/run installs it)");
    Process p = new ProcessBuilder("shellcheck", "-x", "submit/common.sh", "submit/local.sh",
        "submit/submit.sh", "submit/benchmark.sh", "submit/model-summary.sh", ".ci/run")
        .directory(HOME.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  static boolean onPath(String program) throws IOException, InterruptedException {
    return new ProcessBuilder("sh", "-c", "command -v " + program).start().waitFor() == 0;
  }
}
