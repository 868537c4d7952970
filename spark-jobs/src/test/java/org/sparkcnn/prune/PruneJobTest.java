package org.sparkcnn.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.models.pruning.FilterNorm;
import org.sparkcnn.models.pruning.PointwisePruning;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.EpochListener;
import org.sparkcnn.train.ExitCode;

/**
 * The pruning job in Spark local[2] on the Fashion-MNIST subset of the test resources, with a
 * MobileNet-rhs of width 0.25 (CIFAR layout on 28x28x1 images).
 */
class PruneJobTest {
  static final String MODEL = "mobilenet-v1-cifar(alpha=0.25, unit=rhs)";
  static final Path SUBSET = resource("../train/fashion-mnist-subset");
  @TempDir Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(PruneJobTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** A fresh MobileNet-rhs of width 0.25 for 10 classes of 28x28x1, saved in {@code dir}. */
  static Path savedModel(Path dir) throws Exception {
    MultiLayerNetwork net = network();
    Path file = dir.resolve("mobilenet.zip");
    ModelSerializer.writeModel(net, file.toFile(), true);
    return file;
  }

  static MultiLayerNetwork network() {
    return Models.builder(MODEL, new NetworkOptions(new ImageShape(1, 28, 28), 10,
        "relu-h-swish", org.deeplearning4j.nn.weights.WeightInit.RELU, 5e-4,
        new Nesterovs(0.05, 0.9), 42, org.sparkcnn.models.ConvolutionEngine.NATIVE)).init();
  }

  /** Arguments of a pruning run {@code runId} on the subset (512 / 256 images). */
  static List<String> args(Path runs, String runId, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--set", "data.idx.train-images=" + SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.idx.train-labels=" + SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.idx.test-images=" + SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.idx.test-labels=" + SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=512", "--set", "data.test-limit=256",
        "--set", "model.name=" + MODEL, "--set", "model.activation=relu-h-swish",
        "--set", "train.batch-size-per-worker=32", "--set", "train.averaging-frequency=2",
        "--set", "train.learning-rate=0.02",
        "--set", "run.output-root=" + runs, "--set", "run.id=" + runId));
    for (String m : more) {
      args.add("--set");
      args.add(m);
    }
    return args;
  }

  record Outcome(ExitCode code, String err) {}

  static Outcome execute(List<String> args, EpochListener listener) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = PruneJob.execute(args.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8), listener);
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void prunesAModelFileStepByStepAndRetrains() throws Exception {
    Path model = savedModel(tmp);
    Outcome out = execute(args(tmp.resolve("runs"), "p", "prune.model=" + model,
        "prune.schedule=[{layer=unit13-pw, filters=64}, {layer=unit12-pw, filters=32}]"),
        EpochListener.NONE);
    assertEquals(ExitCode.OK, out.code(), out.err());
    Path run = tmp.resolve("runs/p");
    assertTrue(Files.exists(run.resolve(RunLayout.SUCCESS)));
    Table table = Table.read(run.resolve(RunLayout.PRUNING));
    assertEquals(3, table.rows().size());
    // The parameter counts are the surgery's on the unpruned network.
    MultiLayerNetwork unpruned = network();
    long before = PointwisePruning.trainableParameters(unpruned);
    MultiLayerNetwork one = PointwisePruning.pruneSmallest(unpruned, "unit13-pw", 64,
        FilterNorm.L1);
    MultiLayerNetwork two = PointwisePruning.pruneSmallest(one, "unit12-pw", 32, FilterNorm.L1);
    assertEquals(Long.toString(before), table.cell(0, "trainable_parameters"));
    assertEquals(Long.toString(PointwisePruning.trainableParameters(one)),
        table.cell(1, "trainable_parameters"));
    assertEquals(Long.toString(PointwisePruning.trainableParameters(two)),
        table.cell(2, "trainable_parameters"));
    assertEquals("192", table.cell(1, "layer_filters"));
    assertEquals("224", table.cell(2, "layer_filters"));
    assertEquals("96", table.cell(2, "filters_removed_total"));
    System.out.println(Files.readString(run.resolve(RunLayout.PRUNING_MD)));
    MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(
        run.resolve(RunLayout.modelAfterStep(2)).toFile(), true);
    MultiLayerNetwork last = ModelSerializer.restoreMultiLayerNetwork(
        run.resolve(RunLayout.MODEL).toFile(), true);
    assertEquals(saved.params(), last.params());
    assertTrue(Files.readString(run.resolve("step-2/" + RunLayout.MODEL_SUMMARY))
        .contains("224"));
    assertFalse(Files.exists(run.resolve(RunLayout.FAILED)));
  }
}
