package org.sparkcnn.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.EpochListener;
import org.sparkcnn.train.ExitCode;

/**
 * The experiment job in Spark local[2] on the Fashion-MNIST subset of the test resources: LeNet-5,
 * one epoch on 256 images per run.
 */
class ExperimentJobTest {
  static final Path SUBSET = resource("../train/fashion-mnist-subset");
  static final Pattern IMG = Pattern.compile("<img [^>]*src=\"data:image/png;base64,([^\"]+)\"");
  @TempDir Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(ExperimentJobTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** An experiment file varying {@code vary} over LeNet-5 on the subset, 2 repeats. */
  Path experiment(String name, String vary, String more) throws Exception {
    Path file = tmp.resolve(name + ".conf");
    Files.writeString(file, String.join("\n",
        "name = " + name,
        "description = \"a test of the experiment job\"",
        "base = [{",
        "  data.train-images = \"" + SUBSET.resolve("train-images-idx3-ubyte.gz") + "\"",
        "  data.train-labels = \"" + SUBSET.resolve("train-labels-idx1-ubyte.gz") + "\"",
        "  data.test-images = \"" + SUBSET.resolve("t10k-images-idx3-ubyte.gz") + "\"",
        "  data.test-labels = \"" + SUBSET.resolve("t10k-labels-idx1-ubyte.gz") + "\"",
        "  data.train-limit = 256",
        "  data.test-limit = 128",
        "  model.name = lenet5",
        "  train.epochs = 1",
        "  train.batch-size-per-worker = 32",
        "}]",
        "vary { " + vary + " }",
        "repeats = 2",
        more, ""));
    return file;
  }

  record Outcome(ExitCode code, String err) {}

  Outcome execute(EpochListener listener, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--resume")) {
      all.addAll(List.of("--set", "run.output-root=" + tmp.resolve("runs")));
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = ExperimentJob.execute(all.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8), listener);
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  static final String ACTIVATIONS = "\"model.activation\" = [relu, tanh]";
  static final String REFERENCE = "reference = [{variant = relu, metric = top1, value = 0.9,"
      + " source = \"a paper, table 1\"}]";

  @Test
  void theTableHoldsTheChildRunsFiguresAndAKilledExperimentResumesToTheSameTable()
      throws Exception {
    Path file = experiment("acts", ACTIVATIONS, REFERENCE);
    Outcome whole = execute(EpochListener.NONE, file.toString(), "--set", "run.id=whole");
    assertEquals(ExitCode.OK, whole.code(), whole.err());
    Path dir = tmp.resolve("runs/whole");
    assertTrue(Files.exists(dir.resolve(RunLayout.SUCCESS)));
    Table table = Table.read(dir.resolve(RunLayout.EXPERIMENT));
    System.out.println(Files.readString(dir.resolve(RunLayout.EXPERIMENT_MD)));
    assertEquals(List.of("relu", "tanh"), table.rows().stream().map(r -> r.get(0)).toList());
    for (int row = 0; row < 2; row++) {
      String variant = table.cell(row, "variant");
      double[] top1 = new double[2];
      double[] top5 = new double[2];
      for (int r = 0; r < 2; r++) {
        Path child = dir.resolve(variant + "/repeat-" + (r + 1));
        assertTrue(Files.exists(child.resolve(RunLayout.SUCCESS)), child.toString());
        assertTrue(Files.exists(child.resolve(RunLayout.REPORT)), child.toString());
        assertTrue(Files.readString(child.resolve(RunLayout.CONFIG))
            .contains("seed=" + (42 + r)), "repeat " + (r + 1) + " has its own seed");
        Table accuracy = Table.read(child.resolve(RunLayout.ACCURACY));
        top1[r] = Double.parseDouble(accuracy.cell(0, RunLayout.TOP1_ACCURACY));
        top5[r] = Double.parseDouble(accuracy.cell(0, "top5_accuracy"));
      }
      double mean = (top1[0] + top1[1]) / 2;
      // sample standard deviation of two values: |a - b| / sqrt(2)
      double std = Math.abs(top1[0] - top1[1]) / Math.sqrt(2);
      assertEquals("2", table.cell(row, "runs"));
      assertEquals("ok", table.cell(row, "status"));
      assertEquals(String.format(Locale.ROOT, "%.4f", mean), table.cell(row, "top1_mean"));
      assertEquals(String.format(Locale.ROOT, "%.4f", std), table.cell(row, "top1_std"));
      assertEquals(String.format(Locale.ROOT, "%.4f", (top5[0] + top5[1]) / 2),
          table.cell(row, "top5_mean"));
      assertFalse(table.cell(row, "seconds_mean").isEmpty());
      if (variant.equals("relu")) {
        assertEquals("a paper, table 1", table.cell(row, "reference_source"));
        assertEquals("0.9", table.cell(row, "reference_value"));
        assertEquals(String.format(Locale.ROOT, "%+.4f", mean - 0.9),
            table.cell(row, "difference"));
      } else {
        assertEquals("", table.cell(row, "reference_source"));
      }
    }
    assertImagesDecode(dir.resolve(RunLayout.EXPERIMENT_HTML), 1);
    assertTrue(Files.exists(dir.resolve("relu/repeat-1/" + RunLayout.CLASSES)));
    // Another experiment file may not take over this directory, even complete.
    Outcome other = execute(EpochListener.NONE, experiment("other", ACTIVATIONS, "").toString(),
        "--set", "run.id=whole");
    assertEquals(ExitCode.RUN_EXISTS, other.code(), other.err());
    assertTrue(other.err().contains("holds another experiment file"), other.err());

    // Killed after the third run's epoch (its checkpoint written), then run again.
    int[] epochs = {0};
    Outcome killed = execute(m -> {
      if (++epochs[0] == 3) {
        throw new IllegalStateException("killed");
      }
    }, file.toString(), "--set", "run.id=killed");
    assertEquals(ExitCode.FAILURE, killed.code(), killed.err());
    Path run = tmp.resolve("runs/killed");
    assertTrue(Files.exists(run.resolve(RunLayout.FAILED)));
    assertFalse(Files.exists(run.resolve("tanh/repeat-1/" + RunLayout.SUCCESS)));
    assertTrue(Files.isDirectory(run.resolve("tanh/repeat-1/checkpoints/epoch-0001")));
    assertFalse(Files.exists(run.resolve("tanh/repeat-2")));
    long doneBefore = Files.getLastModifiedTime(
        run.resolve("relu/repeat-1/" + RunLayout.ACCURACY)).toMillis();
    int[] trained = {0};
    Outcome again = execute(m -> trained[0]++, "--resume", run.toString(),
        "--set", "cluster.placement=cpu");
    assertEquals(ExitCode.OK, again.code(), again.err());
    assertEquals(1, trained[0], "only the missing run trains; the killed one resumes at its end");
    assertEquals(doneBefore, Files.getLastModifiedTime(
        run.resolve("relu/repeat-1/" + RunLayout.ACCURACY)).toMillis());
    assertTrue(Files.exists(run.resolve(RunLayout.SUCCESS)));
    assertFalse(Files.exists(run.resolve(RunLayout.FAILED)));
    assertEquals(timingsAside(table), timingsAside(Table.read(run.resolve(RunLayout.EXPERIMENT))));
    // Complete: the same command again has nothing to do; --resume refuses, as for a run.
    int[] none = {0};
    assertEquals(ExitCode.OK, execute(m -> none[0]++, file.toString(), "--set", "run.id=killed")
        .code());
    assertEquals(0, none[0]);
    Outcome resumeComplete = execute(EpochListener.NONE, "--resume", run.toString());
    assertEquals(ExitCode.USAGE, resumeComplete.code(), resumeComplete.err());
    assertTrue(resumeComplete.err().contains("is complete"), resumeComplete.err());
  }

  @Test
  void variantsThatCannotRunAreRowsSayingWhyAndTheOthersRun() throws Exception {
    Path file = experiment("placement", "\"cluster.placement\" = [cpu, gpu, cpu]\n"
        + "\"train.learning-rate\" = [0.01, 0.01, 1e6]", "repeats = 1\nmode = zip\n"
        + "names = [cpu, gpu, diverging]");
    Outcome out = execute(EpochListener.NONE, file.toString(), "--set", "run.id=p");
    // The cpu variant runs; the experiment ends incomplete, with the gpu variant's exit code.
    assertEquals(ExitCode.BACKEND, out.code(), out.err());
    assertTrue(out.err().contains("2 of 3 variants could not run (gpu, diverging)"), out.err());
    Path dir = tmp.resolve("runs/p");
    Table table = Table.read(dir.resolve(RunLayout.EXPERIMENT));
    System.out.println(table.toMarkdown());
    assertEquals("ok", table.cell(0, "status"));
    assertEquals("1", table.cell(0, "runs"));
    assertEquals("gpu", table.cell(1, "variant"));
    assertEquals("0", table.cell(1, "runs"));
    assertTrue(table.cell(1, "status").startsWith("failed: backend unavailable"),
        table.cell(1, "status"));
    assertEquals("", table.cell(1, "top1_mean"), "never an estimate");
    assertEquals("diverging", table.cell(2, "variant"));
    assertTrue(table.cell(2, "status").startsWith("failed: diverged: training diverged in epoch"
        + " 1"), table.cell(2, "status"));
    assertTrue(Files.exists(dir.resolve("gpu/repeat-1/" + RunLayout.FAILED)));
    assertTrue(Files.exists(dir.resolve("cpu/repeat-1/" + RunLayout.SUCCESS)));
    assertFalse(Files.exists(dir.resolve(RunLayout.SUCCESS)));
    assertTrue(Files.exists(dir.resolve(RunLayout.FAILED)));
    assertTrue(Files.readString(dir.resolve(RunLayout.EXPERIMENT_HTML)).contains("incomplete"));
    // Again: only the failed variants are tried, and they fail the same way.
    int[] trained = {0};
    Outcome again = execute(m -> trained[0]++, file.toString(), "--set", "run.id=p");
    assertEquals(ExitCode.BACKEND, again.code(), again.err());
    assertEquals(0, trained[0]);
    assertTrue(Files.exists(dir.resolve("cpu/repeat-1/" + RunLayout.SUCCESS)));
    assertEquals(table.rows(), Table.read(dir.resolve(RunLayout.EXPERIMENT)).rows());
  }

  @Test
  void aVariantOfOtherDataLoadsItsOwnAndTheOthersShareTheExperiments() throws Exception {
    Path file = experiment("data", "\"data.train-limit\" = [128, 256]", "repeats = 1");
    Outcome out = execute(EpochListener.NONE, file.toString(), "--set", "run.id=d");
    assertEquals(ExitCode.OK, out.code(), out.err());
    Path dir = tmp.resolve("runs/d");
    // The base (256 images) was loaded for the experiment; 128 images are the first variant's.
    assertTrue(Files.exists(dir.resolve(RunLayout.DATASET_STATS)));
    assertTrue(Files.exists(dir.resolve("128/" + RunLayout.DATASET_STATS)));
    assertFalse(Files.exists(dir.resolve("256/" + RunLayout.DATASET_STATS)));
    assertEquals("128", Table.read(dir.resolve("128/repeat-1/" + RunLayout.METRICS))
        .cell(0, "examples"));
    assertEquals("256", Table.read(dir.resolve("256/repeat-1/" + RunLayout.METRICS))
        .cell(0, "examples"));
  }

  @Test
  void badExperimentFilesFailNamingTheKey() throws Exception {
    assertFails("unknown configuration key 'model.activaton'",
        experiment("a", "\"model.activaton\" = [relu]", ""));
    assertFails("vary.model.activation: the list of values is empty",
        experiment("b", "\"model.activation\" = []", ""));
    assertFails("reference: variant 'swish' is none of the experiment's: [relu, tanh]",
        experiment("c", ACTIVATIONS, REFERENCE.replace("relu", "swish")));
    assertFails("repeatz: unknown key", experiment("d", ACTIVATIONS, "repeatz = 3"));
    assertFails("reference[0].metric: 'top-1' is none of",
        experiment("e", ACTIVATIONS, REFERENCE.replace("top1", "top-1")));
    assertFails("mode = zip needs lists of one length", experiment("f",
        ACTIVATIONS + "\n\"train.epochs\" = [1]", "mode = zip"));
    assertFails("variant relu_one: invalid configuration", experiment("g",
        ACTIVATIONS + "\n\"train.epochs\" = [one]", ""));
    assertFalse(Files.exists(tmp.resolve("runs")), "nothing written");
  }

  @Test
  void gridAndZipMakeTheirVariants() {
    ExperimentSpec grid = ExperimentSpec.parse("name = x\nvary { \"model.activation\" = [relu,"
        + " relu-swish], train { epochs = [1, 2] } }", "x.conf");
    List<String> ids = Experiment.combinations(grid).stream().map(Variant::idOf).toList();
    assertEquals(List.of("relu_1", "relu_2", "relu-swish_1", "relu-swish_2"), ids);
    ExperimentSpec zip = ExperimentSpec.parse("name = x\nmode = zip\nvary { \"model.activation\""
        + " = [relu, relu-swish], train.epochs = [1, 2] }", "x.conf");
    assertEquals(List.of("relu_1", "relu-swish_2"),
        Experiment.combinations(zip).stream().map(Variant::idOf).toList());
  }

  private void assertFails(String message, Path file) {
    Outcome out = execute(EpochListener.NONE, file.toString());
    assertEquals(ExitCode.USAGE, out.code(), out.err());
    assertTrue(out.err().contains(message), out.err());
  }

  /** Every picture of {@code page} a PNG data URI that decodes; at least {@code min} of them. */
  static void assertImagesDecode(Path page, int min) throws Exception {
    String html = Files.readString(page);
    Matcher m = IMG.matcher(html);
    int images = 0;
    while (m.find()) {
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(
          Base64.getDecoder().decode(m.group(1))));
      assertTrue(image != null && image.getWidth() > 0, "a picture that decodes");
      images++;
    }
    assertEquals(html.split("<img ", -1).length - 1, images, "every <img> is a PNG data URI");
    assertTrue(images >= min, images + " pictures");
  }

  /** The table without its measured times, which differ between runs. */
  static List<List<String>> timingsAside(Table table) {
    List<List<String>> rows = new ArrayList<>();
    for (List<String> row : table.rows()) {
      List<String> kept = new ArrayList<>(row);
      for (String column : List.of("seconds_mean", "seconds_std", "examples_per_sec_mean")) {
        kept.set(table.columns().indexOf(column), "");
      }
      rows.add(kept);
    }
    return rows;
  }
}
