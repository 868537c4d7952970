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
 * target/report-browser/report.png}.
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

  @Test
  void theReportLoadsFromDiskWithEveryPictureAndTheRunsNumbers() throws Exception {
    Optional<Path> chromium = HeadlessChromium.find();
    if (chromium.isEmpty()) {
      if (System.getenv("CI") != null) {
        fail("CI is set but chromium is not installed (.ci/run installs Debian's chromium)");
      }
      Assumptions.abort("chromium is not installed (apt-get install chromium, or set"
          + " CHROMIUM to its path): the report is not checked in a browser");
    }
    Path dir = RunReportTest.finishedRun(temp.resolve("lenet5-run"));
    RunReport.write(RunReportTest.open(dir), RunReport.Status.finished(6));
    Path report = dir.resolve(RunLayout.REPORT);
    Path out = Files.createDirectories(Path.of("target", "report-browser"));
    Files.copy(dir.resolve(RunLayout.CURVES), out.resolve(RunLayout.CURVES),
        StandardCopyOption.REPLACE_EXISTING);

    try (HeadlessChromium browser = HeadlessChromium.start(chromium.get(), temp.resolve("b"))) {
      browser.send("Page.enable", null);
      browser.send("Runtime.enable", null);
      browser.send("Log.enable", null);
      JsonNode navigated = browser.send("Page.navigate",
          HeadlessChromium.params().put("url", report.toUri().toString()));
      assertFalse(navigated.has("errorText"), "the page did not load: " + navigated);
      browser.await("Page.loadEventFired");
      JsonNode evaluated = browser.send("Runtime.evaluate", HeadlessChromium.params()
          .put("expression", PAGE_FACTS).put("returnByValue", true));
      JsonNode facts = JSON.readTree(evaluated.path("result").path("value").asText());
      screenshot(browser, facts.path("height").asInt());

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

  /** The whole page as {@code target/report-browser/report.png}. */
  private static void screenshot(HeadlessChromium browser, int pageHeight) throws Exception {
    assertTrue(pageHeight > 0);
    var params = HeadlessChromium.params().put("format", "png").put("captureBeyondViewport", true);
    params.putObject("clip").put("x", 0).put("y", 0).put("width", 1300).put("height", pageHeight)
        .put("scale", 1);
    JsonNode shot = browser.send("Page.captureScreenshot", params);
    Path out = Path.of("target", "report-browser");
    Files.write(out.resolve("report.png"), Base64.getDecoder().decode(shot.path("data").asText()));
  }
}
