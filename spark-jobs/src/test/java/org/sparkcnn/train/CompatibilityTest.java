package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigUtil;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.report.RunDirectory;

/**
 * What earlier versions wrote still reads: for every folder {@code compat/<version>/} of the test
 * resources (see its README.md; {@link CompatibilityFixtures} writes this version's), the stored
 * {@code model.zip} and {@code model-ema.zip} load as the job loads networks and give the stored
 * predictions and test accuracy, and the stored checkpoint of epoch 1 resumes to a complete run,
 * or is refused naming the field this version cannot read ({@link #REFUSED}).
 */
class CompatibilityTest {
  /** Test resource folder holding one folder of fixtures per version. */
  static final String ROOT = "/compat";
  /** The checkpoint each version's folder keeps. */
  static final String CHECKPOINT = "epoch-0001";
  /** Per-image predictions of both models on the first test images, written with the fixture. */
  static final String PREDICTIONS = "predictions.csv";
  /** Test images the predictions cover: the first ones of the bundled Fashion-MNIST subset. */
  static final int IMAGES = 200;
  /**
   * Versions whose checkpoints this version refuses on purpose, with what the refusal names (a
   * field of state.json); every other version's checkpoint must resume. Empty: all resume.
   */
  static final Map<String, String> REFUSED = Map.of();

  @TempDir Path runs;

  /** The versions with a folder of fixtures, e.g. {@code 0.1.0}. */
  static Stream<String> versions() throws IOException {
    try (Stream<Path> folders = Files.list(resource(""))) {
      List<String> names = folders.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString()).sorted().toList();
      assertFalse(names.isEmpty(), "no fixtures under " + ROOT);
      return names.stream();
    }
  }

  static Path resource(String version) {
    try {
      return Path.of(CompatibilityTest.class.getResource(ROOT).toURI()).resolve(version);
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @MethodSource("versions")
  void storedModelsLoadAndGiveTheStoredPredictionsAndAccuracy(String version) throws Exception {
    Path fixture = resource(version);
    List<List<String>> expected = TrainJobTest.csv(fixture.resolve(PREDICTIONS));
    List<List<String>> actual = predictions(fixture);
    assertEquals(expected.get(0), actual.get(0));
    assertEquals(IMAGES + 1, actual.size());
    for (int row = 1; row < expected.size(); row++) {
      List<String> e = expected.get(row);
      List<String> a = actual.get(row);
      String where = version + " " + PREDICTIONS + " row " + row;
      assertEquals(List.of(e.get(0), e.get(1), e.get(2), e.get(4)),
          List.of(a.get(0), a.get(1), a.get(2), a.get(4)), where + ": index, label, classes");
      // Probabilities to 1e-5: another CPU may run another native build (rounding differs)
      assertEquals(Double.parseDouble(e.get(3)), Double.parseDouble(a.get(3)), 1e-5, where);
      assertEquals(Double.parseDouble(e.get(5)), Double.parseDouble(a.get(5)), 1e-5, where);
    }
    // The same accuracies as the run that wrote the models reported (accuracy.csv)
    List<String> reported = TrainJobTest.csv(fixture.resolve(RunLayout.ACCURACY)).get(1);
    assertEquals(reported.get(4), Integer.toString(IMAGES), "test examples");
    List<String> measured = new ArrayList<>();
    for (Evaluation eval : evaluations(fixture)) {
      measured.add(String.format(Locale.ROOT, "%.4f", eval.accuracy()));
      measured.add(String.format(Locale.ROOT, "%.4f", eval.topNAccuracy()));
    }
    assertEquals(List.of(reported.get(5), reported.get(6), reported.get(7), reported.get(8)),
        List.of(measured.get(0), measured.get(1), measured.get(2), measured.get(3)),
        version + ": top-1, top-5 of model.zip and of model-ema.zip");
  }

  @ParameterizedTest
  @MethodSource("versions")
  void storedCheckpointResumesToACompleteRun(String version) throws Exception {
    Path fixture = resource(version);
    Path dir = runDirectory(fixture, "resumed-" + version);
    TrainJobTest.Outcome outcome = TrainJobTest.execute(List.of("--resume", dir.toString()));
    if (REFUSED.containsKey(version)) {
      assertRefused(outcome, dir, REFUSED.get(version));
      return;
    }
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    for (String model : List.of(RunLayout.MODEL, RunLayout.MODEL_EMA)) {
      assertTrue(Files.size(dir.resolve(model)) > 0, model);
    }
    assertEquals("1", TrainJobTest.csv(dir.resolve("timing.csv")).get(1).get(18),
        "resumed_after_epoch");
    List<List<String>> stored = TrainJobTest.csv(fixture.resolve(RunLayout.METRICS));
    List<List<String>> resumed = TrainJobTest.csv(dir.resolve(RunLayout.METRICS));
    assertEquals(stored.size(), resumed.size(), "epochs");
    assertEquals(stored.subList(0, 2), resumed.subList(0, 2), "epoch 1 as the checkpoint holds it");
    List<String> header = stored.get(0);
    for (int row = 2; row < stored.size(); row++) {
      List<String> s = stored.get(row);
      List<String> r = resumed.get(row);
      assertEquals(s.subList(0, 4), r.subList(0, 4), "epoch, examples, rounds, learning rate");
      // Close to what the version that wrote the checkpoint got (on this machine: equal); the
      // tolerances leave room for another CPU's native build.
      assertEquals(Double.parseDouble(s.get(4)), Double.parseDouble(r.get(4)), 0.01, "loss");
      for (int column : new int[] {5, 9, 10, 11}) {
        assertEquals(Double.parseDouble(s.get(column)), Double.parseDouble(r.get(column)), 0.03,
            header.get(column) + " of epoch " + s.get(0));
      }
    }
    List<List<String>> storedRounds = TrainJobTest.csv(fixture.resolve(RunLayout.ROUNDS));
    List<List<String>> resumedRounds = TrainJobTest.csv(dir.resolve(RunLayout.ROUNDS));
    assertEquals(storedRounds.size(), resumedRounds.size(), "rounds");
    for (int row = 0; row < storedRounds.size(); row++) {
      List<String> s = storedRounds.get(row);
      List<String> r = resumedRounds.get(row);
      if (s.get(0).equals("1") || row == 0) { // epoch 1 as the checkpoint holds it
        assertEquals(s, r, "rounds row " + row);
      } else {
        assertEquals(s.subList(0, 3), r.subList(0, 3), "rounds row " + row);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("versions")
  void storedCheckpointWithARenamedFieldIsRefusedNamingItAndNothingIsDeleted(String version)
      throws Exception {
    Path dir = runDirectory(resource(version), "renamed-" + version);
    Path state = dir.resolve(Checkpoints.DIR).resolve(CHECKPOINT).resolve(Checkpoints.STATE);
    String json = Files.readString(state);
    String renamed = json.replace("\"averageUpdates\"", "\"emaUpdates\"");
    assertFalse(renamed.equals(json), "the stored state has the field averageUpdates");
    Files.writeString(state, renamed);
    List<String> before = files(dir);
    Map<String, byte[]> checkpoint = new TreeMap<>();
    for (String file : files(state.getParent())) {
      checkpoint.put(file, Files.readAllBytes(state.getParent().resolve(file)));
    }

    TrainJobTest.Outcome outcome = TrainJobTest.execute(List.of("--resume", dir.toString()));
    assertRefused(outcome, dir, "state.json lacks the field 'averageUpdates', which this version"
        + " needs");
    List<String> after = files(dir);
    assertTrue(after.containsAll(before), "nothing deleted: " + before + " -> " + after);
    assertFalse(after.contains(RunLayout.METRICS), "no training outputs written");
    assertEquals(checkpoint.keySet(), new TreeSet<>(files(state.getParent())));
    for (Map.Entry<String, byte[]> file : checkpoint.entrySet()) {
      assertTrue(Arrays.equals(file.getValue(),
          Files.readAllBytes(state.getParent().resolve(file.getKey()))), file.getKey());
    }
  }

  /** A refused resume: exit code 3 naming the checkpoint and {@code why}, no _SUCCESS. */
  static void assertRefused(TrainJobTest.Outcome outcome, Path dir, String why) {
    assertEquals(ExitCode.BAD_INPUT, outcome.code(), outcome.err());
    Path checkpoint = dir.resolve(Checkpoints.DIR).resolve(CHECKPOINT);
    assertTrue(outcome.err().startsWith("error: cannot resume "), outcome.err());
    assertTrue(outcome.err().contains(checkpoint + ": " + why), outcome.err());
    assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.exists(dir.resolve(RunLayout.FAILED)));
  }

  /**
   * A run directory {@code runId} under {@link #runs} laid out as the job leaves an interrupted
   * run: the fixture's {@code config.conf}, with the data, output root and run id of this test
   * layered over it, and its checkpoint of epoch 1.
   */
  Path runDirectory(Path fixture, String runId) throws IOException {
    Path dir = runs.resolve(runId);
    Path checkpoint = dir.resolve(Checkpoints.DIR).resolve(CHECKPOINT);
    Files.createDirectories(checkpoint);
    StringBuilder config = new StringBuilder(Files.readString(fixture.resolve(RunLayout.CONFIG)));
    config.append("\n# where this test runs it\n");
    Map<String, Path> paths = Map.of(
        "data.train-images", TrainJobTest.SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "data.train-labels", TrainJobTest.SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "data.test-images", TrainJobTest.SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "data.test-labels", TrainJobTest.SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "run.output-root", runs);
    paths.forEach((key, path) -> config.append(key).append(" = ")
        .append(ConfigUtil.quoteString(path.toString())).append('\n'));
    config.append("run.id = ").append(ConfigUtil.quoteString(runId)).append('\n');
    Files.writeString(dir.resolve(RunLayout.CONFIG), config);
    Path stored = fixture.resolve(Checkpoints.DIR).resolve(CHECKPOINT);
    for (String file : files(stored)) {
      Files.copy(stored.resolve(file), checkpoint.resolve(file));
    }
    return dir;
  }

  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * {@value #PREDICTIONS} of the fixture's models: for each of the first {@value #IMAGES} test
   * images, its index and label, and each model's class (top-1) with its probability.
   */
  static List<List<String>> predictions(Path fixture) throws IOException {
    DataSet test = testImages(fixture);
    INDArray model = load(fixture, RunLayout.MODEL, true).output(test.getFeatures(), false);
    INDArray ema = load(fixture, RunLayout.MODEL_EMA, false).output(test.getFeatures(), false);
    INDArray labels = test.getLabels().argMax(1);
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("index", "label", "model_class", "model_probability", "ema_class",
        "ema_probability"));
    for (int i = 0; i < IMAGES; i++) {
      int modelClass = model.getRow(i).argMax().getInt(0);
      int emaClass = ema.getRow(i).argMax().getInt(0);
      rows.add(List.of(Integer.toString(i), Integer.toString(labels.getInt(i)),
          Integer.toString(modelClass), probability(model.getDouble(i, modelClass)),
          Integer.toString(emaClass), probability(ema.getDouble(i, emaClass))));
    }
    return rows;
  }

  private static String probability(double p) {
    return String.format(Locale.ROOT, "%.6f", p);
  }

  /** The job's evaluation (top-1 and top-5) of model.zip and of model-ema.zip. */
  static List<Evaluation> evaluations(Path fixture) throws IOException {
    DataSet test = testImages(fixture);
    List<Evaluation> evaluations = new ArrayList<>();
    for (MultiLayerNetwork net : List.of(load(fixture, RunLayout.MODEL, true),
        load(fixture, RunLayout.MODEL_EMA, false))) {
      Evaluation eval = Evaluator.newEvaluation(10);
      eval.eval(test.getLabels(), net.output(test.getFeatures(), false));
      evaluations.add(eval);
    }
    return evaluations;
  }

  /**
   * A stored network, read as the job reads one to resume (ModelSerializer, with the updater
   * state where it was saved). Every fixture so far is a MultiLayerNetwork (LeNet-5).
   */
  static MultiLayerNetwork load(Path fixture, String file, boolean updater) throws IOException {
    try (InputStream in = Files.newInputStream(fixture.resolve(file))) {
      return ModelSerializer.restoreMultiLayerNetwork(in, updater);
    }
  }

  /**
   * The first {@value #IMAGES} test images of the bundled Fashion-MNIST subset, prepared by the
   * evaluation pipeline of the fixture's configuration ({@code train.eval-augment}).
   */
  static DataSet testImages(Path fixture) throws IOException {
    JobConfig config = JobConfig.from(new ConfigLoader()
        .file(fixture.resolve(RunLayout.CONFIG).toString(), new Configuration()).resolve());
    List<LabeledImage> images = new ArrayList<>();
    try (DataInputStream pixels = gunzip("t10k-images-idx3-ubyte.gz", 16);
        DataInputStream labels = gunzip("t10k-labels-idx1-ubyte.gz", 8)) {
      for (int i = 0; i < IMAGES; i++) {
        byte[] image = new byte[28 * 28];
        pixels.readFully(image);
        images.add(new LabeledImage(i, image, labels.readUnsignedByte()));
      }
    }
    Augmenter eval = new Augmenter(new ImageShape(1, 28, 28), config.train().evalAugment(),
        config.data().numClasses(), config.run().seed(), Augmenter.EVALUATION_EPOCH);
    return eval.toDataSet(images);
  }

  /** An IDX file of the subset, past its header of {@code headerBytes}. */
  private static DataInputStream gunzip(String name, int headerBytes) throws IOException {
    DataInputStream in = new DataInputStream(new GZIPInputStream(
        Files.newInputStream(TrainJobTest.SUBSET.resolve(name))));
    in.skipNBytes(headerBytes);
    return in;
  }
}
