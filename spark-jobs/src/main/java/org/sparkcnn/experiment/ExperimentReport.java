package org.sparkcnn.experiment;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.sparkcnn.report.Charts;
import org.sparkcnn.report.ExperimentPage;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * Writes an experiment's outputs from its child runs: {@code experiment.csv}, {@code
 * experiment.md}, {@code experiment-curves.png} (each variant's test accuracy and training loss
 * per epoch, the mean over its complete repeats with a band from the lowest to the highest) and
 * {@code experiment.html}. Rewritten after every variant, so a running experiment can be watched.
 */
final class ExperimentReport {
  private final RunDirectory dir;
  private final Experiment experiment;

  ExperimentReport(RunDirectory dir, Experiment experiment) {
    this.dir = dir;
    this.experiment = experiment;
  }

  /**
   * Writes every output as far as the runs have come.
   *
   * @param state {@code running} or {@code complete}
   * @return the table written
   */
  ExperimentTable write(String state) {
    ExperimentTable table = ExperimentTable.read(dir, experiment);
    dir.write(RunLayout.EXPERIMENT, table.table().toCsv());
    dir.write(RunLayout.EXPERIMENT_MD, table.markdown());
    byte[] curves = curves(table);
    if (curves != null) {
      dir.write(RunLayout.EXPERIMENT_CURVES, out -> out.write(curves));
    }
    int runs = experiment.variants().size() * experiment.spec().repeats();
    String status = state + ": " + table.completeRuns() + " of " + runs + " runs complete ("
        + experiment.variants().size() + " variants x " + experiment.spec().repeats()
        + " repeats)";
    dir.write(RunLayout.EXPERIMENT_HTML, ExperimentPage.render(experiment.spec().name(),
        experiment.spec().description(), status, table.table(), table.notes(), curves,
        links()));
    return table;
  }

  private List<Map.Entry<String, String>> links() {
    List<Map.Entry<String, String>> links = new ArrayList<>();
    for (Variant v : experiment.variants()) {
      for (int r = 1; r <= experiment.spec().repeats(); r++) {
        String path = v.id() + "/" + Variant.repeatDir(r);
        links.add(new AbstractMap.SimpleEntry<>(path + " (" + v.describe() + ")",
            path + "/" + RunLayout.REPORT));
      }
    }
    return links;
  }

  /** The curves picture, or null when no run is complete. */
  static byte[] curves(ExperimentTable table) {
    List<Charts.Band> accuracy = new ArrayList<>();
    List<Charts.Band> loss = new ArrayList<>();
    for (ExperimentTable.VariantOutcome o : table.outcomes()) {
      List<RepeatOutcome> done = o.complete();
      if (done.isEmpty()) {
        continue;
      }
      accuracy.add(band(o.variant().id(), done, true));
      loss.add(band(o.variant().id(), done, false));
    }
    if (accuracy.isEmpty()) {
      return null;
    }
    List<JFreeChart> charts = List.of(
        Charts.bands("Test accuracy (top-1)", "epoch", "accuracy", accuracy),
        Charts.bands("Training loss", "epoch", "loss", loss));
    return Charts.grid(charts, 2);
  }

  /** Per epoch: the mean over {@code runs} and the band from the lowest to the highest. */
  static Charts.Band band(String name, List<RepeatOutcome> runs, boolean accuracy) {
    int epochs = runs.stream().mapToInt(r -> r.epochs().length).max().orElse(0);
    double[] x = new double[epochs];
    double[] mean = new double[epochs];
    double[] low = new double[epochs];
    double[] high = new double[epochs];
    for (int e = 0; e < epochs; e++) {
      x[e] = e + 1;
      double sum = 0;
      int n = 0;
      low[e] = Double.POSITIVE_INFINITY;
      high[e] = Double.NEGATIVE_INFINITY;
      for (RepeatOutcome r : runs) {
        double[] values = accuracy ? r.accuracy() : r.loss();
        if (e < values.length && !Double.isNaN(values[e])) {
          sum += values[e];
          n++;
          low[e] = Math.min(low[e], values[e]);
          high[e] = Math.max(high[e], values[e]);
        }
      }
      mean[e] = n == 0 ? Double.NaN : sum / n;
      if (n == 0) {
        low[e] = Double.NaN;
        high[e] = Double.NaN;
      }
    }
    return new Charts.Band(name, x, mean, low, high);
  }
}
