package org.sparkcnn.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkcnn.report.Table;

/**
 * The rows of {@code pruning.csv} and {@code pruning.md}: the unpruned network (step 0), then
 * one row per step after its retraining, with the 2022 paper's rows beside them (SEEDS.md
 * section 4).
 *
 * <p>Parameters are trainable parameters as the paper counts them (batch normalisation's running
 * mean and variance are not parameters); multiply-adds are per image, one forward pass.
 * Accuracies are fractions in [0, 1]; changes are in percentage points from step 0.
 */
final class PruningTable {
  static final List<String> COLUMNS = List.of("step", "layer", "filters_removed",
      "filters_removed_total", "layer_filters", "trainable_parameters", "parameters_removed",
      "parameters_removed_percent", "multiply_adds", "top1", "top5", "top1_ema", "top5_ema",
      "top1_change", "top5_change", "retrain_seconds", "inference_images_per_sec",
      "within_limit", "paper_parameters_removed", "paper_top1_change", "paper_top5_change");

  /**
   * One row.
   *
   * @param layer the pruned layer; "-" for step 0
   * @param layerFilters output filters the layer keeps after the step
   * @param top1Ema top-1 of the moving average; NaN when none is kept
   * @param retrainSeconds wall time of the step's retraining, in seconds (0 for step 0)
   * @param withinLimit whether top-1 is within {@code prune.max-top1-drop} of step 0's
   */
  record Row(int step, String layer, int filtersRemoved, int filtersRemovedTotal,
      long layerFilters, long trainableParameters, long multiplyAdds, double top1, double top5,
      double top1Ema, double top5Ema, double retrainSeconds, double imagesPerSecond,
      boolean withinLimit) {}

  /**
   * The paper's rows: CIFAR-100, MobileNet-rhs of 3,315,428 parameters, top-1 70.10% and top-5
   * 88.62% unpruned; after which step of the schedule 256, 128, 64, 32, 16 filters of units 13
   * down to 9 each was reported. Top-5 was not reported for the last.
   */
  record PaperRow(int step, String pruned, long parametersRemoved, double top1Change,
      double top5Change) {}

  static final long PAPER_PARAMETERS = 3_315_428;
  static final List<PaperRow> PAPER = List.of(
      new PaperRow(1, "pw13", 288_512, -0.91, -0.38),
      new PaperRow(3, "pw11 + pw12 (+ pw13)", 545_152, -1.21, -0.76),
      new PaperRow(5, "down to pw9", 592_416, -2.28, Double.NaN));
  /** The paper's schedule: (unit, filters) of each step. */
  static final List<String> PAPER_SCHEDULE = List.of("unit13-pw:256", "unit12-pw:128",
      "unit11-pw:64", "unit10-pw:32", "unit9-pw:16");

  private PruningTable() {}

  /**
   * The CSV table of {@code rows} (step 0 first). The paper's columns are filled on the rows the
   * paper reports when this run is the paper's: the same parameter count unpruned and the same
   * schedule so far.
   */
  static Table csv(List<Row> rows) {
    Table t = new Table(COLUMNS);
    Row base = rows.get(0);
    for (Row r : rows) {
      PaperRow paper = paperRow(rows, r.step());
      t.add(r.step(), r.layer(), r.filtersRemoved(), r.filtersRemovedTotal(), r.layerFilters(),
          r.trainableParameters(), base.trainableParameters() - r.trainableParameters(),
          fixed(100.0 * (base.trainableParameters() - r.trainableParameters())
              / base.trainableParameters(), 2),
          r.multiplyAdds(), fixed(r.top1(), 4), fixed(r.top5(), 4), optional(r.top1Ema()),
          optional(r.top5Ema()), fixed(100 * (r.top1() - base.top1()), 2),
          fixed(100 * (r.top5() - base.top5()), 2), fixed(r.retrainSeconds(), 1),
          fixed(r.imagesPerSecond(), 1), r.withinLimit(),
          paper == null ? "" : paper.parametersRemoved(),
          paper == null ? "" : fixed(paper.top1Change(), 2),
          paper == null || Double.isNaN(paper.top5Change()) ? "" : fixed(paper.top5Change(), 2));
    }
    return t;
  }

  /** The rows {@code csv} wrote, read back (a resumed run continues after them). */
  static List<Row> parse(Table t) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < t.rows().size(); i++) {
      rows.add(new Row(Integer.parseInt(t.cell(i, "step")), t.cell(i, "layer"),
          Integer.parseInt(t.cell(i, "filters_removed")),
          Integer.parseInt(t.cell(i, "filters_removed_total")),
          Long.parseLong(t.cell(i, "layer_filters")),
          Long.parseLong(t.cell(i, "trainable_parameters")),
          Long.parseLong(t.cell(i, "multiply_adds")), number(t.cell(i, "top1")),
          number(t.cell(i, "top5")), number(t.cell(i, "top1_ema")),
          number(t.cell(i, "top5_ema")), number(t.cell(i, "retrain_seconds")),
          number(t.cell(i, "inference_images_per_sec")),
          Boolean.parseBoolean(t.cell(i, "within_limit"))));
    }
    return rows;
  }

  /**
   * {@code pruning.md}: the table, the paper's table beside it, and how to read them.
   *
   * @param unprunedParameters trainable parameters of {@code model} unpruned: a step 0 with
   *     fewer is labelled as pruned before, not as unpruned
   * @param status what {@link #status} says, under the title
   */
  static String markdown(List<Row> rows, String model, String dataset, String norm,
      double maxTop1Drop, long unprunedParameters, String status) {
    Row base = rows.get(0);
    Table ours = new Table("step", "pruned", "filters removed (total)", "parameters",
        "removed", "multiply-adds", "top-1", "top-5", "top-1 / top-5 change", "moving average"
            + " top-1", "retrain s", "inference images/s");
    for (Row r : rows) {
      long removed = base.trainableParameters() - r.trainableParameters();
      ours.add(r.step(), r.step() == 0 ? start(r, model, unprunedParameters)
          : r.layer() + " (" + r.layerFilters() + " left)"
              + (r.withinLimit() ? "" : " over the limit"),
          r.filtersRemoved() + " (" + r.filtersRemovedTotal() + ")",
          String.format(Locale.ROOT, "%,d", r.trainableParameters()),
          String.format(Locale.ROOT, "%,d (%.2f%%)", removed,
              100.0 * removed / base.trainableParameters()),
          String.format(Locale.ROOT, "%,d", r.multiplyAdds()), percent(r.top1()),
          percent(r.top5()), String.format(Locale.ROOT, "%+.2f / %+.2f",
              100 * (r.top1() - base.top1()), 100 * (r.top5() - base.top5())),
          Double.isNaN(r.top1Ema()) ? "" : percent(r.top1Ema()), fixed(r.retrainSeconds(), 1),
          fixed(r.imagesPerSecond(), 1));
    }
    Table paper = new Table("after step", "pruned", "parameters removed",
        "top-1 / top-5 change");
    for (PaperRow p : PAPER) {
      paper.add(p.step(), p.pruned(), String.format(Locale.ROOT, "%,d (%.1f%%)",
          p.parametersRemoved(), 100.0 * p.parametersRemoved() / PAPER_PARAMETERS),
          String.format(Locale.ROOT, "%+.2f", p.top1Change())
              + (Double.isNaN(p.top5Change()) ? "" : String.format(Locale.ROOT, " / %+.2f",
                  p.top5Change())));
    }
    return "# Pruning: " + model + " on " + dataset + "\n\n" + status + "\n\n"
        + ours.toMarkdown()
        + "\nFilters ranked by their " + norm + " norm, the smallest removed. Parameters: trainable"
        + " parameters (batch normalisation's running statistics are not counted, as in the"
        + " paper). Multiply-adds: per image. Changes: percentage points from step 0 (raw"
        + " parameters)."
        + (maxTop1Drop > 0 ? String.format(Locale.ROOT, " Limit: top-1 at most %.2f points"
            + " below step 0 (prune.max-top1-drop).", maxTop1Drop) : "")
        + " Inference: images/s of the network's forward pass on the driver (median of "
        + InferenceSpeed.PASSES + " passes after a warm-up).\n\n"
        + "## The 2022 paper (CIFAR-100, MobileNet-rhs, 3,315,428 parameters, top-1 70.10%,"
        + " top-5 88.62%)\n\n" + paper.toMarkdown()
        + "\nThe paper's schedule removes 256, 128, 64, 32 and 16 filters of unit13-pw down to"
        + " unit9-pw (prune.rule's default); its figures come from a full CIFAR-100 training"
        + " (conf/prune-cifar100-mobilenet-rhs.conf), not from this run.\n";
  }

  /**
   * How far the run got, of {@code planned} steps: not finished (in progress, stopped or
   * failed), stopped by {@code prune.max-top1-drop}, or all steps done.
   */
  static String status(List<Row> rows, int planned, boolean finished) {
    int done = rows.size() - 1;
    if (!finished) {
      return String.format(Locale.ROOT, "**Not finished: %d of %d steps done.** The run is in"
          + " progress, stopped or failed (see _FAILED); --resume continues it.", done, planned);
    }
    if (done < planned) {
      return String.format(Locale.ROOT, "Stopped after step %d of %d: its top-1 fell more than"
          + " prune.max-top1-drop below step 0's; steps %d to %d were not taken.", done,
          planned, done + 1, planned);
    }
    return String.format(Locale.ROOT, "%d of %d steps done.", done, planned);
  }

  /**
   * What step 0 is: the unpruned network, or one pruned before (a pruning run's model) with
   * fewer parameters than {@code model} unpruned.
   */
  private static String start(Row r, String model, long unprunedParameters) {
    return r.trainableParameters() >= unprunedParameters ? "unpruned" : String.format(
        Locale.ROOT, "pruned before: %,d of %s's %,d parameters", r.trainableParameters(), model,
        unprunedParameters);
  }

  /** The paper's row after {@code step}, when the run so far is the paper's; else null. */
  private static PaperRow paperRow(List<Row> rows, int step) {
    if (rows.get(0).trainableParameters() != PAPER_PARAMETERS) {
      return null;
    }
    for (int i = 1; i <= step; i++) {
      Row r = rows.get(i);
      if (i > PAPER_SCHEDULE.size()
          || !PAPER_SCHEDULE.get(i - 1).equals(r.layer() + ":" + r.filtersRemoved())) {
        return null;
      }
    }
    return PAPER.stream().filter(p -> p.step() == step).findFirst().orElse(null);
  }

  private static double number(String cell) {
    return cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  private static String optional(double value) {
    return Double.isNaN(value) ? "" : fixed(value, 4);
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
