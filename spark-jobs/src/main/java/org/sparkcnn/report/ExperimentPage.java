package org.sparkcnn.report;

import java.util.List;
import java.util.Map;

/**
 * An experiment's report ({@link RunLayout#EXPERIMENT_HTML}): one self-contained HTML page (the
 * picture inline, no script) with the experiment's description, its table and the variants'
 * curves overlaid, and links to every child run's {@link RunLayout#REPORT}.
 *
 * <p>Usage: {@code dir.write(RunLayout.EXPERIMENT_HTML, ExperimentPage.render(...))}.
 */
public final class ExperimentPage {
  private ExperimentPage() {}

  /**
   * The page.
   *
   * @param title the experiment's name
   * @param description what it reproduces (may be empty)
   * @param status one line: complete, running, or failed and why
   * @param table the experiment's table, as {@link RunLayout#EXPERIMENT} holds it
   * @param notes lines under the table (what the columns mean)
   * @param curves the curves picture (PNG), or null when no run has finished
   * @param runs pairs of text and relative address of each child run's report
   */
  public static String render(String title, String description, String status, Table table,
      List<String> notes, byte[] curves, List<Map.Entry<String, String>> runs) {
    HtmlPage page = new HtmlPage("experiment " + title).heading(1, "Experiment " + title);
    if (!description.isBlank()) {
      page.paragraph(description, null);
    }
    page.paragraph(status, "status").heading(2, "Results").table(table, null);
    notes.forEach(line -> page.paragraph(line, null));
    page.heading(2, "Curves");
    if (curves == null) {
      page.paragraph("no run has finished yet", "missing");
    } else {
      page.image(curves, "test accuracy and training loss per epoch of every variant");
    }
    return page.heading(2, "Runs").links(runs).render();
  }
}
