package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.Table;

/** The scoring benchmark's arguments, a real measurement in Spark local mode and its table. */
class ScoringBenchmarkTest {
  @TempDir Path tmp;

  @Test
  void defaultsAreTheIssuesNetworksWithOneBatchSize() {
    ScoringBenchmark.Options o = ScoringBenchmark.parse(new String[0]);
    assertEquals(List.of("lenet5", "tf-cifar10", "mobilenet-v1-cifar"), o.models());
    assertEquals(64, o.batch());
    assertEquals(Path.of("runs", "torch_inference.csv"), o.torch());
  }

  @Test
  void badValuesAreRefusedNamingTheOption() {
    IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
        () -> ScoringBenchmark.parse(new String[] {"--batch", "0"}));
    assertTrue(batch.getMessage().contains("--batch"), batch.getMessage());
    IllegalArgumentException model = assertThrows(IllegalArgumentException.class,
        () -> ScoringBenchmark.parse(new String[] {"--models", "lenet5;lenet-6"}));
    assertTrue(model.getMessage().contains("lenet-6") && model.getMessage().contains("resnet20"),
        model.getMessage());
  }

  @Test
  void measuresBothPathsAndTablesThemBesidePyTorchRowsOfTheSameRun() throws Exception {
    ScoringBenchmark.Options o = ScoringBenchmark.parse(new String[] {"--models", "lenet5",
        "--batch", "16", "--images", "64", "--workers", "2", "--warmup", "1",
        "--warmup-seconds", "0", "--passes", "3", "--spark-passes", "1", "--run-id", "r1"});
    JavaSparkContext sc = LocalSpark.start();
    List<String> row;
    try {
      row = ScoringBenchmark.measure(sc, "lenet5", o, "cpu");
    } finally {
      sc.stop();
    }
    Table rows = new Table(ScoringBenchmark.COLUMNS).add(row);
    double single = Double.parseDouble(rows.cell(0, "dl4j_output_images_per_sec"));
    double spark = Double.parseDouble(rows.cell(0, "spark_images_per_sec"));
    double ml = Double.parseDouble(rows.cell(0, "spark_ml_images_per_sec"));
    assertTrue(single > 0 && spark > 0 && ml > 0, row.toString());
    assertEquals("1x28x28", rows.cell(0, "input"));
    assertEquals("16", rows.cell(0, "batch"));

    Path torch = tmp.resolve("torch_inference.csv");
    Files.writeString(torch, "model,threads,images_per_sec,run\n"
        + "lenet5,1,1000.0,r1\nlenet5,2,4000.0,r1\nlenet5,2,9.0,other-run\n");
    Table table = ScoringBenchmark.table(rows, SideBySide.rows(torch, "r1"), 2);
    assertEquals(1, table.rows().size());
    assertEquals("`lenet5`", table.cell(0, "network"));
    assertEquals("4,000.0", table.cell(0, "PyTorch 2 threads"));
    assertEquals(String.format(Locale.ROOT, "%.2fx", ml / single),
        table.cell(0, "Spark ML / DL4J"));
    assertEquals(String.format(Locale.ROOT, "%.2fx", single / 1000.0),
        table.cell(0, "DL4J / PyTorch 1 thread"));
    assertEquals(String.format(Locale.ROOT, "%.2fx", ml / 4000.0),
        table.cell(0, "Spark ML / PyTorch 2 threads"));

    Table withoutTorch = ScoringBenchmark.table(rows, List.of(), 2);
    assertEquals("-", withoutTorch.cell(0, "PyTorch 1 thread"));
    assertEquals("-", withoutTorch.cell(0, "Spark ML / PyTorch 2 threads"));
  }
}
