package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.Table;

/** The interleaved speedup table from the rows of one run. */
class SpeedupTest {
  @TempDir Path tmp;

  private static List<String> single(String run, String model, double rate, int processes) {
    return row(Map.of("run", run, "model", model, "mode", "single", "workers", "1",
        "threads_per_worker", "1", "images_per_sec", "" + rate, "master", "",
        "processes", "" + processes));
  }

  private static List<String> resident(String run, String model, double rate, double barrier,
      double overhead) {
    return row(Map.of("run", run, "model", model, "mode", "local[2]", "workers", "2",
        "threads_per_worker", "1", "images_per_sec", "" + rate, "master", "resident",
        "barrier_share", "" + barrier, "overhead_share", "" + overhead, "processes", "1"));
  }

  private static List<String> resident(String run, String model, double rate,
      String scheduling) {
    List<String> row = resident(run, model, rate, 0.05, 0.05);
    row.set(ThroughputBenchmark.COLUMNS.indexOf("round_scheduling"), scheduling);
    return row;
  }

  private static List<String> row(Map<String, String> cells) {
    List<String> row = new ArrayList<>();
    ThroughputBenchmark.COLUMNS.forEach(c -> row.add(cells.getOrDefault(c, "")));
    return row;
  }

  private Path write(Table table) throws IOException {
    Path p = tmp.resolve("throughput.csv");
    Files.writeString(p, table.toCsv());
    return p;
  }

  @Test
  void eachResidentRunIsDividedByTheOneThreadRunsAroundIt() throws Exception {
    Table rows = new Table(ThroughputBenchmark.COLUMNS)
        .add(single("old", "resnet20", 999, 1))
        .add(single("s1", "resnet20", 100, 1))
        .add(resident("s1", "resnet20", 180, 0.05, 0.07))
        .add(single("s1", "resnet20", 80, 1))
        .add(resident("s1", "resnet20", 153, 0.03, 0.05))
        .add(single("s1", "resnet20", 90, 1))
        .add(single("s1", "resnet20", 95, 2))
        .add(single("s1", "resnet20", 97, 2))
        // DL4J's master and the N-thread process are not this table's
        .add(row(Map.of("run", "s1", "model", "resnet20", "mode", "local[2]", "workers", "2",
            "threads_per_worker", "1", "images_per_sec", "500", "master", "dl4j")))
        .add(resident("s1", "vgg11", 50, 0.1, 0.1))
        .add(single("s1", "vgg11", 30, 2));
    Table table = Speedup.table(Speedup.parse(new String[] {"--run-id", "s1", "--project",
        write(rows).toString()}));
    List<String> columns = table.columns();
    assertEquals(2, table.rows().size());
    List<String> resnet = table.rows().get(0);
    assertEquals("`resnet20`", resnet.get(0));
    assertEquals("100.0; 80.0; 90.0", resnet.get(columns.indexOf("1 thread (each run)")));
    assertEquals("180.0; 153.0",
        resnet.get(columns.indexOf("Spark local[2] resident (each run)")));
    // 180 / ((100 + 80) / 2) and 153 / ((80 + 90) / 2)
    assertEquals("2.00x; 1.80x", resnet.get(columns.indexOf("resident vs 1 thread (each run)")));
    assertEquals("1.90x", resnet.get(columns.indexOf("resident vs 1 thread, median")));
    assertEquals("192.0", resnet.get(columns.indexOf("2 processes side by side")));
    assertEquals("2.13x", resnet.get(columns.indexOf("2 processes vs 1 thread"))); // 192 / 90
    assertEquals("0.87x", resnet.get(columns.indexOf("resident vs 2 processes"))); // 166.5 / 192
    assertEquals("90.0 / 4.0 / 6.0%",
        resnet.get(columns.indexOf("resident fit / barrier / overhead")));
    List<String> vgg = table.rows().get(1);
    assertEquals("-", vgg.get(columns.indexOf("1 thread (each run)")));
    assertEquals("-", vgg.get(columns.indexOf("resident vs 1 thread, median")));
    // one of the two side-by-side processes is missing: no sum
    assertEquals("-", vgg.get(columns.indexOf("2 processes side by side")));
    assertEquals("80.0 / 10.0 / 10.0%",
        vgg.get(columns.indexOf("resident fit / barrier / overhead")));
    assertTrue(table.toMarkdown().contains("| `resnet20` | 100.0; 80.0; 90.0 |"),
        table.toMarkdown());
  }

  @Test
  void residentRunsOfBothRoundSchedulingsGetARowEach() throws Exception {
    Table rows = new Table(ThroughputBenchmark.COLUMNS)
        .add(single("s2", "lenet5", 100, 1))
        .add(resident("s2", "lenet5", 130, "job"))
        .add(resident("s2", "lenet5", 150, "barrier"))
        .add(single("s2", "lenet5", 100, 1))
        .add(resident("s2", "lenet5", 120, "")) // a row before the column: job
        .add(resident("s2", "lenet5", 160, "barrier"))
        .add(single("s2", "lenet5", 80, 1))
        .add(resident("s2", "lenet-caffe", 70, "barrier"));
    Table table = Speedup.table(Speedup.parse(new String[] {"--run-id", "s2", "--project",
        write(rows).toString()}));
    List<String> columns = table.columns();
    assertEquals(List.of("`lenet5`, job rounds", "`lenet5`, barrier rounds", "`lenet-caffe`"),
        table.rows().stream().map(r -> r.get(0)).toList());
    int each = columns.indexOf("resident vs 1 thread (each run)");
    // 130 / 100, 120 / 90; 150 / 100, 160 / 90
    assertEquals("1.30x; 1.33x", table.rows().get(0).get(each));
    assertEquals("1.50x; 1.78x", table.rows().get(1).get(each));
  }

  @Test
  void theSideBySideRowsStayOutOfTheZooTable() throws Exception {
    Table rows = new Table(ThroughputBenchmark.COLUMNS)
        .add(single("s1", "resnet20", 100, 1))
        .add(single("s1", "resnet20", 60, 2));
    Path p = write(rows);
    Table table = SideBySide.table(SideBySide.parse(new String[] {"--run-id", "s1", "--project",
        p.toString(), "--torch", tmp.resolve("none.csv").toString()}));
    assertEquals("100.0", table.rows().get(0).get(table.columns().indexOf("project 1 thread")));
    assertEquals(1, Speedup.processes(new HashMap<>()), "rows before the column: one process");
  }

  @Test
  void aRunWithoutRowsAndBadArgumentsAreRefused() throws Exception {
    Path p = write(new Table(ThroughputBenchmark.COLUMNS).add(single("s1", "lenet5", 1, 1)));
    IOException e = assertThrows(IOException.class, () -> Speedup.table(Speedup.parse(
        new String[] {"--run-id", "s2", "--project", p.toString()})));
    assertTrue(e.getMessage().contains("no rows of run s2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Speedup.parse(new String[0]));
    IllegalArgumentException cores = assertThrows(IllegalArgumentException.class,
        () -> Speedup.parse(new String[] {"--run-id", "s", "--cores", "1"}));
    assertTrue(cores.getMessage().contains("--cores"), cores.getMessage());
    assertEquals(2.5, Speedup.median(List.of(3.0, 1.0, 2.0, 4.0)));
    assertEquals(2.0, Speedup.median(List.of(3.0, 1.0, 2.0)));
  }
}
