package org.sparkcnn.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;

/**
 * An experiment's table ({@link RunLayout#EXPERIMENT}), read from its child runs' files alone,
 * so a resumed experiment gives the same table as an uninterrupted one (timings aside): one row
 * per variant, its statistics over its complete repeats, the source's figure beside.
 *
 * <p>Columns ({@link #COLUMNS}): variant (its directory), values (the varied keys), runs (complete
 * repeats), status ({@code ok}, {@code failed: <why>}, {@code k of n failed: <why>}, {@code
 * incomplete}), top-1 mean and sample standard deviation (n - 1; empty below 2 runs), top-5 mean,
 * moving average top-1 mean, wall seconds mean and sample std, training examples per second
 * mean, then the reference's metric, value (as the file gives it) and source, and the difference
 * mean - value. Accuracies are fractions with 4 decimals, seconds have 1.
 */
public final class ExperimentTable {
  /** The columns of {@link RunLayout#EXPERIMENT}. */
  public static final List<String> COLUMNS = List.of("variant", "values", "runs", "status",
      "top1_mean", "top1_std", "top5_mean", "top1_ema_mean", "seconds_mean", "seconds_std",
      "examples_per_sec_mean", "reference_metric", "reference_value", "difference",
      "reference_source");

  /** One variant's repeats. */
  record VariantOutcome(Variant variant, List<RepeatOutcome> repeats) {
    List<RepeatOutcome> complete() {
      return repeats.stream().filter(RepeatOutcome::complete).toList();
    }
  }

  private final Experiment experiment;
  private final List<VariantOutcome> outcomes;

  private ExperimentTable(Experiment experiment, List<VariantOutcome> outcomes) {
    this.experiment = experiment;
    this.outcomes = outcomes;
  }

  /** The table of the experiment in {@code dir}, as far as its child runs have come. */
  static ExperimentTable read(RunDirectory dir, Experiment experiment) {
    List<VariantOutcome> outcomes = new ArrayList<>();
    for (Variant v : experiment.variants()) {
      List<RepeatOutcome> repeats = new ArrayList<>();
      for (int r = 1; r <= experiment.spec().repeats(); r++) {
        repeats.add(RepeatOutcome.read(dir, v.id() + "/" + Variant.repeatDir(r)));
      }
      outcomes.add(new VariantOutcome(v, repeats));
    }
    return new ExperimentTable(experiment, outcomes);
  }

  List<VariantOutcome> outcomes() {
    return outcomes;
  }

  /** The best variant's mean top-1 accuracy; NaN when no run is complete. */
  double bestTop1() {
    return outcomes.stream().mapToDouble(o -> mean(o.complete(), RepeatOutcome::top1))
        .filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN);
  }

  /** How many repeats of all variants are complete. */
  int completeRuns() {
    return outcomes.stream().mapToInt(o -> o.complete().size()).sum();
  }

  /** The table as {@link RunLayout#EXPERIMENT} holds it. */
  public Table table() {
    Table table = new Table(COLUMNS);
    for (VariantOutcome o : outcomes) {
      List<RepeatOutcome> done = o.complete();
      Optional<ExperimentSpec.Reference> ref = experiment.reference(o.variant());
      double top1 = mean(done, RepeatOutcome::top1);
      table.add(o.variant().id(), o.variant().describe(), done.size(), status(o),
          accuracy(top1), accuracy(std(done, RepeatOutcome::top1)),
          accuracy(mean(done, RepeatOutcome::top5)),
          accuracy(mean(done, RepeatOutcome::top1Ema)),
          seconds(mean(done, RepeatOutcome::seconds)), seconds(std(done, RepeatOutcome::seconds)),
          seconds(mean(done, RepeatOutcome::examplesPerSec)),
          ref.map(ExperimentSpec.Reference::metric).orElse(""),
          ref.map(r -> Double.toString(r.value())).orElse(""), // as the source gives it
          ref.map(r -> difference(r, done)).orElse(""),
          ref.map(ExperimentSpec.Reference::source).orElse(""));
    }
    return table;
  }

  /** The Markdown page {@link RunLayout#EXPERIMENT_MD}. */
  String markdown() {
    StringBuilder md = new StringBuilder("# Experiment " + experiment.spec().name() + "\n\n");
    if (!experiment.spec().description().isBlank()) {
      md.append(experiment.spec().description().strip()).append("\n\n");
    }
    md.append(table().toMarkdown()).append('\n');
    notes().forEach(line -> md.append(line).append("\n\n"));
    return md.toString();
  }

  /** What the columns mean, under the table. */
  List<String> notes() {
    return List.of("Over " + experiment.spec().repeats() + " repeat(s) per variant with seeds "
        + experiment.base().run().seed() + ", " + experiment.base().run().seed() + " + 1, ...:"
        + " mean and sample standard deviation (n - 1) of the complete runs. Accuracies are"
        + " fractions of the test set; seconds are each run's wall time (total_seconds of its"
        + " timing.csv); ema is the moving average of the parameters.",
        "difference = the variant's mean of reference_metric - reference_value (the source's"
        + " figure). Each run's outputs are in <variant>/repeat-<i>/.");
  }

  private static String status(VariantOutcome o) {
    int n = o.repeats().size();
    int done = o.complete().size();
    String why = o.repeats().stream().map(RepeatOutcome::failure)
        .filter(f -> f != null).findFirst().orElse(null);
    long failed = o.repeats().stream().filter(r -> r.failure() != null).count();
    if (done == n) {
      return "ok";
    }
    if (why == null) {
      return "incomplete";
    }
    return (failed == n ? "failed: " : failed + " of " + n + " failed: ") + why;
  }

  private static String difference(ExperimentSpec.Reference r, List<RepeatOutcome> done) {
    double mean = mean(done, switch (r.metric()) {
      case "top5" -> RepeatOutcome::top5;
      case "top1-ema" -> RepeatOutcome::top1Ema;
      case "seconds" -> RepeatOutcome::seconds;
      case "ema-gain" -> RepeatOutcome::emaGain;
      default -> RepeatOutcome::top1;
    });
    if (Double.isNaN(mean)) {
      return "";
    }
    double d = mean - r.value();
    return r.metric().equals("seconds") ? String.format(Locale.ROOT, "%+.1f", d)
        : String.format(Locale.ROOT, "%+.4f", d);
  }

  static double mean(List<RepeatOutcome> runs, ToDoubleFunction<RepeatOutcome> metric) {
    double[] values = runs.stream().mapToDouble(metric).toArray();
    return values.length == 0 ? Double.NaN : Arrays.stream(values).sum() / values.length;
  }

  /** Sample standard deviation (n - 1); NaN below two values. */
  static double std(List<RepeatOutcome> runs, ToDoubleFunction<RepeatOutcome> metric) {
    double[] values = runs.stream().mapToDouble(metric).toArray();
    if (values.length < 2) {
      return Double.NaN;
    }
    double mean = Arrays.stream(values).sum() / values.length;
    double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
    return Math.sqrt(squares / (values.length - 1));
  }

  private static String accuracy(double fraction) {
    return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.4f", fraction);
  }

  private static String seconds(double seconds) {
    return Double.isNaN(seconds) ? "" : String.format(Locale.ROOT, "%.1f", seconds);
  }
}
