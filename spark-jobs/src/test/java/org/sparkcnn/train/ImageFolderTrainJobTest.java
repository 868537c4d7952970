package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.RunDirectory;

/**
 * The job on a folder of JPEG and PNG images (the data package's fixture: three classes, eight
 * images, one of them undecodable), converted to 28x28 grey for LeNet-5.
 */
class ImageFolderTrainJobTest {
  static final Path FOLDER = TrainJobTest.resource("/org/sparkcnn/data/folder");
  @TempDir Path runs;

  List<String> args(String runId) {
    return new ArrayList<>(List.of(
        "--set", "data.format=image-folder", "--set", "data.name=fixture",
        "--set", "data.folder.train=" + FOLDER, "--set", "data.folder.test=" + FOLDER,
        "--set", "data.folder.channels=1", "--set", "data.folder.height=28",
        "--set", "data.folder.width=28", "--set", "data.num-classes=3",
        "--set", "data.class-names=[]", "--set", "train.epochs=1",
        "--set", "train.batch-size-per-worker=2", "--set", "train.averaging-frequency=1",
        "--set", "run.output-root=" + runs, "--set", "run.id=" + runId));
  }

  static TrainJobTest.Outcome execute(List<String> args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(args.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new TrainJobTest.Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void tooManyUndecodableImagesFailTheRunListingThem() throws Exception {
    TrainJobTest.Outcome outcome = execute(args("strict"));
    assertEquals(ExitCode.BAD_INPUT, outcome.code(), outcome.err());
    Path dir = runs.resolve("strict");
    String skipped = Files.readString(dir.resolve(TrainJob.SKIPPED));
    assertTrue(outcome.err().startsWith("error: 1 of the 8 images in " + FOLDER
        + " (12.50%) could not be used, more than data.max-skipped-fraction = 0.01; all are"
        + " listed in file:" + dir.resolve(TrainJob.SKIPPED) + "; the first: "), outcome.err());
    assertTrue(outcome.err().contains("b-broken.jpg: cannot decode"), outcome.err());
    assertEquals(3, skipped.lines().count(), skipped); // header, train, test
    assertTrue(skipped.lines().skip(1).allMatch(l -> l.contains("bee/b-broken.jpg,cannot decode")),
        skipped);
    assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.exists(dir.resolve(TrainJob.FAILED)));
  }

  @Test
  void withinTheSkipLimitItTrainsAndSavesTheClassMapping() throws Exception {
    List<String> args = args("lenient");
    args.addAll(List.of("--set", "data.max-skipped-fraction=0.2"));
    TrainJobTest.Outcome outcome = execute(args);
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("lenient");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertEquals(List.of("index,name", "0,ant", "1,bee", "2,cat"),
        Files.readAllLines(dir.resolve("classes.csv")));
    assertEquals("7", TrainJobTest.csv(dir.resolve("metrics.csv")).get(1).get(1));
    assertTrue(Files.readString(dir.resolve("accuracy.md")).contains("| 1 | bee | 2 | "));
    assertTrue(Files.readString(dir.resolve(TrainJob.SKIPPED)).contains("b-broken.jpg"));
  }

  @Test
  void testFoldersMustHoldTheTrainingClasses() throws Exception {
    Path test = runs.resolve("test-images");
    Files.createDirectories(test.resolve("ant"));
    Files.copy(FOLDER.resolve("ant/a-rgb.png"), test.resolve("ant/a-rgb.png"));
    List<String> args = args("mismatch");
    args.addAll(List.of("--set", "data.folder.test=" + test));
    TrainJobTest.Outcome outcome = execute(args);
    assertEquals(ExitCode.BAD_INPUT, outcome.code(), outcome.err());
    assertEquals("error: " + test + " must have the same class folders as " + FOLDER
        + ", but it lacks [bee, cat]\n", outcome.err());
    assertFalse(Files.exists(runs.resolve("mismatch")));
  }

  @Test
  void classCountMustMatchTheFolders() {
    List<String> args = args("classes");
    args.addAll(List.of("--set", "data.num-classes=4"));
    TrainJobTest.Outcome outcome = execute(args);
    assertEquals(ExitCode.USAGE, outcome.code(), outcome.err());
    assertEquals("error: data.num-classes is 4 but " + FOLDER + " holds 3 class folders [ant, bee,"
        + " cat]; set data.num-classes = 3\n", outcome.err());
    assertFalse(Files.exists(runs.resolve("classes")));
  }
}
