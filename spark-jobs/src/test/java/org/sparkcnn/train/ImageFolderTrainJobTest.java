package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.data.PngBomb;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

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
    String skipped = Files.readString(dir.resolve(RunLayout.SKIPPED));
    assertTrue(outcome.err().startsWith("error: 1 of the 8 images in " + FOLDER
        + " (12.50%) could not be used, more than data.max-skipped-fraction = 0.01; all are"
        + " listed in file:" + dir.resolve(RunLayout.SKIPPED) + "; the first: "), outcome.err());
    assertTrue(outcome.err().contains("b-broken.jpg: cannot decode"), outcome.err());
    assertEquals(3, skipped.lines().count(), skipped); // header, train, test
    assertTrue(skipped.lines().skip(1).allMatch(l -> l.contains("bee/b-broken.jpg,cannot decode")),
        skipped);
    assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.exists(dir.resolve(RunLayout.FAILED)));
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
    assertTrue(Files.readString(dir.resolve(RunLayout.SKIPPED)).contains("b-broken.jpg"));
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

  /**
   * The png-bomb case (shared/cases/png-bomb): classes a and b of 20 training and 10 test 32x32
   * PNGs, one colour each plus noise, and in a/ a valid 1-bit PNG of 40000 x 40000 pixels in
   * 194,504 bytes. Before: OutOfMemoryError after 20 s, exit 52, the file named nowhere.
   */
  @Test
  void aPngBombIsSkippedAndListedAndTheRunCompletes() throws Exception {
    Path data = runs.resolve("png-bomb");
    Random random = new Random(20261130);
    int[][] colours = {{200, 40, 40}, {40, 200, 40}};
    for (String split : List.of("train", "test")) {
      for (int c = 0; c < 2; c++) {
        for (int i = 0; i < (split.equals("train") ? 20 : 10); i++) {
          writeNoisy(data.resolve(split + "/" + (char) ('a' + c) + "/img_" + i + ".png"),
              colours[c], random);
        }
      }
    }
    Path bomb = data.resolve("train/a/huge.png");
    Files.write(bomb, PngBomb.png(PngBomb.SIDE, PngBomb.SIDE));
    List<String> args = args("bomb");
    args.addAll(List.of("--set", "data.folder.train=" + data.resolve("train"),
        "--set", "data.folder.test=" + data.resolve("test"), "--set", "data.num-classes=2",
        // 1 of the 41 training images is skipped: 2.4%, more than the default 1%
        "--set", "data.max-skipped-fraction=0.05"));
    TrainJobTest.Outcome outcome = execute(args);
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("bomb");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertEquals(List.of("split,path,reason", "train," + bomb.toUri().toString().replace(
        "file:///", "file:/") + ",\"40000 x 40000 = 1,600,000,000 pixels, more than"
        + " data.max-image-pixels = 89,478,485\""),
        Files.readAllLines(dir.resolve(RunLayout.SKIPPED)));
    assertEquals("40", TrainJobTest.csv(dir.resolve("metrics.csv")).get(1).get(1));
  }

  /** A 32x32 RGB PNG of {@code rgb} plus noise in -12..12, as the case generators make them. */
  static void writeNoisy(Path file, int[] rgb, Random random) throws IOException {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int pixel = 0;
        for (int c = 0; c < 3; c++) {
          pixel = pixel << 8 | Math.max(0, Math.min(255, rgb[c] + random.nextInt(25) - 12));
        }
        image.setRGB(x, y, pixel);
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  /**
   * An image under data.max-image-pixels that the heap cannot hold: in local mode the driver runs
   * the task, and Spark ends its JVM with exit code 52 (SparkExitCode.OOM), the job's documented
   * out-of-memory code; the error names the file and says what to change. A driver JVM of its
   * own with a 700 MB heap, and a PNG whose header says 16000 x 16000 RGB (768 MB decoded).
   */
  @Test
  void runningOutOfMemoryWhileDecodingExits52NamingTheFile() throws Exception {
    Path data = runs.resolve("oom-data");
    Random random = new Random(7);
    for (String split : List.of("train", "test")) {
      for (String cls : List.of("a", "b")) {
        for (int i = 0; i < 4; i++) {
          writeNoisy(data.resolve(split + "/" + cls + "/img_" + i + ".png"),
              new int[] {cls.equals("a") ? 200 : 40, 40, 40}, random);
        }
      }
    }
    Path big = data.resolve("train/a/big.png");
    Files.write(big, rgbHeaderOnlyPng(16_000, 16_000));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx700m",
        "-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1"));
    for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (option.startsWith("--add-opens") || option.startsWith("-XX:+IgnoreUnrecognized")
          || option.startsWith("-Djdk.reflect") || option.startsWith("-Dorg.deeplearning4j")
          || option.startsWith("-Dorg.bytedeco")) {
        command.add(option);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        TrainJob.class.getName()));
    command.addAll(args("oom"));
    command.addAll(List.of("--set", "data.folder.train=" + data.resolve("train"),
        "--set", "data.folder.test=" + data.resolve("test"), "--set", "data.num-classes=2",
        "--set", "data.max-image-pixels=1000000000"));
    Path log = runs.resolve("oom.log");
    Process driver = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "the driver did not end");
    String output = Files.readString(log);
    assertEquals(ExitCode.OUT_OF_MEMORY.code(), driver.exitValue(), output);
    assertTrue(output.contains("java.lang.OutOfMemoryError: Java heap space while reading "
        + big.toUri().toString().replace("file:///", "file:/")
        + " (data.max-image-pixels = 1,000,000,000): give the executors more memory"), output);
    // The driver's own advice line is printed only when its main thread classifies the failure
    // before Spark's uncaught-exception handler ends the JVM with 52 (a race: otherwise it sees
    // "SparkContext was shut down"); the executor's message above always names file and advice.
    assertFalse(Files.exists(runs.resolve("oom").resolve(RunDirectory.SUCCESS)));
  }

  @Test
  void outOfMemoryIsClassifiedOnTheDriverAsOnAnExecutor() {
    assertEquals(ExitCode.OUT_OF_MEMORY,
        ExitCode.of(new OutOfMemoryError("Java heap space")));
    // A task's error carried back to the driver, and executors lost to it as cluster managers
    // report them (standalone, YARN).
    assertEquals(ExitCode.OUT_OF_MEMORY, ExitCode.of(new SparkException("Job aborted due to"
        + " stage failure: Task 0 in stage 1.0 failed 4 times, most recent failure: Lost task 0.3"
        + " (executor 1): java.lang.OutOfMemoryError: Java heap space while reading x.png")));
    assertEquals(ExitCode.OUT_OF_MEMORY, ExitCode.of(new SparkException("Job aborted: Lost"
        + " task 0.3: ExecutorLostFailure (executor 3 exited caused by one of the running tasks)"
        + " Reason: Command exited with code 52")));
    assertEquals(ExitCode.OUT_OF_MEMORY, ExitCode.of(new SparkException("Job aborted:"
        + " ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason:"
        + " Container marked as failed. Exit status: 52. Diagnostics: ...")));
    assertEquals(ExitCode.FAILURE, ExitCode.of(new SparkException("Job aborted:"
        + " ExecutorLostFailure (executor 2 exited) Reason: Command exited with code 520")));
    assertEquals(ExitCode.FAILURE, ExitCode.of(new IllegalStateException("decoding x.png")));
  }

  /**
   * A PNG whose header says {@code width} x {@code height} 8-bit RGB, followed by only four rows
   * of data: the JDK's reader allocates the whole image (3 bytes a pixel) before it reads any.
   */
  static byte[] rgbHeaderOnlyPng(int width, int height) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    java.nio.ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
        .put(new byte[] {8, 2, 0, 0, 0});
    chunk(file, "IHDR", ihdr.array());
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[4 * (1 + 3 * width)]);
    deflater.finish();
    byte[] buffer = new byte[1 << 16];
    int length = deflater.deflate(buffer);
    chunk(file, "IDAT", Arrays.copyOf(buffer, length));
    chunk(file, "IEND", new byte[0]);
    return file.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream file, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    java.nio.ByteBuffer out = ByteBuffer.allocate(12 + data.length).putInt(data.length)
        .put(typeBytes).put(data).putInt((int) crc.getValue());
    file.write(out.array(), 0, out.capacity());
  }
}
