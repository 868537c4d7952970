package org.sparkcnn.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.JFreeChart;

/**
 * The curves of a run, drawn from its tables: training loss, learning rate and examples per
 * second per averaging round ({@code rounds.csv}), test accuracy per epoch, raw and moving average
 * ({@code metrics.csv}); and the split of the training time ({@code timing.csv}).
 *
 * <p>Rounds are placed on an epoch axis: round {@code r} of the {@code n} rounds of epoch {@code
 * e} at {@code e - 1 + r / n}, so the curves per round and per epoch share their x axis.
 */
final class RunCurves {
  /** Columns of {@code timing.csv} holding DL4J's split of the training time, and their names. */
  static final Map<String, String> TIME_SPLIT = timeSplit();

  private RunCurves() {}

  /**
   * The curves the tables allow, in the order loss, test accuracy, learning rate, examples per
   * second; a chart is left out when its table is missing or has no values.
   */
  static List<JFreeChart> curves(Optional<Table> rounds, Optional<Table> metrics) {
    List<JFreeChart> charts = new ArrayList<>();
    double[] position = rounds.map(RunCurves::epochPosition).orElse(new double[0]);
    rounds.map(t -> perRound(t, position, "loss", "Training loss per averaging round", "loss"))
        .ifPresent(charts::add);
    metrics.map(RunCurves::accuracy).ifPresent(charts::add);
    rounds.map(t -> perRound(t, position, "learning_rate", "Learning rate per averaging round",
        "learning rate")).ifPresent(charts::add);
    rounds.map(t -> perRound(t, position, "examples_per_sec",
        "Training examples per second per averaging round", "examples/s"))
        .ifPresent(charts::add);
    return charts;
  }

  /**
   * The bar chart of DL4J's split of the training time (seconds per part), or empty when {@code
   * timing} has none of its columns.
   */
  static Optional<JFreeChart> timeSplit(Table timing) {
    Map<String, Double> bars = new LinkedHashMap<>();
    TIME_SPLIT.forEach((column, name) -> {
      double[] values = ReportInputs.column(timing, column);
      if (values.length > 0 && !Double.isNaN(values[0])) {
        bars.put(name, values[0]);
      }
    });
    return bars.isEmpty() ? Optional.empty()
        : Optional.of(Charts.bars("Where the training time went", "seconds", bars));
  }

  /** The position of every row of {@code rounds} on the epoch axis. */
  static double[] epochPosition(Table rounds) {
    double[] epoch = ReportInputs.column(rounds, "epoch");
    double[] round = ReportInputs.column(rounds, "round");
    Map<Double, Double> roundsOfEpoch = new LinkedHashMap<>();
    for (int i = 0; i < epoch.length; i++) {
      roundsOfEpoch.merge(epoch[i], round[i], Math::max);
    }
    double[] position = new double[epoch.length];
    for (int i = 0; i < epoch.length; i++) {
      position[i] = epoch[i] - 1 + round[i] / roundsOfEpoch.get(epoch[i]);
    }
    return position;
  }

  private static JFreeChart perRound(Table rounds, double[] position, String column,
      String title, String yLabel) {
    Charts.Series series =
        new Charts.Series(yLabel, position, ReportInputs.column(rounds, column));
    return series.isEmpty() ? null
        : Charts.lines(title, "epoch", yLabel, false, List.of(series));
  }

  private static JFreeChart accuracy(Table metrics) {
    double[] epoch = ReportInputs.column(metrics, "epoch");
    List<Charts.Series> series = new ArrayList<>();
    for (Charts.Series s : List.of(
        new Charts.Series("top-1", epoch, ReportInputs.column(metrics, "test_accuracy")),
        new Charts.Series("top-1, moving average", epoch,
            ReportInputs.column(metrics, "test_accuracy_ema")))) {
      if (!s.isEmpty()) {
        series.add(s);
      }
    }
    return series.isEmpty() ? null
        : Charts.lines("Test accuracy per epoch", "epoch", "accuracy", true, series);
  }

  private static Map<String, String> timeSplit() {
    Map<String, String> split = new LinkedHashMap<>();
    split.put("export_seconds", "export");
    split.put("broadcast_seconds", "broadcast");
    split.put("worker_init_seconds", "worker init");
    split.put("worker_fit_seconds", "worker fit");
    split.put("round_overhead_seconds", "round overhead");
    split.put("other_seconds", "other");
    return Collections.unmodifiableMap(split);
  }
}
