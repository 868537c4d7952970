package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.LogCapture;
import org.sparkcnn.models.layers.PReLU;
import org.sparkcnn.report.RunDirectory;

/** The whole job in Spark local[2] on small data and odd settings a new user tries first. */
class EdgeCasesTrainJobTest {
  @TempDir Path runs;

  private List<String> args(String runId, String... more) {
    TrainJobTest t = new TrainJobTest();
    t.runs = runs;
    List<String> args = t.subsetArgs(runId);
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void manyPartitionsHoldingOneMinibatchEachTrainToTheEnd() throws Exception {
    var outcome = TrainJobTest.execute(args("many", "--set", "data.train-limit=1280",
        "--set", "data.partitions=20", "--set", "data.test-limit=200",
        "--set", "train.epochs=2"));
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("many");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    List<List<String>> metrics = TrainJobTest.csv(dir.resolve("metrics.csv"));
    assertEquals(List.of("2", "2"), metrics.subList(1, metrics.size()).stream()
        .map(row -> row.get(metrics.get(0).indexOf("averaging_rounds"))).toList());
  }

  /** PReLU, whose DL4J layer cannot backpropagate a convolutional minibatch, trains on Spark. */
  @Test
  void preluTrainsToTheEndWithAFiniteLoss() throws Exception {
    var outcome = TrainJobTest.execute(args("prelu", "--set", "model.activation=prelu",
        "--set", "data.train-limit=640", "--set", "data.test-limit=200",
        "--set", "train.epochs=1"));
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("prelu");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    List<List<String>> rounds = TrainJobTest.csv(dir.resolve("rounds.csv"));
    int loss = rounds.get(0).indexOf("loss");
    assertTrue(rounds.size() > 1, "rounds " + rounds);
    for (List<String> round : rounds.subList(1, rounds.size())) {
      assertTrue(Double.isFinite(Double.parseDouble(round.get(loss))), "round " + round);
    }
    MultiLayerNetwork reloaded =
        ModelSerializer.restoreMultiLayerNetwork(dir.resolve("model.zip").toFile());
    assertEquals(PReLU.class, reloaded.getLayer(1).getClass(), "c1-prelu");
  }

  /**
   * RReLU, whose DL4J activation kept its slopes from forward pass to backprop in an object the two
   * workers of local[2] share, trains on Spark: 250 images a partition make minibatches of 32 and
   * a last one of 26.
   */
  @Test
  void rreluTrainsToTheEndWithAFiniteLoss() throws Exception {
    var outcome = TrainJobTest.execute(args("rrelu", "--set", "model.activation=rrelu",
        "--set", "data.train-limit=500", "--set", "data.partitions=2",
        "--set", "train.batch-size-per-worker=32", "--set", "data.test-limit=200",
        "--set", "train.epochs=1"));
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("rrelu");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    List<List<String>> rounds = TrainJobTest.csv(dir.resolve("rounds.csv"));
    int loss = rounds.get(0).indexOf("loss");
    assertTrue(rounds.size() > 1, "rounds " + rounds);
    for (List<String> round : rounds.subList(1, rounds.size())) {
      assertTrue(Double.isFinite(Double.parseDouble(round.get(loss))), "round " + round);
    }
  }

  /** More partitions than images, and other shapes of the same fault: each trains to the end. */
  @Test
  void partitionsHoldingLessThanAMinibatchTrainToTheEnd() throws Exception {
    String[][] cases = {{"40", "100", "0"}, {"40", "41", "0"}, {"200", "20", "0"},
        {"1280", "20", "1"}, {"2560", "20", "0"}};
    String log;
    try (LogCapture capture = new LogCapture()) {
      for (String[] c : cases) {
        String id = "n" + c[0] + "-p" + c[1] + "-w" + c[2];
        var outcome = TrainJobTest.execute(args(id, "--set", "data.train-limit=" + c[0],
            "--set", "data.partitions=" + c[1], "--set", "train.workers=" + c[2],
            "--set", "data.test-limit=100", "--set", "train.epochs=1"));
        assertEquals(ExitCode.OK, outcome.code(), id + ": " + outcome.err());
        assertTrue(Files.exists(runs.resolve(id).resolve(RunDirectory.SUCCESS)), id);
      }
      log = capture.text();
    }
    assertTrue(log.contains("WARN TrainJob: data.partitions = 100 leaves 0.4 training images per"
        + " partition, fewer than train.batch-size-per-worker = 64: the minibatches hold at most"
        + " that many; set data.partitions to at most 1 for full minibatches"), log);
    assertTrue(log.contains("data.partitions = 20 leaves 10.0 training images per partition"));
    assertFalse(log.contains("data.partitions = 20 leaves 64.0"), log);
  }

  /**
   * 20 exported minibatches, one per partition, for 2 workers averaging every 5: two rounds of
   * 10 each (DL4J's own split sent all 20 to one round and none to the other).
   */
  @Test
  void roundsOfAnEpochGetItsMinibatchesEvenlyWhenPartitionsHoldOneEach() {
    JavaSparkContext sc = LocalSpark.start();
    try {
      List<String> paths = IntStream.range(0, 20).mapToObj(i -> "batch-" + i).toList();
      JavaRDD<String> data = sc.parallelize(paths, 20);
      EpochSeededTrainingMaster master = new EpochSeededTrainingMaster(
          new ParameterAveragingTrainingMaster.Builder(2, 64).batchSizePerWorker(64)
              .averagingFrequency(5), 42);
      for (int epoch = 1; epoch <= 3; epoch++) {
        master.startEpoch(epoch);
        JavaRDD<String>[] splits = master.getSplitRDDs(data, 20, 64);
        assertEquals(2, splits.length);
        List<String> first = splits[0].collect();
        List<String> second = splits[1].collect();
        assertEquals(10, first.size(), first.toString());
        assertEquals(10, second.size(), second.toString());
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        assertEquals(new HashSet<>(paths), all);
      }
      master.startEpoch(1);
      List<String> again = master.getSplitRDDs(data, 20, 64)[0].collect();
      master.startEpoch(1);
      assertEquals(again, master.getSplitRDDs(data, 20, 64)[0].collect());
      // 25 minibatches make 2 rounds of 12 and 13
      JavaRDD<String> more = sc.parallelize(
          IntStream.range(0, 25).mapToObj(i -> "b" + i).toList(), 25);
      JavaRDD<String>[] uneven = master.getSplitRDDs(more, 25, 64);
      assertEquals(Set.of(12L, 13L), Set.of(uneven[0].count(), uneven[1].count()));
    } finally {
      sc.stop();
    }
  }

  /** A file as run.output-root, or above it: a configuration error naming it, before any work. */
  @Test
  void aFileAsOutputRootExitsWithUsageNamingTheKeyAndTheFile() throws Exception {
    Path file = runs.resolve("afile");
    Files.writeString(file, "");
    for (String root : List.of(file.toString(), file + "/sub", file + "/sub/deeper")) {
      List<String> args = args("x");
      args.addAll(List.of("--set", "run.output-root=" + root));
      var outcome = TrainJobTest.execute(args);
      assertEquals(ExitCode.USAGE, outcome.code(), outcome.err());
      assertEquals("error: run.output-root '" + root + "' "
          + (root.equals(file.toString()) ? "is a file"
              : "lies under file:" + file + ", which is a file")
          + ", not a directory; choose a folder (it is created when missing)\n", outcome.err());
      assertEquals("", Files.readString(file));
    }
    assertEquals(List.of(file), Files.list(runs).toList());
  }

  /** The first {@code n} images and labels of the subset's IDX files, sorted by label (stable). */
  static int[][] sortedByClass(String images, String labels, int n) throws Exception {
    int[][] rows = new int[n][];
    try (DataInputStream pixels = ClassOrderTrainJobTest.gzip(images);
        DataInputStream classes = ClassOrderTrainJobTest.gzip(labels)) {
      pixels.skipNBytes(16);
      classes.skipNBytes(8);
      for (int i = 0; i < n; i++) {
        byte[] raster = new byte[28 * 28];
        pixels.readFully(raster);
        int[] row = new int[1 + raster.length];
        row[0] = classes.readUnsignedByte();
        for (int p = 0; p < raster.length; p++) {
          row[1 + p] = raster[p] & 0xff;
        }
        rows[i] = row;
      }
    }
    Arrays.sort(rows, Comparator.comparingInt(r -> r[0]));
    return rows;
  }

  /** {@code rows} as class folders dir/label/index.png, in their (class) order. */
  static void writeFolder(Path dir, int[][] rows) throws Exception {
    for (int i = 0; i < rows.length; i++) {
      BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      image.getRaster().setPixels(0, 0, 28, 28, Arrays.copyOfRange(rows[i], 1, rows[i].length));
      Path folder = dir.resolve(Integer.toString(rows[i][0]));
      Files.createDirectories(folder);
      ImageIO.write(image, "png", folder.resolve(String.format("%05d.png", i)).toFile());
    }
  }

  /** {@code rows} as uncompressed IDX image and label files dir/images.idx, dir/labels.idx. */
  static void writeIdx(Path dir, int[][] rows) throws Exception {
    Files.createDirectories(dir);
    try (DataOutputStream images = new DataOutputStream(
            Files.newOutputStream(dir.resolve("images.idx")));
        DataOutputStream labels = new DataOutputStream(
            Files.newOutputStream(dir.resolve("labels.idx")))) {
      images.writeInt(0x803);
      images.writeInt(rows.length);
      images.writeInt(28);
      images.writeInt(28);
      labels.writeInt(0x801);
      labels.writeInt(rows.length);
      for (int[] row : rows) {
        labels.writeByte(row[0]);
        for (int p = 1; p < row.length; p++) {
          images.writeByte(row[p]);
        }
      }
    }
  }

  /**
   * data.train-limit = 300, data.test-limit = 100 on class-sorted folders of 10 classes: the run
   * trains and tests on every class (before: the first 300 / 100 files, classes 0-4 / 0-1).
   */
  @Test
  void limitOnClassSortedFoldersUsesEveryClass() throws Exception {
    Path data = runs.resolve("data");
    writeFolder(data.resolve("train"), sortedByClass("train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz", 1000));
    writeFolder(data.resolve("test"), sortedByClass("t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz", 400));
    var outcome = TrainJobTest.execute(List.of("--set", "data.format=image-folder",
        "--set", "data.folder.train=" + data.resolve("train"),
        "--set", "data.folder.test=" + data.resolve("test"),
        "--set", "data.folder.channels=1", "--set", "data.folder.height=28",
        "--set", "data.folder.width=28", "--set", "data.class-names=[]",
        "--set", "data.train-limit=300", "--set", "data.test-limit=100",
        "--set", "train.epochs=1", "--set", "run.output-root=" + runs, "--set", "run.id=folder"));
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("folder");
    List<List<String>> perClass = TrainJobTest.csv(dir.resolve("per-class.csv"));
    int column = perClass.get(0).indexOf("test_examples");
    List<Integer> testCounts = perClass.stream().skip(1)
        .map(row -> Integer.parseInt(row.get(column))).toList();
    assertEquals(10, testCounts.size());
    assertEquals(100, testCounts.stream().mapToInt(Integer::intValue).sum());
    assertTrue(testCounts.stream().allMatch(c -> c > 0), testCounts.toString());
    String stats = Files.readString(dir.resolve("dataset-stats.json"));
    Matcher m = Pattern.compile("\"classes\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(stats);
    assertTrue(m.find(), stats);
    List<Integer> trainCounts = Arrays.stream(m.group(1).split(","))
        .map(v -> Integer.parseInt(v.trim())).toList();
    assertEquals(300, trainCounts.stream().mapToInt(Integer::intValue).sum());
    assertTrue(trainCounts.stream().allMatch(c -> c > 0), trainCounts.toString());
  }

  /**
   * IDX files sorted by class keep "first N" under a limit, and the run warns, naming the key and
   * how many classes each split misses.
   */
  @Test
  void limitLeavingClassesOutOfSortedIdxFilesIsWarnedAbout() throws Exception {
    int[][] train = sortedByClass("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        1000);
    int[][] test = sortedByClass("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 400);
    writeIdx(runs.resolve("train"), train);
    writeIdx(runs.resolve("test"), test);
    long trainClasses = Arrays.stream(train).limit(300).mapToInt(r -> r[0]).distinct().count();
    long testClasses = Arrays.stream(test).limit(100).mapToInt(r -> r[0]).distinct().count();
    assertTrue(trainClasses < 10 && testClasses < 10);
    String log;
    try (LogCapture capture = new LogCapture()) {
      var outcome = TrainJobTest.execute(List.of(
          "--set", "data.train-images=" + runs.resolve("train/images.idx"),
          "--set", "data.train-labels=" + runs.resolve("train/labels.idx"),
          "--set", "data.test-images=" + runs.resolve("test/images.idx"),
          "--set", "data.test-labels=" + runs.resolve("test/labels.idx"),
          "--set", "data.train-limit=300", "--set", "data.test-limit=100",
          "--set", "train.epochs=1", "--set", "run.output-root=" + runs, "--set", "run.id=idx"));
      assertEquals(ExitCode.OK, outcome.code(), outcome.err());
      log = capture.text();
    }
    assertTrue(log.contains("WARN TrainJob: the training set holds " + trainClasses
        + " of the data.num-classes = 10 classes, " + (10 - trainClasses) + " missing: "), log);
    assertTrue(log.contains("; data.train-limit = 300 takes the first records of IDX"), log);
    assertTrue(log.contains("WARN TrainJob: the test set holds " + testClasses
        + " of the data.num-classes = 10 classes, " + (10 - testClasses) + " missing: "), log);
    assertTrue(log.contains("; data.test-limit = 100 takes the first records of IDX"), log);
  }
}
