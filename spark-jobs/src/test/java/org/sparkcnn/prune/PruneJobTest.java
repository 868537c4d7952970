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

  /** pruning.csv without the measured times, which differ between runs. */
  static List<List<String>> measuredAside(Table table) {
    List<List<String>> rows = new ArrayList<>();
    int seconds = table.columns().indexOf("retrain_seconds");
    int speed = table.columns().indexOf("inference_images_per_sec");
    for (List<String> row : table.rows()) {
      List<String> kept = new ArrayList<>(row);
      kept.set(seconds, "");
      kept.set(speed, "");
      rows.add(kept);
    }
    return rows;
  }

  @Test
  void aRunKilledInAStepResumesToTheUninterruptedTable() throws Exception {
    Path model = savedModel(tmp);
    String[] keys = {"prune.model=" + model, "prune.retrain-epochs=2",
        "prune.schedule=[{layer=unit13-pw, filters=64}, {layer=unit12-pw, filters=32}]"};
    Path runs = tmp.resolve("runs");
    assertEquals(ExitCode.OK, execute(args(runs, "whole", keys), EpochListener.NONE).code());
    // Killed in step 2's first epoch, after its checkpoint.
    int[] epochs = {0};
    Outcome killed = execute(args(runs, "killed", keys), metrics -> {
      if (++epochs[0] == 3) {
        throw new IllegalStateException("killed in step 2");
      }
    });
    assertEquals(ExitCode.FAILURE, killed.code(), killed.err());
    Path run = runs.resolve("killed");
    assertTrue(Files.exists(run.resolve(RunLayout.FAILED)));
    assertFalse(Files.exists(run.resolve(RunLayout.SUCCESS)));
    assertEquals(2, Table.read(run.resolve(RunLayout.PRUNING)).rows().size());
    assertTrue(Files.exists(run.resolve(RunLayout.modelAfterStep(1))));
    assertFalse(Files.exists(run.resolve(RunLayout.modelAfterStep(2))));
    assertTrue(Files.isDirectory(run.resolve("step-2/checkpoints/epoch-0001")));
    // The stopped run's table must not look complete.
    assertTrue(Files.readString(run.resolve(RunLayout.PRUNING_MD))
        .contains("**Not finished: 1 of 2 steps done.**"));
    Outcome resumed = execute(List.of("--resume", run.toString()), EpochListener.NONE);
    assertEquals(ExitCode.OK, resumed.code(), resumed.err());
    assertTrue(Files.exists(run.resolve(RunLayout.SUCCESS)));
    assertFalse(Files.exists(run.resolve(RunLayout.FAILED)));
    String md = Files.readString(run.resolve(RunLayout.PRUNING_MD));
    assertTrue(md.contains("\n\n2 of 2 steps done.\n\n") && !md.contains("Not finished"), md);
    assertEquals(measuredAside(Table.read(runs.resolve("whole").resolve(RunLayout.PRUNING))),
        measuredAside(Table.read(run.resolve(RunLayout.PRUNING))));
    assertEquals(
        ModelSerializer.restoreMultiLayerNetwork(
            runs.resolve("whole").resolve(RunLayout.MODEL).toFile(), false).params(),
        ModelSerializer.restoreMultiLayerNetwork(run.resolve(RunLayout.MODEL).toFile(), false)
            .params());
  }

  @Test
  void prunesATrainingRunByTheRuleAndStopsAtTheLimit() throws Exception {
    Path runs = tmp.resolve("runs");
    List<String> train = args(runs, "trained", "train.epochs=1");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(ExitCode.OK, org.sparkcnn.train.TrainJob.execute(train.toArray(String[]::new),
        LocalSpark::start, new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString());
    // Only prune.* and run.* here: data, model and train come from the training run.
    Outcome out = execute(List.of("--set", "prune.from=" + runs.resolve("trained"),
        "--set", "prune.rule.first-exponent=6", "--set", "prune.rule.last-unit=10",
        "--set", "prune.retrain-epochs=0", "--set", "prune.max-top1-drop=0.01",
        "--set", "run.output-root=" + runs, "--set", "run.id=pruned"), EpochListener.NONE);
    assertEquals(ExitCode.OK, out.code(), out.err());
    Path run = runs.resolve("pruned");
    String config = Files.readString(run.resolve(RunLayout.CONFIG));
    assertTrue(config.contains("alpha=0.25"), config);
    Table table = Table.read(run.resolve(RunLayout.PRUNING));
    // The rule: 64 of unit13-pw, 32 of unit12-pw, 16 of unit11-pw, 8 of unit10-pw, each step
    // taken only while top-1 stays within 0.01 points of step 0's.
    String[] layers = {"-", "unit13-pw", "unit12-pw", "unit11-pw", "unit10-pw"};
    int[] filters = {0, 64, 32, 16, 8};
    double top1 = Double.parseDouble(table.cell(0, "top1"));
    int kept = 0;
    for (int i = 0; i < table.rows().size(); i++) {
      assertEquals(layers[i], table.cell(i, "layer"));
      assertEquals(Integer.toString(filters[i]), table.cell(i, "filters_removed"));
      boolean within = 100 * (top1 - Double.parseDouble(table.cell(i, "top1"))) <= 0.01;
      assertEquals(Boolean.toString(within), table.cell(i, "within_limit"), "row " + i);
      assertTrue(within || i == table.rows().size() - 1, "a step after one over the limit");
      kept = within ? i : kept;
    }
    assertTrue(table.rows().size() == 5
        || "false".equals(table.cell(table.rows().size() - 1, "within_limit")));
    MultiLayerNetwork last = ModelSerializer.restoreMultiLayerNetwork(
        run.resolve(RunLayout.MODEL).toFile(), false);
    assertEquals(Long.parseLong(table.cell(kept, "trainable_parameters")),
        PointwisePruning.trainableParameters(last));
    // Each job resumes only its own runs.
    Outcome wrongJob = execute(List.of("--resume", runs.resolve("trained").toString()),
        EpochListener.NONE);
    assertEquals(ExitCode.USAGE, wrongJob.code());
    assertTrue(wrongJob.err().contains("not a pruning run"), wrongJob.err());
    err.reset();
    assertEquals(ExitCode.USAGE, org.sparkcnn.train.TrainJob.execute(new String[] {"--resume",
        run.toString()}, LocalSpark::start, new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString().contains("it is a pruning run; continue it with the pruning job"),
        err.toString());
  }

  @Test
  void badRequestsFailNamingTheKeyAndWriteNoRun() throws Exception {
    Path model = savedModel(tmp);
    Path lenet = tmp.resolve("lenet.zip");
    ModelSerializer.writeModel(Models.builder("lenet5", new NetworkOptions(
        new ImageShape(1, 28, 28), 10, "relu", org.deeplearning4j.nn.weights.WeightInit.RELU,
        5e-4, new Nesterovs(0.05, 0.9), 42, org.sparkcnn.models.ConvolutionEngine.NATIVE))
        .init(), lenet.toFile(), true);
    Path runs = tmp.resolve("runs");
    assertFails(ExitCode.USAGE, "prune.model: " + lenet + " is not a MobileNet V1 network",
        args(runs, "x", "prune.model=" + lenet));
    assertFails(ExitCode.USAGE, "prune.schedule[0]: the network has no pointwise layer"
        + " 'unit14-pw'", args(runs, "x", "prune.model=" + model,
            "prune.schedule=[{layer=unit14-pw, filters=8}]"));
    assertFails(ExitCode.USAGE, "prune.schedule[1]: cannot remove 200 filters of unit13-pw,"
        + " which has 192 after the steps before: remove between 1 and 191",
        args(runs, "x", "prune.model=" + model, "prune.schedule=[{layer=unit13-pw, filters=64},"
            + " {layer=unit13-pw, filters=200}]"));
    assertFails(ExitCode.USAGE, "prune.schedule[1]: unit13-pw comes after unit12-pw",
        args(runs, "x", "prune.model=" + model, "prune.schedule=[{layer=unit12-pw, filters=8},"
            + " {layer=unit13-pw, filters=8}]"));
    assertFails(ExitCode.USAGE, "prune.rule (unit 13: 2^8): cannot remove 256 filters of"
        + " unit13-pw, which has 256", args(runs, "x", "prune.model=" + model));
    assertFails(ExitCode.BAD_INPUT, "prune.model: no model at", args(runs, "x",
        "prune.model=" + tmp.resolve("missing.zip")));
    assertFails(ExitCode.BAD_INPUT, "prune.from: no training run at", args(runs, "x",
        "prune.from=" + tmp.resolve("no-run")));
    assertFails(ExitCode.USAGE, "prune.from or prune.model: give exactly one", args(runs, "x"));
    assertFails(ExitCode.USAGE, "did you mean 'prune.retrain-epochs'", args(runs, "x",
        "prune.model=" + model, "prune.retrain-epoch=2"));
    assertFails(ExitCode.USAGE, "prune.schedule[0] holds layer and filters only", args(runs, "x",
        "prune.model=" + model, "prune.schedule=[{layer=unit13-pw, filter=8}]"));
  }

  @Test
  void badScheduleEntriesFailWithExitCode2NotAStackTraceOrARoundedCount() {
    Path runs = tmp.resolve("runs");
    String model = "prune.model=" + tmp.resolve("never-read.zip");
    assertFails(ExitCode.USAGE, "prune.schedule[0] must be {layer = unit<n>-pw, filters = <n>},"
        + " got \"unit13-pw\"", args(runs, "x", model, "prune.schedule=[unit13-pw]"));
    assertFails(ExitCode.USAGE, "prune.schedule[1] must be {layer = unit<n>-pw, filters = <n>},"
        + " got 8", args(runs, "x", model, "prune.schedule=[{layer=unit13-pw, filters=8}, 8]"));
    assertFails(ExitCode.USAGE, "prune.schedule[0].filters must be a whole number, got 2.5",
        args(runs, "x", model, "prune.schedule=[{layer=unit13-pw, filters=2.5}]"));
    assertFails(ExitCode.USAGE, "prune.rule.first-exponent must be a whole number, got 4.5",
        args(runs, "x", model, "prune.rule.first-exponent=4.5"));
    assertFails(ExitCode.USAGE, "prune.retrain-epochs must be a whole number, got 0.5",
        args(runs, "x", model, "prune.retrain-epochs=0.5"));
  }

  @Test
  void aModelSectionThatDoesNotDescribeTheModelFileIsRefused() throws Exception {
    Path model = savedModel(tmp);
    Path runs = tmp.resolve("runs");
    String suggestion = "; it is mobilenet-v1-cifar(alpha=0.25, unit=rhs): set model.name ="
        + " \"mobilenet-v1-cifar(alpha=0.25, unit=rhs)\"";
    // The default model.name (lenet5) would label the MobileNet's reports LeNet-5.
    assertFails(ExitCode.USAGE, "prune.model: " + model + " is not the network model.name ="
        + " lenet5 and model.activation = relu-h-swish describe" + suggestion + " (with",
        args(runs, "x", "prune.model=" + model, "model.name=lenet5", "prune.retrain-epochs=0"));
    assertFails(ExitCode.USAGE, "model.name = mobilenet-v1-cifar(alpha=0.5, unit=rhs) and"
        + " model.activation = relu-h-swish describe" + suggestion, args(runs, "x",
            "prune.model=" + model, "model.name=mobilenet-v1-cifar(alpha=0.5, unit=rhs)",
            "prune.retrain-epochs=0"));
    assertFails(ExitCode.USAGE, "model.name = mobilenet-v1-cifar(alpha=0.25) and"
        + " model.activation = relu-h-swish describe" + suggestion, args(runs, "x",
            "prune.model=" + model, "model.name=mobilenet-v1-cifar(alpha=0.25)",
            "prune.retrain-epochs=0"));
    // Both left at their defaults (lenet5, relu), as a user giving only prune.model would.
    assertFails(ExitCode.USAGE, suggestion + " and model.activation to the network's (its"
        + " activation layers hold ", args(runs, "x", "prune.model=" + model,
            "model.name=lenet5", "model.activation=relu", "prune.retrain-epochs=0"));
  }

  @Test
  void aModelForOtherImagesFailsNamingTheData() throws Exception {
    // A MobileNet for 3-channel 32x32 images (CIFAR), pruned on 1-channel Fashion-MNIST.
    Path model = tmp.resolve("cifar.zip");
    ModelSerializer.writeModel(Models.builder(MODEL, new NetworkOptions(
        new ImageShape(3, 32, 32), 10, "relu-h-swish",
        org.deeplearning4j.nn.weights.WeightInit.RELU, 5e-4, new Nesterovs(0.05, 0.9), 42,
        org.sparkcnn.models.ConvolutionEngine.NATIVE))
        .init(), model.toFile(), true);
    Outcome out = execute(args(tmp.resolve("runs"), "x", "prune.model=" + model,
        "prune.retrain-epochs=0", "prune.schedule=[{layer=unit13-pw, filters=8}]"),
        EpochListener.NONE);
    assertEquals(ExitCode.USAGE, out.code(), out.err());
    assertTrue(out.err().contains("data: the network to prune takes images of 3 channels but"
        + " the data gives it [1, 28, 28] images"), out.err());
    assertFalse(Files.exists(tmp.resolve("runs/x").resolve(RunLayout.SUCCESS)));
    assertFalse(Files.exists(tmp.resolve("runs/x").resolve(RunLayout.PRUNING)));
  }

  @Test
  void aRelativeSourceIsSavedAbsoluteSoAResumeElsewhereFindsIt() throws Exception {
    Path model = savedModel(tmp);
    Path relative = Path.of("").toAbsolutePath().relativize(model);
    assertFalse(relative.isAbsolute());
    org.sparkcnn.train.RunRequest request = PruneJob.parse(args(tmp.resolve("runs"), "x",
        "prune.model=" + relative).toArray(String[]::new));
    org.sparkcnn.config.PruneConfig prune = org.sparkcnn.config.PruneConfig.from(
        request.config().resolved());
    assertEquals(model.toUri().getPath(), new java.net.URI(prune.model()).getPath());
    assertEquals("file", new java.net.URI(prune.model()).getScheme());
  }

  @Test
  void aNetworkPrunedBeforeIsNotCalledUnpruned() throws Exception {
    MultiLayerNetwork unpruned = network();
    MultiLayerNetwork once = PointwisePruning.pruneSmallest(unpruned, "unit13-pw", 64,
        FilterNorm.L1);
    Path model = tmp.resolve("pruned-once.zip");
    ModelSerializer.writeModel(once, model.toFile(), true);
    Outcome out = execute(args(tmp.resolve("runs"), "again", "prune.model=" + model,
        "prune.retrain-epochs=0", "prune.schedule=[{layer=unit13-pw, filters=32}]"),
        EpochListener.NONE);
    assertEquals(ExitCode.OK, out.code(), out.err());
    Path run = tmp.resolve("runs/again");
    Table table = Table.read(run.resolve(RunLayout.PRUNING));
    assertEquals(Long.toString(PointwisePruning.trainableParameters(once)),
        table.cell(0, "trainable_parameters"));
    assertEquals("160", table.cell(1, "layer_filters"));
    String md = Files.readString(run.resolve(RunLayout.PRUNING_MD));
    assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| 0 | pruned before: %,d of %s's"
        + " %,d parameters |", PointwisePruning.trainableParameters(once), MODEL,
        PointwisePruning.trainableParameters(unpruned))), md);
    assertFalse(md.contains("unpruned |"), md);
  }

  @Test
  void pruningMdSaysHowFarTheRunGot() {
    PruningTable.Row row = new PruningTable.Row(0, "-", 0, 0, 0, 100, 10, 0.5, 0.9, 0.5, 0.9,
        0, 1, true);
    List<PruningTable.Row> two = List.of(row, row);
    assertEquals("**Not finished: 1 of 3 steps done.** The run is in progress, stopped or"
        + " failed (see _FAILED); --resume continues it.", PruningTable.status(two, 3, false));
    assertEquals("Stopped after step 1 of 3: its top-1 fell more than prune.max-top1-drop"
        + " below step 0's; steps 2 to 3 were not taken.", PruningTable.status(two, 3, true));
    assertEquals("1 of 1 steps done.", PruningTable.status(two, 1, true));
  }

  private void assertFails(ExitCode code, String message, List<String> args) {
    Outcome out = execute(args, EpochListener.NONE);
    assertEquals(code, out.code(), out.err());
    assertTrue(out.err().contains(message), out.err());
    assertFalse(Files.exists(tmp.resolve("runs/x")), "a run directory was made");
  }
}
