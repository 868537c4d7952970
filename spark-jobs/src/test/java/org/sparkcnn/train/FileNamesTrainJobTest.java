package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The whole job with names that once failed it: an output root with a space, '#' and '[ ]', a
 * default run id built from a model name with a space and parentheses, class folders and image
 * files named with ':' as screenshot tools name them, and a given run id of such characters.
 */
class FileNamesTrainJobTest {
  @TempDir Path tmp;

  /**
   * Two classes of six 32x32 RGB PNGs each (one colour per class plus noise): class "a" named
   * {@code shot 2024-05-01 12:30:0N.png}, class "b 12:30" named {@code x:N.png}.
   */
  static Path images(Path root) throws IOException {
    for (int i = 0; i < 6; i++) {
      write(root.resolve("a/shot 2024-05-01 12:30:0" + i + ".png"), 0xC83232, i);
      write(root.resolve("b 12:30/x:" + i + ".png"), 0x32C832, i);
    }
    return root;
  }

  private static void write(Path file, int rgb, int seed) throws IOException {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(seed);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        image.setRGB(x, y, rgb ^ random.nextInt(0x10) * 0x010101);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  static List<String> args(Path images, Path outputRoot, String... sets) {
    List<String> args = new ArrayList<>(List.of(
        "--set", "data.format=image-folder", "--set", "data.name=shots",
        "--set", "data.folder.train=" + images, "--set", "data.folder.test=" + images,
        "--set", "data.num-classes=2", "--set", "data.class-names=[]",
        "--set", "train.epochs=1", "--set", "train.batch-size-per-worker=2",
        "--set", "train.averaging-frequency=1", "--set", "run.output-root=" + outputRoot));
    for (String set : sets) {
      args.addAll(List.of("--set", set));
    }
    return args;
  }

  /** What the run left under {@code root}: no export directory anywhere, nothing temporary. */
  static void assertNoExportLeft(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      List<String> left = all.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith(ExportDirectory.BESIDE_PREFIX)
              || n.equals(ExportDirectory.INSIDE) || n.endsWith(".tmp"))
          .toList();
      assertEquals(List.of(), left);
    }
  }

  @Test
  void outputRootWithASpaceDefaultIdFromAModelNameAndColonsInInputNames() throws Exception {
    Path images = images(tmp.resolve("in"));
    Path outputRoot = tmp.resolve("runs/out dir #1 [x]");
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(args(images, outputRoot,
        "data.folder.channels=3", "data.folder.height=32", "data.folder.width=32",
        "model.name=mobilenet-v1-cifar(alpha=0.25, unit=rhs)"));

    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    List<Path> runs;
    try (Stream<Path> entries = Files.list(outputRoot)) {
      runs = entries.toList();
    }
    assertEquals(1, runs.size(), runs.toString());
    Path run = runs.get(0);
    assertTrue(run.getFileName().toString()
            .matches("mobilenet-v1-cifar-alpha-0\\.25-unit-rhs-shots-\\d{8}-\\d{6}"),
        run.getFileName().toString());
    assertTrue(Files.exists(run.resolve(RunDirectory.SUCCESS)));
    assertEquals(List.of("index,name", "0,a", "1,b 12:30"),
        Files.readAllLines(run.resolve("classes.csv")));
    assertEquals("12", TrainJobTest.csv(run.resolve("metrics.csv")).get(1).get(1));
    assertFalse(Files.exists(run.resolve(RunLayout.FAILED)));
    assertNoExportLeft(tmp);
  }

  @Test
  void givenRunIdOfSpacesCommasAndNonAsciiLetters() throws Exception {
    Path images = images(tmp.resolve("in (2) 日本"));
    Path outputRoot = tmp.resolve("runs [é] 50%");
    String runId = "run é,日本 (2) #1 50%";
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(args(images, outputRoot,
        "data.folder.channels=1", "data.folder.height=28", "data.folder.width=28",
        "run.id=" + runId, "run.latest-pointer=latest"));

    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path run = outputRoot.resolve(runId);
    assertTrue(Files.exists(run.resolve(RunDirectory.SUCCESS)));
    assertEquals(runId, Files.readString(outputRoot.resolve("latest")).strip());
    assertNoExportLeft(tmp);
  }

  @Test
  void runIdWithAColonIsRefusedBeforeAnyWork() {
    Path outputRoot = tmp.resolve("runs");
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(
        args(tmp.resolve("in"), outputRoot, "run.id=nightly 12:30"));
    assertEquals(ExitCode.USAGE, outcome.code(), outcome.err());
    assertEquals("error: run.id must not hold ':' (position 11): it cannot be part of a directory"
        + " name on every Hadoop filesystem, got 'nightly 12:30'\n", outcome.err());
    assertFalse(Files.exists(outputRoot));
  }

  @Test
  void outputRootReadAsAUriSchemeIsRefusedBeforeAnyWork() {
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(
        args(tmp.resolve("in"), Path.of("out:dir")));
    assertEquals(ExitCode.USAGE, outcome.code(), outcome.err());
    assertTrue(outcome.err().startsWith("error: run.output-root 'out:dir' names no filesystem"
        + " (Hadoop reads 'out:' as a URI scheme; a local folder whose name holds ':' is written"
        + " ./out:dir): "), outcome.err());
  }
}
