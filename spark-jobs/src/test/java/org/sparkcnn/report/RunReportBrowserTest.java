package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * The report of a finished run in a real browser: Debian's {@code chromium}, headless, opens
 * {@code report.html} from disk with no network; the page must load with no console error and no
 * exception, every picture must have loaded (natural width > 0), and the tables must hold the
 * run's numbers. A screenshot of the whole page is saved as {@code
 * target/report-browser/report.png}. An experiment's page ({@link ExperimentPage}) is checked
 * the same way ({@code experiment.png}).
 *
 * <p>Skipped with a message when no Chromium is installed ({@code $CHROMIUM}, or {@code chromium}
 * on the PATH), except under CI ({@code CI} set), where it must run: {@code .ci/run} installs it.
 */
class RunReportBrowserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What the test reads from the loaded page, through the DevTools protocol. */
  private static final String PAGE_FACTS = "JSON.stringify({"
      + "images: Array.from(document.images).map(i => ({complete: i.complete,"
      + " width: i.naturalWidth, height: i.naturalHeight})),"
      + "cells: Array.from(document.querySelectorAll('td')).map(td => td.textContent),"
      + "status: document.querySelector('p.status').textContent,"
      + "height: document.documentElement.scrollHeight})";

  @TempDir
  Path temp;

  /** Chromium's path; aborts the test when there is none, fails it under CI. */
  private static Path chromium() {
    Optional<Path> chromium = HeadlessChromium.find();
    if (chromium.isEmpty()) {
      if (System.getenv("CI") != null) {
        fail("CI is set but chromium is not installed (.ci/run installs Debian's chromium)");
      }
      Assumptions.abort("chromium is not installed (apt-get install chromium, or set"
          + " CHROMIUM to its path): the report is not checked in a browser");
    }
    return chromium.get();
  }

  @Test
  void anExperimentsPageLoadsFromDiskWithItsCurvesAndTable() throws Exception {
    Path chromium = chromium();
    double[] epochs = {1, 2, 3};
    List<Charts.Band> bands = List.of(new Charts.Band("relu", epochs,
        new double[] {0.70, 0.80, 0.85}, new double[] {0.68, 0.78, 0.84},
        new double[] {0.72, 0.82, 0.86}), new Charts.Band("swish", epochs,
        new double[] {0.72, 0.81, 0.86}, new double[] {0.71, 0.80, 0.85},
        new double[] {0.73, 0.83, 0.87}));
    byte[] curves = Charts.grid(List.of(Charts.bands("Test accuracy", "epoch", "accuracy", bands),
        Charts.bands("Training loss", "epoch", "loss", bands)), 2);
    Table table = new Table("variant", "runs", "status", "top1_mean", "reference_source")
        .add("relu", "2", "ok", "0.8512", "a paper, table 1")
        .add("gpu", "0", "failed: backend unavailable", "", "");
    Path page = temp.resolve("experiment.html");
    Files.writeString(page, ExperimentPage.render("acts", "a test", "complete: 2 of 4 runs",
        table, List.of("notes"), curves, List.of(java.util.Map.entry("relu/repeat-1",
            "relu/repeat-1/report.html"))));
    try (HeadlessChromium browser = HeadlessChromium.start(chromium, temp.resolve("b"))) {
      JsonNode facts = load(browser, page);
      screenshot(browser, facts.path("height").asInt(), "experiment.png");
      assertEquals(List.of(), errors(browser.events()), "console errors");
      assertEquals(1, facts.path("images").size(), "the curves");
      JsonNode image = facts.path("images").get(0);
      assertEquals(2 * Charts.WIDTH, image.path("width").asInt(), "two charts wide: " + image);
      assertEquals(Charts.HEIGHT, image.path("height").asInt());
      List<String> cells = new ArrayList<>();
      facts.path("cells").forEach(c -> cells.add(c.asText()));
      assertTrue(cells.containsAll(List.of("0.8512", "a paper, table 1",
          "failed: backend unavailable")), cells.toString());
      assertEquals("complete: 2 of 4 runs", facts.path("status").asText());
    }
  }

  /** Opens {@code page} from disk and returns {@link #PAGE_FACTS} once it has loaded. */
  private static JsonNode load(HeadlessChromium browser, Path page) throws Exception {
    browser.send("Page.enable", null);
    browser.send("Runtime.enable", null);
    browser.send("Log.enable", null);
    JsonNode navigated = browser.send("Page.navigate",
        HeadlessChromium.params().put("url", page.toUri().toString()));
    assertFalse(navigated.has("errorText"), "the page did not load: " + navigated);
    browser.await("Page.loadEventFired");
    JsonNode evaluated = browser.send("Runtime.evaluate", HeadlessChromium.params()
        .put("expression", PAGE_FACTS).put("returnByValue", true));
    return JSON.readTree(evaluated.path("result").path("value").asText());
  }

  @Test
  void theReportLoadsFromDiskWithEveryPictureAndTheRunsNumbers() throws Exception {
    Path chromium = chromium();
    Path dir = RunReportTest.finishedRun(temp.resolve("lenet5-run"));
    RunReport.write(RunReportTest.open(dir), RunReport.Status.finished(6));
    Path report = dir.resolve(RunLayout.REPORT);
    Path out = Files.createDirectories(Path.of("target", "report-browser"));
    Files.copy(dir.resolve(RunLayout.CURVES), out.resolve(RunLayout.CURVES),
        StandardCopyOption.REPLACE_EXISTING);

    try (HeadlessChromium browser = HeadlessChromium.start(chromium, temp.resolve("b"))) {
      JsonNode facts = load(browser, report);
      screenshot(browser, facts.path("height").asInt(), "report.png");

      assertEquals(List.of(), errors(browser.events()), "console errors");
      assertEquals(2, facts.path("images").size(), "the curves and the timing bar");
      for (JsonNode image : facts.path("images")) {
        assertTrue(image.path("complete").asBoolean() && image.path("width").asInt() > 0
            && image.path("height").asInt() > 0, "a picture did not load: " + image);
      }
      assertEquals("Status: finished, 6 epochs trained.", facts.path("status").asText());
      List<String> cells = new ArrayList<>();
      facts.path("cells").forEach(c -> cells.add(c.asText()));
      Table accuracy = Table.read(dir.resolve(RunLayout.ACCURACY));
      for (String column : RunLayout.ACCURACY_COLUMNS) {
        assertTrue(cells.contains(accuracy.cell(0, column)), column);
      }
      Table metrics = Table.read(dir.resolve(RunLayout.METRICS));
      for (int epoch = 0; epoch < metrics.rows().size(); epoch++) {
        assertTrue(cells.contains(metrics.cell(epoch, "test_accuracy_ema")), "epoch " + epoch);
      }
      assertTrue(cells.contains("Shirt") && cells.contains("0.6824"), "per-class table");
      assertTrue(cells.contains("180"), "confusion matrix");
    }
  }

  /** Console errors, uncaught exceptions and error log entries (e.g. a resource not loaded). */
  private static List<String> errors(List<JsonNode> events) {
    List<String> errors = new ArrayList<>();
    for (JsonNode event : events) {
      String method = event.path("method").asText();
      JsonNode params = event.path("params");
      if (method.equals("Runtime.exceptionThrown")
          || method.equals("Runtime.consoleAPICalled")
              && params.path("type").asText().equals("error")
          || method.equals("Log.entryAdded")
              && params.path("entry").path("level").asText().equals("error")
          || method.equals("unparsable")) {
        errors.add(event.toString());
      }
    }
    return errors;
  }

  /** The whole page as {@code target/report-browser/<name>}. */
  private static void screenshot(HeadlessChromium browser, int pageHeight, String name)
      throws Exception {
    assertTrue(pageHeight > 0);
    var params = HeadlessChromium.params().put("format", "png").put("captureBeyondViewport", true);
    params.putObject("clip").put("x", 0).put("y", 0).put("width", 1300).put("height", pageHeight)
        .put("scale", 1);
    JsonNode shot = browser.send("Page.captureScreenshot", params);
    Path out = Path.of("target", "report-browser");
    Files.createDirectories(out);
    Files.write(out.resolve(name), Base64.getDecoder().decode(shot.path("data").asText()));
  }
}
