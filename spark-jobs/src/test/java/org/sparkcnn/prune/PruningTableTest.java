package org.sparkcnn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkcnn.report.Table;

/** pruning.csv and pruning.md from rows, without Spark. */
class PruningTableTest {
  /** The paper's network and schedule: parameter counts as PointwisePruningTest pins them. */
  static List<PruningTable.Row> paperRows(String secondLayer) {
    long[] parameters = {3_315_428, 3_315_428 - 288_512, 3_315_428 - 454_144,
        3_315_428 - 545_152, 3_315_428 - 576_320, 3_315_428 - 592_416};
    String[] layers = {"-", "unit13-pw", secondLayer, "unit11-pw", "unit10-pw", "unit9-pw"};
    int[] filters = {0, 256, 128, 64, 32, 16};
    List<PruningTable.Row> rows = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < parameters.length; i++) {
      total += filters[i];
      rows.add(new PruningTable.Row(i, layers[i], filters[i], total, 1024 - filters[i],
          // accuracies of 4 decimals, as the job rounds them
          parameters[i], 46_446_592 - i, (7010 - i * 50) / 1e4, (8862 - i * 20) / 1e4, Double.NaN,
          Double.NaN, i * 10.0, 500.0, i < 5));
    }
    return rows;
  }

  @Test
  void rowsOfThePapersRunCarryThePapersFigures() {
    Table t = Table.parse(PruningTable.csv(paperRows("unit12-pw")).toCsv());
    assertEquals(PruningTable.COLUMNS, t.columns());
    assertEquals("288512", t.cell(1, "parameters_removed"));
    assertEquals("8.70", t.cell(1, "parameters_removed_percent"));
    assertEquals("288512", t.cell(1, "paper_parameters_removed"));
    assertEquals("-0.91", t.cell(1, "paper_top1_change"));
    assertEquals("-0.38", t.cell(1, "paper_top5_change"));
    assertEquals("", t.cell(2, "paper_parameters_removed"));
    assertEquals("545152", t.cell(3, "paper_parameters_removed"));
    assertEquals("16.44", t.cell(3, "parameters_removed_percent"));
    assertEquals("592416", t.cell(5, "paper_parameters_removed"));
    assertEquals("-2.28", t.cell(5, "paper_top1_change"));
    assertEquals("", t.cell(5, "paper_top5_change"));
    assertEquals("-2.50", t.cell(5, "top1_change"));
    assertEquals("", t.cell(0, "top1_ema"));
    assertEquals("false", t.cell(5, "within_limit"));
  }

  @Test
  void anotherScheduleGetsNoPaperFigures() {
    Table t = Table.parse(PruningTable.csv(paperRows("unit13-pw")).toCsv());
    assertEquals("288512", t.cell(1, "paper_parameters_removed"));
    for (int i = 2; i < t.rows().size(); i++) {
      assertEquals("", t.cell(i, "paper_parameters_removed"), "row " + i);
    }
  }

  @Test
  void rowsReadBackAsWritten() {
    List<PruningTable.Row> rows = paperRows("unit12-pw");
    assertEquals(rows, PruningTable.parse(Table.parse(PruningTable.csv(rows).toCsv())));
  }

  @Test
  void markdownHoldsBothTables() {
    List<PruningTable.Row> rows = paperRows("unit12-pw");
    String md = PruningTable.markdown(rows, "m", "d", "L1", 2.0, 3_315_428,
        PruningTable.status(rows, 5, true));
    assertTrue(md.contains("| 1 | unit13-pw (768 left) | 256 (256) | 3,026,916 | 288,512 (8.70%)"),
        md);
    assertTrue(md.contains("| 5 | unit9-pw (1008 left) over the limit |"), md);
    assertTrue(md.contains("| 3 | pw11 + pw12 (+ pw13) | 545,152 (16.4%) | -1.21 / -0.76 |"), md);
    assertTrue(md.contains("at most 2.00 points below step 0"), md);
  }
}
