package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.TrainJob;

/**
 * The placement benchmark launching real training jobs (plain java, Spark local[2], a few hundred
 * Fashion-MNIST images) on this CPU-only machine, and its handling of failing children.
 */
class PlacementBenchmarkTest {
  static final Path SUBSET = resource("/org/sparkcnn/train/fashion-mnist-subset");
  @TempDir Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(PlacementBenchmarkTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Runs TrainJob as submit/local.sh does without a Spark installation: plain java on this
   * test's class path, with the JVM options surefire gave this JVM (Spark's --add-opens, DL4J's
   * clock, the nd4j-native build).
   */
  static String javaLauncher() {
    List<String> words = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
        "-Dspark.master=local[2]"));
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens") || option.startsWith("-XX:+IgnoreUnrecognized")
          || option.startsWith("-Djdk.reflect") || option.startsWith("-Dorg.deeplearning4j")
          || option.startsWith("-Dorg.bytedeco")) {
        words.add(option);
      }
    }
    words.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainJob.class.getName()));
    return String.join(" ", words);
  }

  /** A job file with the subset's paths: LeNet-5, 1 epoch on 384 images. */
  Path tinyJob() throws Exception {
    Path conf = tmp.resolve("tiny.conf");
    Files.writeString(conf, "data {\n"
        + "  train-images = \"" + SUBSET.resolve("train-images-idx3-ubyte.gz") + "\"\n"
        + "  train-labels = \"" + SUBSET.resolve("train-labels-idx1-ubyte.gz") + "\"\n"
        + "  test-images = \"" + SUBSET.resolve("t10k-images-idx3-ubyte.gz") + "\"\n"
        + "  test-labels = \"" + SUBSET.resolve("t10k-labels-idx1-ubyte.gz") + "\"\n"
        + "  train-limit = 384\n"
        + "  test-limit = 200\n"
        + "}\n");
    return conf;
  }

  static List<List<String>> csv(Path file) throws Exception {
    Table table = Table.read(file);
    List<List<String>> lines = new ArrayList<>(List.of(table.columns()));
    lines.addAll(table.rows());
    return lines;
  }

  @Test
  void measuresCpuAndReportsGpuAndHybridNotAvailableOnACpuOnlyMachine() throws Exception {
    Path out = tmp.resolve("bench");
    PlacementBenchmark.Options options = PlacementBenchmark.parse(new String[] {
        "--conf", tinyJob().toString(), "--set", "train.epochs=1",
        "--out", out.toString(), "--launcher", javaLauncher()}, null);
    assertEquals(List.of("cpu", "gpu", "hybrid"), options.placements());
    assertFalse(PlacementBenchmark.cudaVisible(), "this test expects a machine without CUDA");
    Table table = PlacementBenchmark.run(options, PlacementBenchmark.cudaVisible());

    List<List<String>> rows = csv(out.resolve(PlacementBenchmark.CSV));
    assertEquals(List.of("placement", "status", "run_1_seconds", "mean_seconds",
        "images_per_sec", "top1_accuracy", "speedup_vs_cpu"), rows.get(0));
    assertEquals(table.rows(), rows.subList(1, rows.size()));
    assertEquals(4, rows.size());
    // the cpu row holds what the run itself recorded
    Path cpuRun = out.resolve("runs").resolve("cpu-1");
    List<List<String>> timing = csv(cpuRun.resolve("timing.csv"));
    List<List<String>> accuracy = csv(cpuRun.resolve("accuracy.csv"));
    String trainSeconds = timing.get(1).get(timing.get(0).indexOf("train_seconds"));
    String imagesPerSec = timing.get(1).get(timing.get(0).indexOf("examples_per_sec"));
    String top1 = accuracy.get(1).get(accuracy.get(0).indexOf("top1_accuracy"));
    assertEquals(List.of("cpu", "measured", trainSeconds, trainSeconds, imagesPerSec, top1,
        "1.00"), rows.get(1));
    assertTrue(Double.parseDouble(trainSeconds) > 0, trainSeconds);
    assertTrue(Files.readString(cpuRun.resolve("config.conf")).contains("placement=cpu"));
    assertTrue(Files.readString(cpuRun.resolve(RunLayout.ENVIRONMENT_JSON))
        .contains("\"placement\": \"cpu\""));
    // gpu and hybrid: not launched at all, no estimate
    assertEquals(List.of("gpu", "not available: no CUDA device", "", "", "", "", ""),
        rows.get(2));
    assertEquals(List.of("hybrid", "not available: no CUDA device", "", "", "", "", ""),
        rows.get(3));
    assertFalse(Files.exists(out.resolve("runs").resolve("gpu-1")));
    assertFalse(Files.exists(out.resolve("logs").resolve("gpu-1.log")));
    String md = Files.readString(out.resolve(PlacementBenchmark.MARKDOWN));
    assertTrue(md.contains(table.toMarkdown()), md);
    assertTrue(md.contains("| gpu | not available: no CUDA device |"), md);
  }

  @Test
  void aJobThatFindsNoCudaMakesItsPlacementNotAvailable() throws Exception {
    Path out = tmp.resolve("launched");
    PlacementBenchmark.Options options = PlacementBenchmark.parse(new String[] {
        "--conf", tinyJob().toString(), "--placements", "gpu", "--repeats", "2",
        "--out", out.toString(), "--launcher", javaLauncher()}, null);
    // as if this machine had nvidia-smi: the job is launched and its probe answers
    PlacementBenchmark.run(options, true);
    List<List<String>> rows = csv(out.resolve(PlacementBenchmark.CSV));
    assertEquals(List.of("gpu", "not available: no CUDA device", "", "", "", "", "", ""),
        rows.get(1));
    String log = Files.readString(out.resolve("logs").resolve("gpu-1.log"));
    assertTrue(log.contains("error: cluster.placement=gpu needs ND4J's CUDA backend"), log);
    // one answer is enough: the second repeat is not launched
    assertFalse(Files.exists(out.resolve("logs").resolve("gpu-2.log")));
  }

  @Test
  void aChildFailingOtherwiseStopsTheBenchmarkNamingTheRunAndKeepsMeasuredRows()
      throws Exception {
    // A stand-in for the job: records what it was given and writes the two tables the benchmark
    // reads for cpu; fails with exit code 3 (bad input) for gpu.
    Path job = tmp.resolve("fake-job.sh");
    Files.writeString(job, String.join("\n", "#!/bin/sh",
        "root=; id=",
        "while [ $# -gt 0 ]; do",
        "  case \"$2\" in run.output-root=*) root=${2#run.output-root=} ;;"
            + " run.id=*) id=${2#run.id=} ;; esac",
        "  shift",
        "done",
        "if [ \"$SPARK_CNN_PLACEMENT\" = gpu ]; then echo 'error: input file not found: x';"
            + " exit 3; fi",
        "mkdir -p \"$root/$id\"",
        "echo \"$SPARK_CNN_PLACEMENT\" > \"$root/$id/placement.txt\"",
        "case $id in cpu-1) s=10.0; r=500.0; a=0.8100 ;; *) s=12.0; r=420.0; a=0.8300 ;; esac",
        "printf 'spark_master,train_seconds,examples_per_sec,executor_nd4j\\n"
            + "local[2],%s,%s,\"CPU a; CPU b, c\"\\n' $s $r > \"$root/$id/timing.csv\"",
        "printf 'model,top1_accuracy\\nlenet5,%s\\n' $a > \"$root/$id/accuracy.csv\"",
        ""));
    Files.setPosixFilePermissions(job, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path out = tmp.resolve("failing");
    PlacementBenchmark.Options options = PlacementBenchmark.parse(new String[] {
        "--set", "train.epochs=1", "--placements", "cpu,gpu", "--repeats", "2",
        "--out", out.toString(), "--launcher", job.toString()}, null);
    var e = assertThrows(PlacementBenchmark.RunFailedException.class,
        () -> PlacementBenchmark.run(options, true));
    assertTrue(e.getMessage().startsWith("run gpu-1 failed with exit code 3 (bad input); log: "
        + out.resolve("logs").resolve("gpu-1.log")), e.getMessage());
    assertTrue(e.getMessage().endsWith("\nerror: input file not found: x"), e.getMessage());

    assertEquals("cpu\n", Files.readString(out.resolve("runs/cpu-2/placement.txt")));
    List<List<String>> rows = csv(out.resolve(PlacementBenchmark.CSV));
    assertEquals(2, rows.size(), "the cpu row only");
    assertEquals(List.of("cpu", "measured", "10.0", "12.0", "11.0", "460.0", "0.8200", "1.00"),
        rows.get(1));
  }

  @Test
  void buildsTheChildCommandAndParsesOptions() {
    PlacementBenchmark.Options o = PlacementBenchmark.parse(new String[] {
        "--conf", "a.conf", "--set", "train.epochs=2", "--placements", "hybrid,cpu",
        "--out", "/tmp/b", "--launcher", " java  -cp x  Main "}, "/opt/spark-cnn");
    assertEquals(List.of("java", "-cp", "x", "Main", "--conf", "a.conf",
        "--set", "train.epochs=2", "--set", "cluster.placement=hybrid",
        "--set", "run.output-root=/tmp/b/runs", "--set", "run.id=hybrid-3",
        "--set", "run.repeats=1"), PlacementBenchmark.command(o, "hybrid", "hybrid-3"));
    assertEquals("java ... Main", PlacementBenchmark.launcherSummary(o.launcher()));
    PlacementBenchmark.Options defaults = PlacementBenchmark.parse(new String[0],
        "/opt/spark-cnn");
    assertEquals(List.of("/opt/spark-cnn/submit/local.sh"), defaults.launcher());
    assertEquals(List.of("cpu", "gpu", "hybrid"), defaults.placements());
    assertEquals(1, defaults.repeats());
    assertTrue(defaults.out().toString().startsWith("runs/placement-"), defaults.out().toString());
    assertNull(PlacementBenchmark.parse(new String[] {"--help"}, null));
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> PlacementBenchmark.parse(new String[] {"--placements", "cpu,tpu"}, null));
    assertEquals("unknown placement 'tpu'; known: [cpu, gpu, hybrid]", unknown.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PlacementBenchmark.parse(new String[] {"--repeats", "0"}, null));
    assertThrows(IllegalArgumentException.class,
        () -> PlacementBenchmark.parse(new String[] {"--repeats"}, null));
    assertEquals(List.of("local[2]", "CPU a; CPU b, c", "say \"hi\"", ""),
        Table.parse("a,b,c,d\nlocal[2],\"CPU a; CPU b, c\",\"say \"\"hi\"\"\",").rows().get(0));
  }
}
