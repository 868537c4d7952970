package org.sparkcnn.experiment;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;

/**
 * What one repeat of a variant left in its directory: complete ({@code _SUCCESS}) with its final
 * figures and per-epoch curves, failed ({@code _FAILED}) with the reason, or not run yet.
 *
 * @param failure the reason from {@code _FAILED}; null unless failed
 * @param top1 top-1 test accuracy ({@code accuracy.csv}), a fraction; NaN unless complete
 * @param top5 top-5 test accuracy
 * @param top1Ema top-1 test accuracy of the moving average; NaN when none is kept
 * @param seconds the run's wall seconds ({@code timing.csv} {@code total_seconds})
 * @param examplesPerSec training examples per second ({@code timing.csv})
 * @param epochs the epochs of {@code metrics.csv}, 1-based
 * @param accuracy each epoch's top-1 test accuracy
 * @param loss each epoch's mean training loss
 */
record RepeatOutcome(boolean complete, String failure, double top1, double top5, double top1Ema,
    double seconds, double examplesPerSec, double[] epochs, double[] accuracy, double[] loss) {
  private static final double[] NONE = new double[0];

  /** The outcome of the repeat in {@code path} (relative to {@code experimentDir}). */
  static RepeatOutcome read(RunDirectory experimentDir, String path) {
    if (experimentDir.exists(path + "/" + RunLayout.SUCCESS)) {
      Table accuracy = table(experimentDir, path + "/" + RunLayout.ACCURACY);
      Table timing = table(experimentDir, path + "/" + RunLayout.TIMING);
      Table metrics = table(experimentDir, path + "/" + RunLayout.METRICS);
      return new RepeatOutcome(true, null, number(accuracy.cell(0, RunLayout.TOP1_ACCURACY)),
          number(accuracy.cell(0, "top5_accuracy")),
          number(accuracy.cell(0, "top1_accuracy_ema")),
          number(timing.cell(0, "total_seconds")),
          number(timing.cell(0, RunLayout.EXAMPLES_PER_SEC)), column(metrics, "epoch"),
          column(metrics, "test_accuracy"), column(metrics, "loss"));
    }
    String failure = null;
    if (experimentDir.exists(path + "/" + RunLayout.FAILED)) {
      failure = new String(experimentDir.readBytes(path + "/" + RunLayout.FAILED),
          StandardCharsets.UTF_8).strip();
    }
    return new RepeatOutcome(false, failure, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, NONE, NONE, NONE);
  }

  /** The moving average's gain: its top-1 - the parameters' top-1; NaN when none is kept. */
  double emaGain() {
    return top1Ema - top1;
  }

  private static Table table(RunDirectory dir, String name) {
    return Table.parse(new String(dir.readBytes(name), StandardCharsets.UTF_8));
  }

  private static double[] column(Table table, String column) {
    List<List<String>> rows = table.rows();
    double[] values = new double[rows.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = number(table.cell(i, column));
    }
    return values;
  }

  /** A cell as a number; empty or {@code n/a} is NaN. */
  static double number(String cell) {
    if (cell == null || cell.isBlank() || cell.equals("n/a")) {
      return Double.NaN;
    }
    return Double.parseDouble(cell);
  }
}
