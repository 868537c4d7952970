package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a finished run (its CSV files copied from a real 6-epoch LeNet-5 run on
 * Fashion-MNIST, rounds.csv cut to 15 rounds an epoch), of a run still training, and of one
 * before its first epoch.
 */
class RunReportTest {
  private static final Pattern IMG = Pattern.compile("<img [^>]*src=\"([^\"]*)\"");
  private static final String PNG_URI = "data:image/png;base64,";

  @TempDir
  Path temp;

  /** A copy of the finished run's files in a fresh directory; {@code left} out. */
  static Path finishedRun(Path into, String... left) throws Exception {
    Path source = Path.of(RunReportTest.class.getResource("run").toURI());
    Files.createDirectories(into);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.toList()) {
        if (!List.of(left).contains(f.getFileName().toString())) {
          Files.copy(f, into.resolve(f.getFileName()));
        }
      }
    }
    return into;
  }

  static RunDirectory open(Path dir) {
    return RunDirectory.open(dir.toString(), new Configuration());
  }

  @Test
  void finishedRunShowsEveryAccuracyAsWrittenAndEveryPictureIsAPng() throws Exception {
    Path dir = finishedRun(temp.resolve("lenet5-run"));
    RunReport.write(open(dir), RunReport.Status.finished(6));
    String html = Files.readString(dir.resolve(RunLayout.REPORT));

    assertTrue(html.contains("Status: finished, 6 epochs trained."), html);
    Table accuracy = Table.read(dir.resolve(RunLayout.ACCURACY));
    for (String column : RunLayout.ACCURACY_COLUMNS) {
      assertTrue(html.contains("<td>" + accuracy.cell(0, column) + "</td>")
          || html.contains("<td class=\"text\">" + accuracy.cell(0, column) + "</td>"), column);
    }
    for (String column : List.of("top1_accuracy", "top5_accuracy", "top1_accuracy_ema",
        "top5_accuracy_ema")) {
      assertTrue(html.contains("<th>" + column + "</th>"), column);
    }
    assertTrue(html.contains("<td>0.8871</td>") && html.contains("<td>0.8990</td>"));
    Table perClass = Table.read(dir.resolve(RunLayout.PER_CLASS));
    for (List<String> row : perClass.rows()) {
      assertTrue(html.contains("<td>" + row.get(4) + "</td>"), "recall of " + row.get(1));
    }
    // the confusion matrix: class 6 (Shirt) taken for class 0 180 times
    assertTrue(html.contains("<th class=\"text\">6 Shirt</th>"), html);
    assertTrue(html.matches("(?s).*<td style=\"background:#[0-9a-f]{6}\">180</td>.*"));
    assertTrue(html.contains("lenet5") && html.contains("placement"));
    // model.md's table as a table, its heading as a heading
    assertTrue(html.contains("<h3>Model lenet5, input [1, 28, 28]</h3>"), html);
    assertTrue(html.contains("<tr><td class=\"text\">c3</td><td class=\"text\">NativeConvolution"
        + "</td><td class=\"text\">[16, 10, 10]</td><td>2,416</td><td>2,416</td>"
        + "<td>240,000</td></tr>"), html);
    assertTrue(html.contains("<th>multiply-adds per image</th>"));
    assertFalse(html.contains("|---|"));
    assertFalse(html.contains("<script"), "the page needs no script");
    assertFalse(html.contains("class=\"missing\""), "no section is missing: " + html);

    List<BufferedImage> images = images(html);
    assertEquals(2, images.size(), "curves and the timing bar");
    for (BufferedImage image : images) {
      assertTrue(image.getWidth() > 0 && image.getHeight() > 0);
    }
    BufferedImage curves = ImageIO.read(dir.resolve(RunLayout.CURVES).toFile());
    assertEquals(2 * Charts.WIDTH, curves.getWidth());
    assertEquals(2 * Charts.HEIGHT, curves.getHeight());
    assertEquals(Charts.WIDTH, images.get(1).getWidth());
  }

  @Test
  void aRunningRunSaysWhichEpochAndLeavesOutWhatIsWrittenAtTheEnd() throws Exception {
    Path dir = finishedRun(temp.resolve("running"), RunLayout.ACCURACY, RunLayout.PER_CLASS,
        RunLayout.CONFUSION, RunLayout.TIMING);
    List<String> metrics = Files.readAllLines(dir.resolve(RunLayout.METRICS));
    Files.write(dir.resolve(RunLayout.METRICS), metrics.subList(0, 3));
    RunReport.write(open(dir), RunReport.Status.running(2, 6));
    String html = Files.readString(dir.resolve(RunLayout.REPORT));

    assertTrue(html.contains("Status: running, epoch 2 of 6."));
    assertTrue(html.contains("No final accuracy yet (it is written when training ends): "
        + "accuracy.csv is not in the run directory yet."), html);
    assertTrue(html.contains("No timing yet"));
    assertTrue(html.contains("No confusion matrix yet"));
    assertTrue(html.contains("<h2>Per class</h2>\n<p class=\"missing\">Not written yet"));
    assertTrue(html.contains("<td>0.8644</td>"), "epoch 2's accuracy");
    assertFalse(html.contains("<td>0.8723</td>"), "epoch 3's accuracy");
    assertEquals(1, images(html).size(), "the curves only");
    assertTrue(Files.exists(dir.resolve(RunLayout.CURVES)));
  }

  @Test
  void beforeTheFirstEpochThereAreNoCurvesAndNoPictures() throws Exception {
    Path dir = temp.resolve("new");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(RunLayout.CONFIG), "model { name = lenet5 }\n");
    Files.writeString(dir.resolve(RunLayout.METRICS),
        String.join(",", RunLayout.METRICS_COLUMNS) + "\n");
    RunReport.write(open(dir), RunReport.Status.running(0, 6));
    String html = Files.readString(dir.resolve(RunLayout.REPORT));

    assertTrue(html.contains("No epoch finished yet: metrics.csv has no rows yet."), html);
    assertTrue(html.contains("No curves yet: rounds.csv is not in the run directory yet"));
    assertTrue(html.contains("model { name = lenet5 }"));
    assertTrue(images(html).isEmpty());
    assertFalse(Files.exists(dir.resolve(RunLayout.CURVES)));
  }

  @Test
  void withoutAMovingAverageItsColumnsAreLeftOutAndTheReportSaysSo() throws Exception {
    Path dir = finishedRun(temp.resolve("no-ema"));
    Files.writeString(dir.resolve(RunLayout.METRICS), String.join(",",
        RunLayout.METRICS_COLUMNS) + "\n1,60000,93,0.0500000,0.702288,0.8559,55.24,1086.1,"
        + "10.96,0.9970,,\n");
    RunReport.write(open(dir), RunReport.Status.running(1, 6));
    String html = Files.readString(dir.resolve(RunLayout.REPORT));

    assertTrue(html.contains("No moving average of the parameters was kept"));
    assertFalse(html.contains("<th>test_accuracy_ema</th>"));
    assertTrue(html.contains("<th>test_top5_accuracy</th>"));
  }

  @Test
  void aRepeatShowsTheRunsConfigurationAndEnvironment() throws Exception {
    Path run = finishedRun(temp.resolve("repeats"));
    Path repeat = finishedRun(run.resolve(RunLayout.REPEAT_PREFIX + 2), RunLayout.CONFIG,
        RunLayout.ENVIRONMENT_JSON);
    Files.writeString(run.resolve(RunLayout.CONFIG), "run { repeats = 3 }\n");
    RunReport.write(open(repeat), RunReport.Status.finished(6));
    String html = Files.readString(repeat.resolve(RunLayout.REPORT));

    assertTrue(html.contains("<title>Run repeat-2</title>"));
    assertTrue(html.contains("run { repeats = 3 }"));
    assertTrue(html.contains("nd4j_build"));
  }

  @Test
  void aRunWithRepeatsSummarisesThemAndLinksTheirReports() throws Exception {
    Path run = finishedRun(temp.resolve("three"), RunLayout.METRICS, RunLayout.ROUNDS,
        RunLayout.ACCURACY, RunLayout.PER_CLASS, RunLayout.CONFUSION, RunLayout.TIMING);
    Files.writeString(run.resolve(RunLayout.ACCURACY), String.join(",",
        RunLayout.REPEATS_ACCURACY_COLUMNS) + "\n1,42,0.8871,0.9984,0.8990,0.9984\n"
        + "2,43,0.8850,0.9980,0.8975,0.9981\nmean,,0.8861,0.9982,0.8983,0.9983\n"
        + "std,,0.0015,0.0003,0.0011,0.0002\n");
    finishedRun(run.resolve("repeat-1"));
    Files.writeString(run.resolve("repeat-1").resolve(RunLayout.REPORT), "<html></html>");
    finishedRun(run.resolve("repeat-2"));
    RunReport.write(open(run), RunReport.Status.finishedRepeats(2, 6));
    String html = Files.readString(run.resolve(RunLayout.REPORT));

    assertTrue(html.contains("Status: finished, 2 repeats of 6 epochs."));
    assertTrue(html.contains(
        "<td class=\"text\">mean</td><td class=\"text\"></td><td>0.8861</td>"), html);
    assertTrue(html.contains("<td>0.0015</td>"));
    assertTrue(html.contains("<li><a href=\"repeat-1/report.html\">repeat-1</a></li>"));
    assertTrue(html.contains("<li>repeat-2 (no report yet)</li>"));
    assertFalse(html.contains("No epoch finished yet"), "no per-epoch section: " + html);
    assertFalse(Files.exists(run.resolve(RunLayout.CURVES)));
  }

  @Test
  void aReportThatCannotBeWrittenIsAWarningNotAFailure() throws Exception {
    Path dir = finishedRun(temp.resolve("blocked"));
    // a non-empty directory where report.html goes: it cannot be replaced
    Files.createDirectories(dir.resolve(RunLayout.REPORT).resolve("x"));
    assertDoesNotThrow(() -> RunReport.update(open(dir), RunReport.Status.finished(6)));
    assertTrue(Files.isDirectory(dir.resolve(RunLayout.REPORT)));
  }

  @Test
  void aFailedRunSaysWhyOnItsFirstLine() {
    assertEquals("failed: training diverged in epoch 1: loss NaN",
        RunReport.Status.failed("training diverged in epoch 1: loss NaN\n  at round 3\n").text());
    assertEquals("failed", RunReport.Status.failed("").text());
  }

  @Test
  void theColumnsTheCurvesReadAreTheRunLayoutsColumns() {
    List<String> known = new ArrayList<>(RunLayout.ROUNDS_COLUMNS);
    known.addAll(RunLayout.METRICS_COLUMNS);
    known.addAll(RunLayout.TIMING_COLUMNS);
    for (String column : List.of("epoch", "round", "loss", "learning_rate", "examples_per_sec",
        "test_accuracy", "test_accuracy_ema")) {
      assertTrue(known.contains(column), column);
    }
    assertTrue(RunLayout.TIMING_COLUMNS.containsAll(RunCurves.TIME_SPLIT.keySet()));
  }

  @Test
  void roundsArePlacedOnTheEpochAxis() {
    Table rounds = Table.parse("epoch,round\n1,1\n1,2\n1,3\n1,4\n2,1\n2,2\n");
    double[] position = RunCurves.epochPosition(rounds);
    assertEquals(List.of(0.25, 0.5, 0.75, 1.0, 1.5, 2.0),
        java.util.Arrays.stream(position).boxed().toList());
  }

  /** Every {@code <img>} of {@code html}, each a PNG data URI, decoded. */
  static List<BufferedImage> images(String html) throws IOException {
    List<BufferedImage> images = new ArrayList<>();
    Matcher m = IMG.matcher(html);
    while (m.find()) {
      assertTrue(m.group(1).startsWith(PNG_URI), "not a PNG data URI");
      byte[] png = Base64.getDecoder().decode(m.group(1).substring(PNG_URI.length()));
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      assertTrue(image != null, "not a PNG");
      images.add(image);
    }
    return images;
  }
}
