package org.sparkcnn.report;

import java.awt.AWTError;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jfree.chart.JFreeChart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's report: {@code report.html}, one self-contained page (pictures inline, no script, no
 * network) with the run's status, its accuracy (raw and moving average, top-1 and top-5, final
 * and per epoch), curves, per-class table, confusion matrix, timing, model, configuration and
 * environment; and {@code curves.png}, the curves in one picture ({@link RunLayout#REPORT},
 * {@link RunLayout#CURVES}).
 *
 * <p>Usage: {@code RunReport.update(dir, RunReport.Status.running(epoch, epochs))} after each
 * epoch, {@code RunReport.update(dir, RunReport.Status.finished(epochs))} when the training's
 * outputs are written, {@link Status#failed} when the run fails. Everything comes from the files
 * already in the run directory ({@link ReportInputs}); a section whose file is missing says so
 * instead. {@link #update} never fails the run: a report that cannot be written is a warning in
 * the log.
 */
public final class RunReport {
  private static final Logger log = LoggerFactory.getLogger(RunReport.class);
  /** Columns of the final accuracy shown; the per-class ones are in the per-class table. */
  private static final String CLASS_COLUMNS = RunLayout.ACCURACY_CLASS_PREFIX;
  /** Curves in {@code curves.png}, side by side. */
  private static final int CURVE_COLUMNS = 2;

  private RunReport() {}

  /** Where the run stands, the report's first line: {@code running, epoch 2 of 6}. */
  public record Status(String text) {
    /** After epoch {@code epoch} of {@code epochs} (1-based). */
    public static Status running(int epoch, int epochs) {
      return new Status("running, epoch " + epoch + " of " + epochs);
    }

    /** When the training's outputs ({@code accuracy.csv}, {@code timing.csv}...) are written. */
    public static Status finished(int epochs) {
      return new Status("finished, " + epochs + " epochs trained");
    }

    /** When a prediction run's outputs are written: images scored and skipped. */
    public static Status predicted(long images, long skipped) {
      return new Status("finished, " + images + " images scored"
          + (skipped == 0 ? "" : ", " + skipped + " skipped"));
    }

    /** When every repeat of a run with {@code run.repeats} > 1 is trained. */
    public static Status finishedRepeats(int repeats, int epochs) {
      return new Status("finished, " + repeats + " repeats of " + epochs + " epochs");
    }

    /** When the run failed ({@code _FAILED}): the first line of {@code why}. */
    public static Status failed(String why) {
      String first = why.strip().lines().findFirst().orElse("");
      return new Status("failed" + (first.isEmpty() ? "" : ": " + first));
    }
  }

  /**
   * Writes {@code curves.png} (when there are curves to draw) and {@code report.html} into {@code
   * dir}, catching every error: a report that cannot be written is logged as a warning and the
   * run goes on.
   */
  public static void update(RunDirectory dir, Status status) {
    try {
      write(dir, status);
    } catch (RuntimeException | AWTError | LinkageError e) {
      log.warn("cannot write the run report {} in {} (the run goes on): {}", RunLayout.REPORT,
          dir.path(), e.toString(), e);
    }
  }

  /**
   * Writes {@code curves.png} (when there are curves to draw) and {@code report.html} into {@code
   * dir}, each atomically.
   *
   * @throws java.io.UncheckedIOException when a file cannot be written
   */
  public static void write(RunDirectory dir, Status status) {
    ReportInputs in = new ReportInputs(dir);
    List<JFreeChart> curves =
        RunCurves.curves(in.table(RunLayout.ROUNDS), in.table(RunLayout.METRICS));
    byte[] curvesPng = curves.isEmpty() ? null : Charts.grid(curves, CURVE_COLUMNS);
    if (curvesPng != null) {
      dir.write(RunLayout.CURVES, out -> out.write(curvesPng));
    }
    dir.write(RunLayout.REPORT, html(in, status, curvesPng));
  }

  /**
   * Writes {@code report.html} of a prediction run into {@code dir}: status, the predictions'
   * files, and when the images had labels the accuracy, per-class table and confusion matrix;
   * skipped images and the configuration. Catches every error, as {@link #update}.
   */
  public static void updatePrediction(RunDirectory dir, Status status) {
    try {
      dir.write(RunLayout.REPORT, predictionHtml(new ReportInputs(dir), status));
    } catch (RuntimeException | AWTError | LinkageError e) {
      log.warn("cannot write the run report {} in {} (the run goes on): {}", RunLayout.REPORT,
          dir.path(), e.toString(), e);
    }
  }

  /** The page of the prediction run whose files {@code in} reads. */
  static String predictionHtml(ReportInputs in, Status status) {
    HtmlPage page = new HtmlPage("Prediction " + in.name());
    page.heading(1, "Prediction " + in.name());
    page.paragraph("Status: " + status.text() + ".", "status");
    if (in.exists(RunLayout.PREDICTIONS_CSV)) {
      page.paragraph("Predictions of every image: " + RunLayout.PREDICTIONS_CSV + " and "
          + RunLayout.PREDICTIONS_PARQUET + " in this directory.", null);
    }
    if (in.table(RunLayout.ACCURACY).isPresent()) {
      page.heading(2, "Accuracy");
      in.table(RunLayout.ACCURACY).ifPresent(t -> page.table(t, nonEmpty(t, t.columns().stream()
          .filter(c -> !c.startsWith(CLASS_COLUMNS)).toList())));
      tableSection(page, in, "Per class", RunLayout.PER_CLASS);
      confusion(page, in);
    } else if (in.exists(RunLayout.PREDICTIONS_CSV)) {
      page.paragraph("The images had no labels: no accuracy.", "missing");
    }
    if (in.table(RunLayout.SKIPPED).isPresent()) {
      tableSection(page, in, "Skipped images", RunLayout.SKIPPED);
    }
    textSection(page, in, "Configuration", RunLayout.CONFIG, page::preformatted);
    return page.render();
  }

  /** The page of the run whose files {@code in} reads; {@code curvesPng} may be null. */
  static String html(ReportInputs in, Status status, byte[] curvesPng) {
    HtmlPage page = new HtmlPage("Run " + in.name());
    page.heading(1, "Run " + in.name());
    page.paragraph("Status: " + status.text() + ".", "status");
    page.paragraph("Page written " + ZonedDateTime.now(ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)), null);
    List<String> repeats = in.repeats();
    if (!repeats.isEmpty() && in.text(RunLayout.METRICS).isEmpty()) {
      repeatsSummary(page, in, repeats);
      return page.render();
    }
    accuracy(page, in);
    page.heading(2, "Curves");
    if (curvesPng == null) {
      page.paragraph("No curves yet: " + in.whyMissing(RunLayout.ROUNDS) + "; "
          + in.whyMissing(RunLayout.METRICS) + ".", "missing");
    } else {
      page.image(curvesPng, "training loss, test accuracy, learning rate and examples per"
          + " second of the run");
    }
    tableSection(page, in, "Per class", RunLayout.PER_CLASS);
    confusion(page, in);
    timing(page, in);
    textSection(page, in, "Model", RunLayout.MODEL_SUMMARY, page::markdown);
    textSection(page, in, "Configuration", RunLayout.CONFIG, page::preformatted);
    textSection(page, in, "Environment", RunLayout.ENVIRONMENT_JSON, page::preformatted);
    return page.render();
  }

  /**
   * The page of a run with repeats: the accuracy of each repeat with mean and std, links to the
   * repeats' own reports, configuration and environment.
   */
  private static void repeatsSummary(HtmlPage page, ReportInputs in, List<String> repeats) {
    page.heading(2, "Test accuracy over " + repeats.size() + " repeats");
    in.table(RunLayout.ACCURACY).ifPresentOrElse(t -> page.table(t, nonEmpty(t, t.columns())),
        () -> page.paragraph("No summary yet (it is written when every repeat is trained): "
            + in.whyMissing(RunLayout.ACCURACY) + ".", "missing"));
    page.paragraph("std: sample standard deviation (n - 1).", null);
    page.heading(2, "Repeats");
    List<Map.Entry<String, String>> links = new ArrayList<>();
    for (String repeat : repeats) {
      boolean written = in.exists(repeat, RunLayout.REPORT);
      links.add(new AbstractMap.SimpleEntry<>(written ? repeat : repeat + " (no report yet)",
          written ? repeat + "/" + RunLayout.REPORT : null));
    }
    page.links(links);
    textSection(page, in, "Configuration", RunLayout.CONFIG, page::preformatted);
    textSection(page, in, "Environment", RunLayout.ENVIRONMENT_JSON, page::preformatted);
  }

  /** The final accuracy ({@code accuracy.csv}) and the accuracy per epoch ({@code metrics.csv}). */
  private static void accuracy(HtmlPage page, ReportInputs in) {
    page.heading(2, "Test accuracy");
    Optional<Table> accuracy = in.table(RunLayout.ACCURACY);
    if (accuracy.isPresent()) {
      Table t = accuracy.get();
      page.table(t, nonEmpty(t, t.columns().stream()
          .filter(c -> !c.startsWith(CLASS_COLUMNS)).toList()));
    } else {
      page.paragraph("No final accuracy yet (it is written when training ends): "
          + in.whyMissing(RunLayout.ACCURACY) + ".", "missing");
    }
    page.heading(3, "Per epoch");
    Optional<Table> metrics = in.table(RunLayout.METRICS);
    if (metrics.isEmpty()) {
      page.paragraph("No epoch finished yet: " + in.whyMissing(RunLayout.METRICS) + ".",
          "missing");
      return;
    }
    Table t = metrics.get();
    List<String> shown = nonEmpty(t, t.columns());
    page.table(t, shown);
    if (!shown.contains("test_accuracy_ema")) {
      page.paragraph("No moving average of the parameters was kept (train.ema-decay = 0).",
          "missing");
    }
  }

  /** The confusion matrix as a table shaded by each cell's share of its actual class. */
  private static void confusion(HtmlPage page, ReportInputs in) {
    page.heading(2, "Confusion matrix");
    Optional<Table> confusion = in.table(RunLayout.CONFUSION);
    if (confusion.isEmpty()) {
      page.paragraph("No confusion matrix yet: " + in.whyMissing(RunLayout.CONFUSION) + ".",
          "missing");
      return;
    }
    Table t = confusion.get();
    List<String> names = classNames(in, t.rows().size());
    long[][] counts = new long[t.rows().size()][];
    for (int r = 0; r < counts.length; r++) {
      counts[r] = t.rows().get(r).subList(1, t.columns().size()).stream()
          .mapToDouble(ReportInputs::number).mapToLong(Math::round).toArray();
    }
    List<String> predicted = new ArrayList<>();
    for (int p = 1; p < t.columns().size(); p++) {
      predicted.add(t.columns().get(p).replace(RunLayout.CONFUSION_PREDICTED_PREFIX, ""));
    }
    page.paragraph("Test examples of each actual class (row) by predicted class (column),"
        + " shaded by their share of the row.", null);
    page.heatMap("actual \\ predicted", names, predicted, counts);
  }

  /** {@code timing.csv} as one row per column, and the bar chart of where the time went. */
  private static void timing(HtmlPage page, ReportInputs in) {
    page.heading(2, "Timing");
    Optional<Table> timing = in.table(RunLayout.TIMING);
    if (timing.isEmpty()) {
      page.paragraph("No timing yet (it is written when training ends): "
          + in.whyMissing(RunLayout.TIMING) + ".", "missing");
      return;
    }
    Table t = timing.get();
    RunCurves.timeSplit(t).ifPresent(
        chart -> page.image(Charts.png(chart, Charts.WIDTH, Charts.HEIGHT),
            "where the training time went"));
    Table transposed = new Table("column", "value");
    for (int c = 0; c < t.columns().size(); c++) {
      transposed.add(t.columns().get(c), t.rows().get(0).get(c));
    }
    page.table(transposed, null);
  }

  private static void tableSection(HtmlPage page, ReportInputs in, String title, String file) {
    page.heading(2, title);
    in.table(file).ifPresentOrElse(t -> page.table(t, null),
        () -> page.paragraph("Not written yet: " + in.whyMissing(file) + ".", "missing"));
  }

  private static void textSection(HtmlPage page, ReportInputs in, String title, String file,
      Consumer<String> show) {
    page.heading(2, title);
    in.text(file).ifPresentOrElse(show,
        () -> page.paragraph("Not written yet: " + in.whyMissing(file) + ".", "missing"));
  }

  /** Each class's label, {@code <index> <name>}, from the per-class table or classes.csv. */
  private static List<String> classNames(ReportInputs in, int classes) {
    Optional<Table> named = in.table(RunLayout.PER_CLASS).or(() -> in.table(RunLayout.CLASSES));
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      labels.add(named.isPresent() && c < named.get().rows().size()
          ? c + " " + named.get().rows().get(c).get(1) : String.valueOf(c));
    }
    return labels;
  }

  /** Those of {@code columns} that hold a value in some row. */
  private static List<String> nonEmpty(Table table, List<String> columns) {
    return columns.stream().filter(c -> table.rows().stream()
        .anyMatch(row -> !row.get(table.columns().indexOf(c)).isEmpty())).toList();
  }
}
