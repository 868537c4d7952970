package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.Table;

/** The side-by-side table built from the rows of one run in the two CSV files. */
class SideBySideTest {
  static final List<String> TORCH_COLUMNS = List.of("date", "cpu", "torch", "model",
      "trainable_parameters", "threads", "batch", "input", "classes", "steps", "images_per_sec",
      "seconds", "run");
  @TempDir Path tmp;

  static List<String> projectRow(String run, String model, String mode, int workers,
      int threads, double rate, long trainable) {
    return projectRow(run, model, mode, mode.equals("single") ? "" : "dl4j", workers, threads,
        rate, trainable);
  }

  static List<String> projectRow(String run, String model, String mode, String master,
      int workers, int threads, double rate, long trainable) {
    Map<String, String> cells = Map.of("run", run, "model", model, "mode", mode,
        "workers", "" + workers, "threads_per_worker", "" + threads, "images_per_sec", "" + rate,
        "trainable_parameters", "" + trainable, "input", "3x32x32", "batch", "32",
        "master", master);
    List<String> row = new ArrayList<>();
    ThroughputBenchmark.COLUMNS.forEach(c -> row.add(cells.getOrDefault(c, "x")));
    return row;
  }

  static List<String> torchRow(String run, String model, int threads, double rate,
      long trainable) {
    Map<String, String> cells = Map.of("run", run, "model", model, "threads", "" + threads,
        "images_per_sec", "" + rate, "trainable_parameters", "" + trainable);
    List<String> row = new ArrayList<>();
    TORCH_COLUMNS.forEach(c -> row.add(cells.getOrDefault(c, "x")));
    return row;
  }

  @Test
  void oneRowPerNetworkOfTheRunWithRatiosAndAFlaggedParameterMismatch() throws Exception {
    String spec = "mobilenet-v1-cifar(alpha=0.5, unit=rhs)";
    Table project = new Table(ThroughputBenchmark.COLUMNS)
        .add(projectRow("old", "resnet20", "single", 1, 1, 999, 269722))
        .add(projectRow("r1", "resnet20", "single", 1, 1, 60, 269722))
        .add(projectRow("r1", "resnet20", "single", 1, 2, 100, 269722))
        .add(projectRow("r1", "resnet20", "local[2]", 2, 1, 120, 269722))
        .add(projectRow("r1", "resnet20", "local[2]", "resident", 2, 1, 90, 269722))
        .add(projectRow("r1", spec, "local[2]", "", 2, 1, 40, 826698))
        .add(projectRow("r1", spec, "single", 1, 1, 30, 826698));
    Table torch = new Table(TORCH_COLUMNS)
        .add(torchRow("r1", "resnet20", 1, 240, 269722))
        .add(torchRow("r1", "resnet20", 2, 400, 269722))
        .add(torchRow("r1", spec, 1, 120, 826700))
        .add(torchRow("old", spec, 2, 1, 826698));
    Path p = tmp.resolve("throughput.csv");
    Path t = tmp.resolve("torch.csv");
    Files.writeString(p, project.toCsv());
    Files.writeString(t, torch.toCsv());
    Table table = SideBySide.table(SideBySide.parse(new String[] {"--run-id", "r1",
        "--project", p.toString(), "--torch", t.toString()}));
    assertEquals(2, table.rows().size());
    List<String> resnet = table.rows().get(0);
    List<String> columns = table.columns();
    assertEquals("`resnet20`", resnet.get(0));
    assertEquals("3x32x32, 32", resnet.get(1));
    assertEquals("269,722 / 269,722", resnet.get(2));
    assertEquals("60.0", resnet.get(columns.indexOf("project 1 thread")));
    assertEquals("100.0", resnet.get(columns.indexOf("project 2 threads")));
    assertEquals("120.0", resnet.get(3 + 2));
    assertEquals("Spark local[2] resident", columns.get(3 + 3), "beside the Spark column");
    assertEquals("90.0", resnet.get(3 + 3));
    assertEquals("1.50x", resnet.get(columns.indexOf("resident vs project 1 thread")));
    assertEquals("0.25x", resnet.get(columns.indexOf("1 thread vs PyTorch")));
    assertEquals("0.25x", resnet.get(columns.indexOf("2 threads vs PyTorch")));
    assertEquals("0.25x", resnet.get(columns.indexOf("Spark per core vs PyTorch per core")));
    List<String> mobilenet = table.rows().get(1);
    assertEquals("826,698 / 826,700 " + SideBySide.MISMATCH, mobilenet.get(2));
    assertEquals("0.25x", mobilenet.get(columns.indexOf("1 thread vs PyTorch")));
    assertEquals("-", mobilenet.get(columns.indexOf("project 2 threads")));
    assertEquals("-", mobilenet.get(columns.indexOf("PyTorch 2 threads")));
    assertEquals("-", mobilenet.get(columns.indexOf("2 threads vs PyTorch")));
    // a row without a master (written before the column) is DL4J's
    assertEquals("40.0", mobilenet.get(columns.indexOf("Spark local[2] (2 workers x 1 thread)")));
    assertEquals("-", mobilenet.get(columns.indexOf("Spark local[2] resident")));
    assertEquals("-", mobilenet.get(columns.indexOf("resident vs project 1 thread")));
    assertTrue(table.toMarkdown().contains("| `resnet20` |"), table.toMarkdown());
  }

  @Test
  void aRunWithoutRowsAndBadArgumentsAreRefused() throws Exception {
    Path p = tmp.resolve("throughput.csv");
    Files.writeString(p, new Table(ThroughputBenchmark.COLUMNS)
        .add(projectRow("r1", "resnet20", "single", 1, 1, 60, 1)).toCsv());
    IOException e = assertThrows(IOException.class, () -> SideBySide.table(SideBySide.parse(
        new String[] {"--run-id", "r2", "--project", p.toString(), "--torch",
            tmp.resolve("none.csv").toString()})));
    assertTrue(e.getMessage().contains("no rows of run r2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SideBySide.parse(new String[0]));
    assertThrows(IllegalArgumentException.class,
        () -> SideBySide.parse(new String[] {"--run-id", "r", "--cores", "1"}));
  }
}
