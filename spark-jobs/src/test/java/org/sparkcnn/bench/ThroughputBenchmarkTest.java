package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.config.TrainingMasterChoice;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.report.Table;

/** The throughput benchmark's arguments, cases, measurements and CSV rows. */
class ThroughputBenchmarkTest {
  @TempDir Path tmp;

  static ThroughputBenchmark.Options parse(String... args) {
    return ThroughputBenchmark.parse(args);
  }

  static List<List<String>> csv(Path file) throws IOException {
    Table table = Table.read(file);
    List<List<String>> lines = new ArrayList<>(List.of(table.columns()));
    lines.addAll(table.rows());
    return lines;
  }

  @Test
  void modelListSplitsAtSemicolonsAndAtCommasOutsideParentheses() {
    ThroughputBenchmark.Options o = parse("--mode", "single", "--models",
        "lenet5,mobilenet-v1-cifar(alpha=0.5, unit=rhs); vgg16(batch-norm=true)",
        "--model", "resnet20");
    assertEquals(List.of("lenet5", "mobilenet-v1-cifar(alpha=0.5, unit=rhs)",
        "vgg16(batch-norm=true)", "resnet20"), o.models());
    assertEquals(List.of("lenet5", "lenet-caffe", "tf-cifar10"), parse("--mode", "spark").models());
    IllegalArgumentException unbalanced = assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "single", "--models", "lenet5,vgg16(batch-norm=true"));
    assertTrue(unbalanced.getMessage().contains("unbalanced '('"), unbalanced.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "single", "--models", "lenet5,,resnet20"));
    assertTrue(empty.getMessage().contains("empty model name"), empty.getMessage());
  }

  @Test
  void unknownModelOrParameterIsRefusedListingTheKnownOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "single", "--models", "lenet5,resnet-20"));
    assertTrue(e.getMessage().contains("unknown model 'resnet-20'"), e.getMessage());
    for (String name : List.of("resnet20", "mobilenet-v1-cifar", "vgg16", "alexnet-cifar")) {
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
    IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "single", "--model", "mobilenet-v1-cifar(width=0.5)"));
    assertTrue(p.getMessage().contains("width=0.5") && p.getMessage().contains("alpha"),
        p.getMessage());
  }

  @Test
  void badInputShapeAndNumbersAreRefusedNamingTheValue() {
    for (String bad : List.of("3x32", "3x32x32x1", "axbxc", "3x0x32", "-3x32x32", "")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parse("--mode", "single", "--input", bad), bad);
      assertTrue(e.getMessage().contains("--input must be CxHxW")
          && e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertEquals(new ImageShape(3, 64, 48),
        parse("--mode", "single", "--input", "3X64x48").input());
    assertThrows(IllegalArgumentException.class, () -> parse("--mode", "single", "--batch", "0"));
    assertThrows(IllegalArgumentException.class, () -> parse("--mode", "single", "--classes", "1"));
    assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "single", "--min-seconds", "soon"));
    assertThrows(IllegalArgumentException.class, () -> parse("--mode", "both"));
    IllegalArgumentException master = assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "spark", "--master", "local"));
    assertTrue(master.getMessage().contains("--master") && master.getMessage().contains("local")
        && master.getMessage().contains("resident"), master.getMessage());
    assertEquals(TrainingMasterChoice.DL4J, parse("--mode", "spark").master());
    assertEquals(TrainingMasterChoice.RESIDENT,
        parse("--mode", "spark", "--master", "resident").master());
  }

  @Test
  void everyRegistryNameGetsItsNaturalInputAndBatchUnlessOverridden() {
    Map<String, ImageShape> natural = Map.of("lenet5", new ImageShape(1, 28, 28),
        "lenet-caffe", new ImageShape(1, 28, 28), "small-cnn", new ImageShape(1, 28, 28),
        "tf-cifar10", new ImageShape(3, 24, 24),
        "alexnet", new ImageShape(3, 227, 227), "mobilenet-v1", new ImageShape(3, 224, 224),
        "resnet18", new ImageShape(3, 224, 224), "resnet34", new ImageShape(3, 224, 224));
    Map<String, Integer> earlierBatch = Map.of("lenet5", 64, "lenet-caffe", 64, "tf-cifar10", 128);
    List<String> names = Models.names();
    assertEquals(13, names.size(), names.toString());
    List<ThroughputBenchmark.Case> cases = ThroughputBenchmark.cases(
        parse("--mode", "single", "--models", String.join(";", names)));
    assertEquals(names.size(), cases.size());
    for (ThroughputBenchmark.Case c : cases) {
      String base = c.model().replaceAll("\\(.*", "");
      assertEquals(natural.getOrDefault(base, new ImageShape(3, 32, 32)), c.shape(), c.model());
      assertEquals(earlierBatch.getOrDefault(base, 32), c.batch(), c.model());
      assertEquals(10, c.classes(), c.model());
      NetworkOptions options = new NetworkOptions(c.shape(), c.classes(), "relu", WeightInit.RELU,
          5e-4, new Nesterovs(0.01, 0.9), 1L, ConvolutionEngine.NATIVE);
      assertNotNull(Models.create(c.model(), options).summary(c.shape()), c.model());
    }
    List<ThroughputBenchmark.Case> overridden = ThroughputBenchmark.cases(parse("--mode",
        "single", "--models", "lenet5;resnet20", "--input", "3x64x64", "--batch", "8",
        "--classes", "100"));
    for (ThroughputBenchmark.Case c : overridden) {
      assertEquals(new ImageShape(3, 64, 64), c.shape());
      assertEquals(8, c.batch());
      assertEquals(100, c.classes());
    }
  }

  @Test
  void singleProcessFitsOfALayerStackAndOfResNet20GiveRatesAndCsvRows() throws Exception {
    Path out = tmp.resolve("runs/throughput.csv");
    ThroughputBenchmark.Options o = parse("--mode", "single", "--models", "lenet5;resnet20",
        "--batch", "4", "--iterations", "2", "--warmup", "1", "--min-seconds", "0",
        "--run-id", "test-run", "--output", out.toString(), "--master", "resident",
        "--processes", "2");
    for (ThroughputBenchmark.Case c : ThroughputBenchmark.cases(o)) {
      List<String> row = ThroughputBenchmark.measure(null, c, ConvolutionEngine.NATIVE, o, "test");
      ResultsFile.append(out, new Table(ThroughputBenchmark.COLUMNS).add(row));
    }
    List<List<String>> rows = csv(out);
    assertEquals(ThroughputBenchmark.COLUMNS, rows.get(0));
    assertEquals(3, rows.size());
    int model = ThroughputBenchmark.COLUMNS.indexOf("model");
    int rate = ThroughputBenchmark.COLUMNS.indexOf("images_per_sec");
    int trainable = ThroughputBenchmark.COLUMNS.indexOf("trainable_parameters");
    int total = ThroughputBenchmark.COLUMNS.indexOf("parameters");
    assertEquals(List.of("lenet5", "resnet20"), List.of(rows.get(1).get(model),
        rows.get(2).get(model)));
    for (List<String> row : rows.subList(1, 3)) {
      assertTrue(Double.parseDouble(row.get(rate)) > 0, row.toString());
      assertEquals("single", row.get(ThroughputBenchmark.COLUMNS.indexOf("mode")));
      assertEquals("4", row.get(ThroughputBenchmark.COLUMNS.indexOf("batch")));
      assertEquals("test-run", row.get(ThroughputBenchmark.COLUMNS.indexOf("run")));
      // --master is ignored: benchmark.sh passes the same arguments to every mode
      assertEquals("", row.get(ThroughputBenchmark.COLUMNS.indexOf("master")), "no master");
      assertEquals("", row.get(ThroughputBenchmark.COLUMNS.indexOf("timed_rounds")));
      assertEquals("2", row.get(ThroughputBenchmark.COLUMNS.indexOf("processes")));
    }
    assertEquals("1x28x28", rows.get(1).get(ThroughputBenchmark.COLUMNS.indexOf("input")));
    assertEquals("3x32x32", rows.get(2).get(ThroughputBenchmark.COLUMNS.indexOf("input")));
    // the published counts: He et al.'s ResNet-20 and LeNet-5; DL4J adds BN's statistics
    assertEquals("61706", rows.get(1).get(trainable));
    assertEquals("61706", rows.get(1).get(total));
    assertEquals("269722", rows.get(2).get(trainable));
    assertEquals("271098", rows.get(2).get(total));
  }

  @Test
  void theWarmUpLastsAtLeastWarmupSeconds() throws Exception {
    ThroughputBenchmark.Options o = parse("--mode", "single", "--model", "lenet5", "--batch", "4",
        "--iterations", "1", "--warmup", "0", "--warmup-seconds", "1.6", "--min-seconds", "0");
    assertEquals(1.6, o.warmupSeconds());
    ThroughputBenchmark.Case c = ThroughputBenchmark.cases(o).get(0);
    List<String> row = ThroughputBenchmark.measure(null, c, ConvolutionEngine.NATIVE, o, "test");
    // the row's seconds (rounded) include the warm-up; one timed fit of 4 images takes far less
    assertTrue(Long.parseLong(row.get(ThroughputBenchmark.COLUMNS.indexOf("seconds"))) >= 2,
        row.toString());
    assertEquals(0.0, parse("--mode", "single").warmupSeconds(), "by default none");
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> parse("--mode", "single", "--warmup-seconds", "-1"));
    assertEquals("--warmup-seconds must be a number >= 0, got -1", bad.getMessage());
  }

  @Test
  void sparkModeTrainsAComputationGraph() throws Exception {
    ThroughputBenchmark.Options o = parse("--mode", "spark", "--model", "resnet20", "--batch",
        "2", "--iterations", "1", "--warmup", "1", "--averaging-frequency", "1", "--workers", "2",
        "--min-seconds", "0", "--run-id", "spark-run");
    ThroughputBenchmark.Case c = ThroughputBenchmark.cases(o).get(0);
    JavaSparkContext sc = LocalSpark.start();
    try {
      List<String> row = ThroughputBenchmark.measure(sc, c, ConvolutionEngine.NATIVE, o, "test");
      assertEquals("local[2]", row.get(ThroughputBenchmark.COLUMNS.indexOf("mode")));
      assertEquals("2", row.get(ThroughputBenchmark.COLUMNS.indexOf("workers")));
      assertTrue(Double.parseDouble(row.get(ThroughputBenchmark.COLUMNS.indexOf(
          "images_per_sec"))) > 0, row.toString());
      int master = ThroughputBenchmark.COLUMNS.indexOf("master");
      assertEquals("dl4j", row.get(master), "the default master");
      assertEquals(RoundFigures.noCells(),
          row.subList(master + 1, master + 1 + RoundFigures.COLUMNS.size()));
      assertEquals("1", row.get(ThroughputBenchmark.COLUMNS.indexOf("processes")), "default");
    } finally {
      sc.stop();
    }
  }

  @Test
  void residentMasterRunWritesARowWithItsMasterAndRoundFigures() throws Exception {
    // 2 workers x 2 rounds x 2 minibatches of 16 timed, once (min-seconds 0)
    Path out = tmp.resolve("throughput.csv");
    ThroughputBenchmark.Options o = parse("--mode", "spark", "--master", "resident", "--model",
        "lenet5", "--batch", "16", "--iterations", "4", "--warmup", "1",
        "--averaging-frequency", "2", "--workers", "2", "--min-seconds", "0", "--run-id", "r",
        "--output", out.toString());
    ThroughputBenchmark.Case c = ThroughputBenchmark.cases(o).get(0);
    JavaSparkContext sc = LocalSpark.start();
    try {
      List<String> row = ThroughputBenchmark.measure(sc, c, ConvolutionEngine.NATIVE, o, "test");
      ResultsFile.append(out, new Table(ThroughputBenchmark.COLUMNS).add(row));
    } finally {
      sc.stop();
    }
    List<List<String>> rows = csv(out);
    assertEquals(ThroughputBenchmark.COLUMNS, rows.get(0));
    List<String> row = rows.get(1);
    Map<String, String> cells = new HashMap<>();
    for (int i = 0; i < row.size(); i++) {
      cells.put(ThroughputBenchmark.COLUMNS.get(i), row.get(i));
    }
    assertEquals("resident", cells.get("master"), row.toString());
    assertEquals("local[2]", cells.get("mode"));
    assertTrue(Double.parseDouble(cells.get("images_per_sec")) > 0, row.toString());
    assertEquals("2", cells.get("timed_rounds"), "the warm-up's round is left out: " + row);
    double median = Double.parseDouble(cells.get("round_overhead_median_ms"));
    assertTrue(median > 0, row.toString());
    assertTrue(Double.parseDouble(cells.get("round_overhead_p90_ms")) >= median, row.toString());
    assertTrue(Double.parseDouble(cells.get("job_median_ms")) > 0, row.toString());
    assertTrue(Double.parseDouble(cells.get("broadcast_median_ms")) >= 0, row.toString());
    assertTrue(Double.parseDouble(cells.get("driver_median_ms")) >= 0, row.toString());
    // LeNet-5's 61,706 parameters and Nesterov's one velocity per parameter, as floats
    assertEquals(Long.toString(4L * (61_706 + 61_706)), cells.get("worker_result_bytes"));
    // two real workers never fit in exactly the same time: a barrier, within the wall time
    assertTrue(Double.parseDouble(cells.get("barrier_median_ms")) > 0, row.toString());
    double barrier = Double.parseDouble(cells.get("barrier_share"));
    double overhead = Double.parseDouble(cells.get("overhead_share"));
    assertTrue(barrier > 0 && overhead > 0 && barrier + overhead < 1, row.toString());
  }

  @Test
  void appendingToAFileOfTheEarlierColumnsPadsItsRowsAndAnotherHeaderIsRefused()
      throws Exception {
    Path out = tmp.resolve("throughput.csv");
    List<String> earlier = ThroughputBenchmark.COLUMNS.subList(0,
        ThroughputBenchmark.COLUMNS.indexOf("images_per_sec") + 1);
    List<String> earlierRow = new ArrayList<>();
    for (String column : earlier) {
      earlierRow.add(column.equals("model") ? "lenet5" : "1");
    }
    Files.writeString(out, new Table(earlier).add(earlierRow).toCsv());
    List<String> row = new ArrayList<>();
    for (String column : ThroughputBenchmark.COLUMNS) {
      row.add(column.equals("model") ? "resnet20" : "2");
    }
    ResultsFile.append(out, new Table(ThroughputBenchmark.COLUMNS).add(row));
    List<List<String>> rows = csv(out);
    assertEquals(ThroughputBenchmark.COLUMNS, rows.get(0));
    List<String> padded = new ArrayList<>(earlierRow);
    while (padded.size() < ThroughputBenchmark.COLUMNS.size()) {
      padded.add("");
    }
    assertEquals(padded, rows.get(1));
    assertEquals(row, rows.get(2));

    Path other = tmp.resolve("other.csv");
    Files.writeString(other, "a,b\n1,2\n");
    IOException e = assertThrows(IOException.class, () -> ResultsFile.append(other,
        new Table(ThroughputBenchmark.COLUMNS).add(row)));
    assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
    assertEquals("a,b\n1,2\n", Files.readString(other));
  }
}
