package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.MiniHdfs;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The job with its inputs, run directories and checkpoints on a real HDFS (a {@link MiniHdfs} in
 * this JVM), addressed by full {@code hdfs://127.0.0.1:<port>/...} URIs as a user on a cluster
 * would write them.
 */
class HdfsTrainJobTest {
  @TempDir static Path storage;
  static MiniHdfs hdfs;
  /** Settings that train on the Fashion-MNIST subset copied into HDFS, briefly. */
  static List<String> subset;

  @BeforeAll
  static void startHdfs() throws IOException {
    hdfs = MiniHdfs.start(storage);
    subset = new ArrayList<>();
    for (String[] file : new String[][] {
        {"train-images", "train-images-idx3-ubyte.gz"},
        {"train-labels", "train-labels-idx1-ubyte.gz"},
        {"test-images", "t10k-images-idx3-ubyte.gz"},
        {"test-labels", "t10k-labels-idx1-ubyte.gz"}}) {
      String uri = hdfs.put(TrainJobTest.SUBSET.resolve(file[1]), "/data/fashion/" + file[1]);
      subset.addAll(List.of("--set", "data." + file[0] + "=" + uri));
    }
    subset.addAll(List.of("--set", "data.train-limit=1280", "--set", "data.test-limit=200",
        "--set", "run.output-root=" + hdfs.uri("/runs")));
  }

  @AfterAll
  static void stopHdfs() {
    hdfs.close();
  }

  @Test
  void readsItsInputFromHdfsAndWritesTheRunDirectoryThere() throws Exception {
    List<String> args = args("two-epochs", "train.epochs=2");
    AtomicReference<String> defaultFs = new AtomicReference<>();
    Outcome outcome = execute(args, () -> {
      JavaSparkContext sc = LocalSpark.start();
      defaultFs.set(sc.hadoopConfiguration().get("fs.defaultFS"));
      return sc;
    });
    assertEquals(ExitCode.OK, outcome.code, outcome.err);
    // Spark's own default filesystem stays local: the full URIs alone find the namenode.
    assertEquals("file:///", defaultFs.get());

    String run = hdfs.uri("/runs/two-epochs");
    for (String name : List.of(RunDirectory.SUCCESS, "config.conf", "metrics.csv", "model.zip",
        RunLayout.MODEL_EMA, "timing.csv", "checkpoints/epoch-0002/state.json",
        "checkpoints/epoch-0002/model.zip", RunLayout.REPORT, RunLayout.CURVES)) {
      assertTrue(hdfs.exists(run + "/" + name), name);
    }
    List<String> left = files(run).stream()
        .filter(p -> p.contains("/" + RunLayout.EXPORT + "/")
            || p.matches(".*/\\.[^/]+\\.tmp(/.*)?")).toList();
    assertEquals(List.of(), left, "export or temporary files left behind");
    assertFalse(hdfs.exists(run + "/" + RunLayout.EXPORT), "export directory left behind");
    assertFalse(hdfs.exists(run + "/" + RunLayout.FAILED));

    List<String> metrics = lines(run + "/metrics.csv");
    assertEquals(3, metrics.size(), "header and two epochs: " + metrics);
    assertEquals("1280", metrics.get(1).split(",")[1]);
    MultiLayerNetwork model = model(run + "/model.zip");
    assertEquals(61_706, model.numParams());
    assertEquals(model(run + "/checkpoints/epoch-0002/model.zip").params(), model.params(),
        "the saved network is the last checkpoint's");
  }

  @Test
  void runStoppedAfterEpochOneResumesFromItsHdfsCheckpoint() throws Exception {
    List<String> settings = List.of("train.epochs=3", "train.learning-rate-decay=0.7",
        "train.augment=[\"random-crop(size=28, padding=2)\", flip, scale]");
    Outcome whole = execute(args("whole", settings.toArray(String[]::new)));
    assertEquals(ExitCode.OK, whole.code, whole.err);

    Outcome stopped = execute(args("cut", settings.toArray(String[]::new)), LocalSpark::start,
        STOP_AFTER_EPOCH_1);
    String cut = hdfs.uri("/runs/cut");
    assertEquals(ExitCode.FAILURE, stopped.code, stopped.err);
    assertTrue(hdfs.exists(cut + "/" + RunLayout.FAILED));
    assertFalse(hdfs.exists(cut + "/" + RunDirectory.SUCCESS));
    assertEquals(List.of("epoch-0001"), names(cut + "/" + Checkpoints.DIR));

    Outcome resumed = execute(List.of("--resume", cut));
    assertEquals(ExitCode.OK, resumed.code, resumed.err);
    assertTrue(hdfs.exists(cut + "/" + RunDirectory.SUCCESS));
    assertFalse(hdfs.exists(cut + "/" + RunLayout.FAILED));
    assertEquals(List.of("epoch-0002", "epoch-0003"), names(cut + "/" + Checkpoints.DIR));
    assertEquals("1", lines(cut + "/timing.csv").get(1).split(",")[18], "resumed_after_epoch");

    List<String> a = lines(hdfs.uri("/runs/whole/metrics.csv"));
    List<String> b = lines(cut + "/metrics.csv");
    assertEquals(4, b.size());
    assertEquals(a.size(), b.size());
    for (int row = 0; row < a.size(); row++) {
      List<String> x = Arrays.asList(a.get(row).split(","));
      List<String> y = Arrays.asList(b.get(row).split(","));
      // Everything but wall times and throughput.
      assertEquals(x.subList(0, 6), y.subList(0, 6), "metrics row " + row);
      assertEquals(x.subList(9, 12), y.subList(9, 12), "metrics row " + row);
    }
    assertEquals(model(hdfs.uri("/runs/whole/model.zip")).params(),
        model(cut + "/model.zip").params());
  }

  /**
   * A run directory whose path holds a space, '#', '[ ]', '(' and a non-ASCII letter, stopped after
   * epoch 1 and resumed: DL4J's export goes beside {@code /runs/out dir #1 [x]} and is gone after
   * each process, also when a killed driver left one behind.
   */
  @Test
  void runDirectoryNamedWithSpacesAndBracketsIsWrittenAndResumed() throws Exception {
    List<String> args = new ArrayList<>(args("run (1) é", "train.epochs=2"));
    args.addAll(List.of("--set", "run.output-root=" + hdfs.uri("/runs/out dir #1 [x]")));
    Outcome stopped = execute(args, LocalSpark::start, STOP_AFTER_EPOCH_1);
    String run = hdfs.uri("/runs/out dir #1 [x]/run (1) é");
    assertEquals(ExitCode.FAILURE, stopped.code, stopped.err);
    assertEquals(List.of("epoch-0001"), names(run + "/" + Checkpoints.DIR));
    org.apache.hadoop.fs.Path export = ExportDirectory.of(new org.apache.hadoop.fs.Path(run));
    assertEquals(hdfs.uri("/runs"), export.getParent().toString());
    assertFalse(hdfs.fs().exists(export), "export left after the failure");
    hdfs.write(export.toUri().getPath() + "/left-by-a-killed-driver.bin", new byte[1]);

    Outcome resumed = execute(List.of("--resume", run));
    assertEquals(ExitCode.OK, resumed.code, resumed.err);
    assertTrue(hdfs.exists(run + "/" + RunDirectory.SUCCESS));
    assertEquals(3, lines(run + "/metrics.csv").size(), "header and two epochs");
    assertEquals(List.of(), names(hdfs.uri("/runs")).stream()
        .filter(n -> n.startsWith(ExportDirectory.BESIDE_PREFIX)).toList());
  }

  @Test
  void readsCifarBinariesFromAnHdfsGlob() throws Exception {
    hdfs.write("/data/cifar/data_batch_1.bin", CifarTrainJobTest.records(0, 128, 1));
    hdfs.write("/data/cifar/data_batch_2.bin", CifarTrainJobTest.records(128, 128, 2));
    String test = hdfs.write("/data/cifar/test_batch.bin", CifarTrainJobTest.records(0, 64, 3));
    List<String> args = new ArrayList<>();
    for (String setting : List.of("data.format=cifar10", "data.class-names=[]",
        "data.cifar.train=[\"" + hdfs.uri("/data/cifar/data_batch_*.bin") + "\"]",
        "data.cifar.test=[\"" + test + "\"]", "train.epochs=1",
        "train.batch-size-per-worker=32", "train.augment=[flip, standardize]",
        "train.eval-augment=[standardize]", "run.output-root=" + hdfs.uri("/runs"),
        "run.id=cifar")) {
      args.addAll(List.of("--set", setting));
    }
    Outcome outcome = execute(args);
    assertEquals(ExitCode.OK, outcome.code, outcome.err);

    String run = hdfs.uri("/runs/cifar");
    assertTrue(hdfs.exists(run + "/" + RunDirectory.SUCCESS));
    // The glob matched both training batches and not the test batch beside them.
    assertEquals("256", lines(run + "/metrics.csv").get(1).split(",")[1]);
    assertTrue(String.join("\n", lines(run + "/" + RunLayout.DATASET_STATS))
        .contains("\"pixels\": 262144,"), "256 images of 32x32 pixels");
    assertTrue(lines(run + "/model.md").get(0).startsWith("# Model lenet5, input [3, 32, 32]"));
  }

  @Test
  void missingHdfsInputExitsWithBadInputNamingIt() throws Exception {
    String missing = hdfs.uri("/data/fashion/no-such-images.gz");
    List<String> args = args("missing");
    args.addAll(List.of("--set", "data.train-images=" + missing));
    Outcome outcome = execute(args);
    assertEquals(ExitCode.BAD_INPUT, outcome.code);
    assertEquals("error: input file not found: " + missing + "\n", outcome.err);
    assertFalse(hdfs.exists("/runs/missing"), "no run directory for a run that cannot start");
  }

  /** The subset settings, {@code run.id=runId} and {@code settings} as {@code --set}s. */
  static List<String> args(String runId, String... settings) {
    List<String> args = new ArrayList<>(subset);
    args.addAll(List.of("--set", "run.id=" + runId));
    for (String setting : settings) {
      args.addAll(List.of("--set", setting));
    }
    return args;
  }

  /** Every file under {@code dir}, recursively, as full URIs. */
  static List<String> files(String dir) throws IOException {
    List<String> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it =
        hdfs.fs().listFiles(new org.apache.hadoop.fs.Path(dir), true);
    while (it.hasNext()) {
      files.add(it.next().getPath().toString());
    }
    assertFalse(files.isEmpty(), "no files under " + dir);
    return files;
  }

  /** Names of the entries directly in {@code dir}, sorted. */
  static List<String> names(String dir) throws IOException {
    return Arrays.stream(hdfs.fs().listStatus(new org.apache.hadoop.fs.Path(dir)))
        .map(s -> s.getPath().getName()).sorted().toList();
  }

  /** The network saved in {@code file}, read through the HDFS client. */
  static MultiLayerNetwork model(String file) throws IOException {
    try (InputStream in = hdfs.fs().open(new org.apache.hadoop.fs.Path(file))) {
      return ModelSerializer.restoreMultiLayerNetwork(in, true);
    }
  }

  static List<String> lines(String file) throws IOException {
    try (InputStream in = hdfs.fs().open(new org.apache.hadoop.fs.Path(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  record Outcome(ExitCode code, String err) {}

  static Outcome execute(List<String> args) {
    return execute(args, LocalSpark::start);
  }

  static Outcome execute(List<String> args,
      java.util.function.Supplier<JavaSparkContext> spark) {
    return execute(args, spark, EpochListener.NONE);
  }

  /** Stops a run after its first epoch, as a killed driver would leave it. */
  static final EpochListener STOP_AFTER_EPOCH_1 = metrics -> {
    if (metrics.epoch() == 1) {
      throw new IllegalStateException("stopped by the test after epoch 1");
    }
  };

  static Outcome execute(List<String> args,
      java.util.function.Supplier<JavaSparkContext> spark, EpochListener listener) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(args.toArray(String[]::new), spark,
        new PrintStream(err, true, StandardCharsets.UTF_8), listener);
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }
}
