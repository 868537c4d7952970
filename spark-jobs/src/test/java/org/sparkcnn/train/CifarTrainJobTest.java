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
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The job on CIFAR-10 binary files in the exact record format (generated: the real dataset cannot
 * be downloaded here), with the TensorFlow tutorial's network, its augmentation and ten-crop
 * evaluation, declared in a job file as a user writes one.
 */
class CifarTrainJobTest {
  /** A colour per class, distinct after per-image standardization. */
  static final int[][] PALETTE = {
      {220, 40, 40}, {40, 220, 40}, {40, 40, 220}, {220, 220, 40}, {220, 40, 220},
      {40, 220, 220}, {220, 130, 40}, {130, 40, 220}, {40, 130, 130}, {130, 220, 40}};

  @TempDir Path dir;

  /** {@code count} CIFAR-10 records: class colour plus noise, label = index mod 10. */
  static byte[] records(long first, int count, long seed) {
    Random random = new Random(seed);
    byte[] out = new byte[count * 3073];
    for (int k = 0; k < count; k++) {
      int label = (int) ((first + k) % 10);
      out[k * 3073] = (byte) label;
      for (int p = 0; p < 3072; p++) {
        int value = PALETTE[label][p / 1024] + random.nextInt(61) - 30;
        out[k * 3073 + 1 + p] = (byte) value;
      }
    }
    return out;
  }

  @Test
  void trainsTheTutorialNetworkWithItsAugmentationAndTenCropEvaluation() throws Exception {
    Files.createDirectories(dir.resolve("cifar"));
    Files.write(dir.resolve("cifar/data_batch_1.bin"), records(0, 1000, 1));
    Files.write(dir.resolve("cifar/data_batch_2.bin"), records(1000, 1000, 2));
    Files.write(dir.resolve("cifar/test_batch.bin"), records(0, 300, 3));
    Path job = dir.resolve("cifar10-test.conf");
    Files.writeString(job, String.join("\n",
        "data {",
        "  name = synthetic-cifar10",
        "  format = cifar10",
        "  cifar.train = [\"" + dir.resolve("cifar") + "/data_batch_*.bin\"]",
        "  cifar.test = [\"" + dir.resolve("cifar/test_batch.bin") + "\"]",
        "  class-names = []",
        "}",
        "model.name = tf-cifar10",
        "train {",
        "  epochs = 2",
        "  batch-size-per-worker = 32",
        "  learning-rate = 0.01",
        "  augment = [{random-crop {size = 24}}, flip, \"brightness(max-delta=63)\",",
        "             {contrast {lower = 0.2, upper = 1.8}}, standardize]",
        "  eval-augment = [\"ten-crop(size=24)\", standardize]",
        "}",
        "run.output-root = \"" + dir.resolve("runs") + "\"",
        "run.id = cifar"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(new String[] {"--conf", job.toString()}, LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));

    Path run = dir.resolve("runs/cifar");
    assertTrue(Files.exists(run.resolve(RunDirectory.SUCCESS)));
    List<List<String>> metrics = TrainJobTest.csv(run.resolve("metrics.csv"));
    assertEquals("2000", metrics.get(1).get(1));
    double accuracy = Double.parseDouble(metrics.get(2).get(5));
    assertTrue(accuracy > 0.5, "test accuracy " + accuracy + " (chance 0.1)");
    assertEquals("300", TrainJobTest.csv(run.resolve("accuracy.csv")).get(1).get(4),
        "ten views per test image, each image counted once");
    assertEquals(List.of("index,name", "0,0", "1,1"),
        Files.readAllLines(run.resolve("classes.csv")).subList(0, 3));
    // Channel means of the generated pixels: the palette's column means (noise averages out).
    String stats = Files.readString(run.resolve(RunLayout.DATASET_STATS));
    assertTrue(stats.contains("\"pixels\": 2048000,"), stats);
    String mean = stats.lines().filter(l -> l.contains("\"mean\"")).findFirst().orElseThrow();
    String[] values = mean.replaceAll(".*\\[|\\].*", "").split(", ");
    for (int c = 0; c < 3; c++) {
      double expected = 0;
      for (int[] colour : PALETTE) {
        expected += colour[c] / 10.0;
      }
      assertEquals(expected, Double.parseDouble(values[c]), 0.5, "channel " + c + " mean");
    }
  }

  /**
   * Trains on 256 generated CIFAR-10 images (64 for testing), batches of 32, evaluation after
   * per-image standardization, with the {@code --set} overrides {@code settings}; asserts success.
   *
   * @return the run directory
   */
  Path trainSmall(String runId, String... settings) throws Exception {
    Files.createDirectories(dir.resolve("cifar"));
    Files.write(dir.resolve("cifar/data_batch_1.bin"), records(0, 256, 1));
    Files.write(dir.resolve("cifar/test_batch.bin"), records(0, 64, 3));
    List<String> args = new ArrayList<>(List.of(
        "--set", "data.format=cifar10", "--set", "data.class-names=[]",
        "--set", "data.cifar.train=[\"" + dir.resolve("cifar/data_batch_1.bin") + "\"]",
        "--set", "data.cifar.test=[\"" + dir.resolve("cifar/test_batch.bin") + "\"]",
        "--set", "train.batch-size-per-worker=32", "--set", "train.eval-augment=[standardize]",
        "--set", "run.output-root=" + dir.resolve("runs"), "--set", "run.id=" + runId));
    for (String setting : settings) {
      args.addAll(List.of("--set", setting));
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(args.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));
    return dir.resolve("runs").resolve(runId);
  }

  @Test
  void trainsMobileNetRhsFromTheZooAndDescribesItInModelMd() throws Exception {
    Path run = trainSmall("mobilenet",
        "model.name=mobilenet-v1-cifar(alpha=0.25, unit=rhs)", "model.activation=relu-h-swish",
        "train.epochs=1", "train.augment=[flip, standardize]");
    assertTrue(Files.exists(run.resolve(RunDirectory.SUCCESS)));
    String model = Files.readString(run.resolve("model.md"));
    assertTrue(model.startsWith("# Model mobilenet-v1-cifar(alpha=0.25, unit=rhs), input"
        + " [3, 32, 32]"), model);
    assertTrue(
        model.contains("| unit13-pw-bn | NativeBatchNormalization | [256, 2, 2] | 512 | 1,024 |"),
        model);
    assertFalse(model.contains("unit13-pw-act"), model);
  }

  @Test
  void trainsResNet20AComputationGraphAndSavesItAsOne() throws Exception {
    Path run = trainSmall("resnet", "model.name=resnet20", "train.epochs=2",
        "train.learning-rate=0.01",
        "train.augment=[\"random-crop(size=32, padding=4)\", flip, standardize]");
    assertTrue(Files.exists(run.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.readString(run.resolve("model.md")).contains("| total |  |  | 269,722 |"));
    List<List<String>> metrics = TrainJobTest.csv(run.resolve("metrics.csv"));
    assertTrue(
        Double.parseDouble(metrics.get(2).get(4)) < Double.parseDouble(metrics.get(1).get(4)),
        "loss falls from epoch 1 to 2: " + metrics);
    ComputationGraph saved = ModelSerializer.restoreComputationGraph(
        run.resolve("model.zip").toFile(), true);
    assertEquals(271_098, saved.numParams());
  }
}
