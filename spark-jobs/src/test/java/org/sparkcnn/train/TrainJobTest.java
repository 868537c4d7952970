package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.IdxDataset;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.layers.NativeConvolutionLayer;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The whole job in Spark local[2] on real Fashion-MNIST images (the 5,000 / 1,000 subset in the
 * test resources), and its failures.
 */
class TrainJobTest {
  static final Path SUBSET = resource("fashion-mnist-subset");
  @TempDir Path runs;

  static Path resource(String name) {
    try {
      return Path.of(TrainJobTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** Arguments that train on the subset, writing under the test's temporary directory. */
  List<String> subsetArgs(String runId) {
    return subsetArgs(runs, runId);
  }

  /** Arguments of a run {@code runId} under {@code runs} on the Fashion-MNIST subset. */
  static List<String> subsetArgs(Path runs, String runId) {
    return new ArrayList<>(List.of(
        "--set", "data.train-images=" + SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.train-labels=" + SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.test-images=" + SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.test-labels=" + SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "run.output-root=" + runs,
        "--set", "run.id=" + runId));
  }

  static List<List<String>> csv(Path file) throws Exception {
    return Files.readAllLines(file).stream().map(l -> Arrays.asList(l.split(","))).toList();
  }

  @Test
  void trainsOnRealImagesAndWritesEveryOutput() throws Exception {
    List<String> args = subsetArgs("e2e");
    args.addAll(List.of("--set", "train.epochs=3", "--set", "train.learning-rate-decay=0.8"));
    JobConfig config = TrainJob.parseArgs(args.toArray(String[]::new));
    Trained trained = train(config);
    RunResult result = trained.result;
    DataSet testSet = trained.testSet;
    Path dir = runs.resolve("e2e");

    assertTrue(result.testAccuracy() >= 0.70, "test accuracy " + result.testAccuracy());
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertFalse(Files.exists(dir.resolve(RunLayout.EXPORT)), "export directory left behind");
    assertFalse(Files.exists(dir.resolve(RunLayout.FAILED)));

    // config.conf holds the resolved configuration and parses back to the same job
    var saved = ConfigFactory.parseFile(dir.resolve("config.conf").toFile());
    assertEquals(config.resolved().root().unwrapped(), saved.root().unwrapped());
    JobConfig reloadedConfig = JobConfig.from(saved);
    assertEquals(config.train(), reloadedConfig.train());
    assertEquals(config.data(), reloadedConfig.data());

    // model.md: the summary of the network trained, for the images it was given
    String model = Files.readString(dir.resolve("model.md"));
    assertTrue(model.startsWith("# Model lenet5, input [1, 28, 28]\n"), model);
    assertTrue(model.contains("| c1 | NativeConvolution | [6, 28, 28] | 156 | 156 | 117,600 |"),
        model);
    assertTrue(model.contains("| total |  |  | 61,706 | 61,706 | 416,520 |"), model);

    List<List<String>> metrics = csv(dir.resolve("metrics.csv"));
    assertEquals(List.of("epoch", "examples", "averaging_rounds", "learning_rate", "loss",
        "test_accuracy", "seconds", "examples_per_sec", "eval_seconds", "test_top5_accuracy",
        "test_accuracy_ema", "test_top5_accuracy_ema"), metrics.get(0));
    assertEquals(4, metrics.size());
    for (int e = 1; e <= 3; e++) {
      List<String> row = metrics.get(e);
      assertEquals(String.valueOf(e), row.get(0));
      assertEquals("5000", row.get(1));
      // 5,000 examples / (2 workers x 64 x 5) per round
      assertEquals("8", row.get(2));
      assertEquals(0.05 * Math.pow(0.8, e - 1), Double.parseDouble(row.get(3)), 1e-9);
      assertTrue(Double.parseDouble(row.get(4)) > 0 && Double.parseDouble(row.get(4)) < 2.5);
      assertTrue(Double.parseDouble(row.get(7)) > 0);
    }
    // rounds.csv: the 8 rounds of each epoch at its rate; their mean loss is the epoch's
    List<List<String>> rounds = csv(dir.resolve(RunLayout.ROUNDS));
    assertEquals(List.of("epoch", "round", "learning_rate", "loss", "seconds",
        "examples_per_sec"), rounds.get(0));
    assertEquals(25, rounds.size());
    for (int e = 1; e <= 3; e++) {
      double sum = 0;
      for (int r = 1; r <= 8; r++) {
        List<String> row = rounds.get((e - 1) * 8 + r);
        assertEquals(List.of(Integer.toString(e), Integer.toString(r)), row.subList(0, 2));
        assertEquals(0.05 * Math.pow(0.8, e - 1), Double.parseDouble(row.get(2)), 1e-9);
        sum += Double.parseDouble(row.get(3));
      }
      assertEquals(Double.parseDouble(metrics.get(e).get(4)), sum / 8, 1e-5);
    }
    // the decayed rate is in the network the workers received for the last epoch
    assertEquals(0.05 * 0.8 * 0.8, ((MultiLayerNetwork) result.network()).getLearningRate(0), 1e-9);
    assertTrue(
        Double.parseDouble(metrics.get(3).get(4)) < Double.parseDouble(metrics.get(1).get(4)),
        "loss falls from epoch 1 to 3");
    String finalAccuracy = String.format(java.util.Locale.ROOT, "%.4f", result.testAccuracy());
    assertEquals(finalAccuracy, metrics.get(3).get(5));

    List<List<String>> accuracy = csv(dir.resolve("accuracy.csv"));
    assertEquals(List.of("lenet5", "relu", "fashion-mnist", "3", "1000", finalAccuracy),
        accuracy.get(1).subList(0, 6));
    assertEquals("class_9", accuracy.get(0).get(18));
    double top5 = Double.parseDouble(accuracy.get(1).get(6));
    assertTrue(top5 > result.testAccuracy() && top5 <= 1, "top-5 " + top5);
    assertEquals(accuracy.get(1).get(6), metrics.get(3).get(9), "top-5 in metrics.csv");
    double weighted = 0;
    int[] perClass = new int[10];
    for (int c = 0; c < 10; c++) {
      perClass[c] = (int) testSet.getLabels().getColumn(c).sumNumber().intValue();
      weighted += Double.parseDouble(accuracy.get(1).get(9 + c)) * perClass[c];
    }
    assertEquals(result.testAccuracy(), weighted / 1000, 1e-3, "per-class accuracies add up");
    String md = Files.readString(dir.resolve("accuracy.md"));
    assertTrue(md.contains("| 9 | Ankle boot | " + perClass[9] + " | "), md);

    // the moving average of the parameters: evaluated every epoch, saved as model-ema.zip
    assertEquals(accuracy.get(1).get(7), metrics.get(3).get(10));
    MultiLayerNetwork averaged = ModelSerializer.restoreMultiLayerNetwork(
        dir.resolve(RunLayout.MODEL_EMA).toFile(), false);
    Evaluation averagedEval = new Evaluation(10);
    averagedEval.eval(testSet.getLabels(), averaged.output(testSet.getFeatures()));
    assertEquals(accuracy.get(1).get(7),
        String.format(java.util.Locale.ROOT, "%.4f", averagedEval.accuracy()));
    assertFalse(averaged.params().equals(((MultiLayerNetwork) result.network()).params()));

    // confusion.csv: rows are actual classes; its diagonal is the top-1 hits
    List<List<String>> confusion = csv(dir.resolve("confusion.csv"));
    assertEquals(11, confusion.size());
    long total = 0;
    long diagonal = 0;
    long[] predicted = new long[10];
    for (int a = 0; a < 10; a++) {
      long row = 0;
      for (int p = 0; p < 10; p++) {
        long count = Long.parseLong(confusion.get(a + 1).get(p + 1));
        row += count;
        predicted[p] += count;
        diagonal += a == p ? count : 0;
      }
      assertEquals(perClass[a], row, "examples of class " + a);
      total += row;
    }
    assertEquals(1000, total);
    assertEquals(result.testAccuracy(), diagonal / 1000.0, 1e-9);
    // per-class.csv: predicted counts are the confusion columns; precision = hits / predicted
    List<List<String>> classes = csv(dir.resolve("per-class.csv"));
    assertEquals(List.of("class", "name", "test_examples", "predicted", "recall", "precision",
        "f1"), classes.get(0));
    for (int c = 0; c < 10; c++) {
      List<String> row = classes.get(c + 1);
      assertEquals(Long.toString(predicted[c]), row.get(3));
      long hits = Long.parseLong(confusion.get(c + 1).get(c + 1));
      assertEquals(hits / (double) predicted[c], Double.parseDouble(row.get(5)), 1e-4);
    }

    List<List<String>> timing = csv(dir.resolve("timing.csv"));
    assertEquals(List.of("local[2]", "2", "64", "5", "3"), timing.get(1).subList(0, 5));
    // The tests run the portable oneDNN build (surefire sets the JavaCPP platform extension).
    assertEquals(List.of("convolution", "driver_nd4j", "executor_nd4j"),
        timing.get(0).subList(9, 12));
    assertEquals(List.of("native", "CPU linux-x86_64-onednn oneDNN",
        "CPU linux-x86_64-onednn oneDNN"), timing.get(1).subList(9, 12));
    assertTrue(
        Files.readString(dir.resolve("timing.md")).contains("| local[2] | 2 | 64 | 5 | 3 |"));
    // where the training time went, from DL4J's statistics
    assertEquals(List.of("export_seconds", "broadcast_seconds", "worker_init_seconds",
        "worker_fit_seconds", "round_overhead_seconds", "other_seconds"),
        timing.get(0).subList(12, 18));
    assertEquals(List.of("resumed_after_epoch", "aggregation_depth", "driver_averaging_seconds"),
        timing.get(0).subList(18, 21));
    assertEquals(List.of("0", "2"), timing.get(1).subList(18, 20));
    double trainSeconds = Double.parseDouble(timing.get(1).get(6));
    double parts = Double.parseDouble(timing.get(1).get(20));
    for (int c = 12; c < 18; c++) {
      parts += Double.parseDouble(timing.get(1).get(c));
    }
    assertEquals(trainSeconds, parts, 0.35, "the parts add up to the training time");
    double fit = Double.parseDouble(timing.get(1).get(15));
    assertTrue(fit > 0 && fit < trainSeconds, "worker fit " + fit + " of " + trainSeconds);
    // the resident master (the default) exports nothing; its rounds' times have a file
    assertEquals(0.0, Double.parseDouble(timing.get(1).get(12)), "export time");
    assertEquals("resident", timing.get(1).get(21));
    assertTrue(Files.exists(dir.resolve(RunLayout.ROUND_TIMES)), "round-times.csv");

    // report.html (the finished run's page) and curves.png, written with the other outputs
    String report = Files.readString(dir.resolve(RunLayout.REPORT));
    assertTrue(report.contains("Status: finished, 3 epochs trained."), "report status");
    assertTrue(report.contains("<td>" + finalAccuracy + "</td>"), "accuracy in the report");
    var curves = javax.imageio.ImageIO.read(dir.resolve(RunLayout.CURVES).toFile());
    assertTrue(curves != null && curves.getWidth() > 0, "curves.png is a picture");

    // model.zip reloads and predicts exactly what the trained network predicts
    MultiLayerNetwork reloaded = ModelSerializer.restoreMultiLayerNetwork(
        dir.resolve("model.zip").toFile(), true);
    INDArray expected = ((MultiLayerNetwork) result.network()).output(testSet.getFeatures());
    assertEquals(expected, reloaded.output(testSet.getFeatures()));
    Evaluation eval = new Evaluation(10);
    eval.eval(testSet.getLabels(), reloaded.output(testSet.getFeatures()));
    assertEquals(finalAccuracy, String.format(java.util.Locale.ROOT, "%.4f", eval.accuracy()));
  }

  @Test
  void nativeAndDl4jConvolutionsTrainToTheSameAccuracyBand() throws Exception {
    double[] accuracy = new double[2];
    String[] engines = {"native", "dl4j"};
    for (int i = 0; i < 2; i++) {
      List<String> args = subsetArgs("engine-" + engines[i]);
      args.addAll(List.of("--set", "model.name=lenet-caffe", "--set", "train.epochs=1",
          "--set", "train.learning-rate=0.01", "--set", "model.convolution=" + engines[i]));
      Trained trained = train(TrainJob.parseArgs(args.toArray(String[]::new)));
      accuracy[i] = trained.result().testAccuracy();
      var conv1 = ((MultiLayerNetwork) trained.result().network()).getLayer(0);
      assertEquals(i == 0 ? NativeConvolutionLayer.class : ConvolutionLayer.class,
          conv1.getClass());
      assertEquals(engines[i],
          csv(runs.resolve("engine-" + engines[i]).resolve("timing.csv")).get(1).get(9));
    }
    assertTrue(accuracy[0] >= 0.70, "native: test accuracy " + accuracy[0]);
    // Same seed, same initial weights: only the order of float sums differs.
    assertEquals(accuracy[1], accuracy[0], 0.02, "native vs dl4j test accuracy");
  }

  @Test
  void twoRunsOfTheSameConfigurationGiveIdenticalMetrics() throws Exception {
    List<List<List<String>>> runs = new ArrayList<>();
    for (String id : List.of("same-1", "same-2")) {
      List<String> args = subsetArgs(id);
      // DL4J's master (the resident one: ResidentTrainingMasterTest)
      args.addAll(List.of("--set", "train.master=dl4j", "--set", "train.epochs=2",
          "--set", "data.train-limit=1280",
          "--set", "data.test-limit=200", "--set", "train.augment=[\"random-crop(size=28,"
              + " padding=2)\", flip, scale]"));
      assertEquals(ExitCode.OK, execute(args).code);
      runs.add(csv(this.runs.resolve(id).resolve("metrics.csv")));
      runs.add(csv(this.runs.resolve(id).resolve(RunLayout.ROUNDS)));
    }
    // Everything but wall times and throughput: losses, rates, accuracies (raw and averaged).
    for (int row = 0; row < runs.get(0).size(); row++) {
      List<String> a = runs.get(0).get(row);
      List<String> b = runs.get(2).get(row);
      assertEquals(a.subList(0, 6), b.subList(0, 6), "metrics row " + row);
      assertEquals(a.subList(9, 12), b.subList(9, 12), "metrics row " + row);
    }
    assertEquals(runs.get(1).size(), runs.get(3).size());
    for (int row = 0; row < runs.get(1).size(); row++) {
      assertEquals(runs.get(1).get(row).subList(0, 4), runs.get(3).get(row).subList(0, 4),
          "rounds row " + row);
    }
  }

  @Test
  void runStoppedAfterEpochOneAndResumedEqualsTheUninterruptedRun() throws Exception {
    // DL4J's master (the resident one: ResidentTrainingMasterTest)
    List<String> settings = List.of("--set", "train.master=dl4j", "--set", "train.epochs=3",
        "--set", "data.train-limit=1280",
        "--set", "data.test-limit=200", "--set", "train.learning-rate-decay=0.7",
        "--set", "train.augment=[\"random-crop(size=28, padding=2)\", flip, scale]");
    List<String> whole = subsetArgs("whole");
    whole.addAll(settings);
    assertEquals(ExitCode.OK, execute(whole).code);

    List<String> cut = subsetArgs("cut");
    cut.addAll(settings);
    Outcome stopped = execute(cut, metrics -> {
      if (metrics.epoch() == 1) {
        throw new IllegalStateException("stopped by the test after epoch 1");
      }
    });
    Path dir = runs.resolve("cut");
    assertEquals(ExitCode.FAILURE, stopped.code, stopped.err);
    assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.exists(dir.resolve(RunLayout.FAILED)));
    assertEquals(List.of("epoch-0001"), checkpoints(dir));
    assertEquals(2, csv(dir.resolve("metrics.csv")).size(), "header and epoch 1");

    assertEquals(ExitCode.USAGE, execute(List.of("--resume", dir.toString(), "--set",
        "train.epochs=4")).code, "a resumed run keeps its configuration");
    Outcome resumed = execute(List.of("--resume", dir.toString(), "--set",
        "cluster.placement=cpu"));
    assertEquals(ExitCode.OK, resumed.code, resumed.err);
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertFalse(Files.exists(dir.resolve(RunLayout.FAILED)));
    assertEquals(List.of("epoch-0002", "epoch-0003"), checkpoints(dir), "the newest two kept");
    assertEquals("1", csv(dir.resolve("timing.csv")).get(1).get(18), "resumed_after_epoch");

    Path full = runs.resolve("whole");
    List<List<String>> a = csv(full.resolve("metrics.csv"));
    List<List<String>> b = csv(dir.resolve("metrics.csv"));
    assertEquals(4, b.size());
    for (int row = 0; row < a.size(); row++) {
      assertEquals(a.get(row).subList(0, 6), b.get(row).subList(0, 6), "metrics row " + row);
      assertEquals(a.get(row).subList(9, 12), b.get(row).subList(9, 12), "metrics row " + row);
    }
    List<List<String>> roundsA = csv(full.resolve(RunLayout.ROUNDS));
    List<List<String>> roundsB = csv(dir.resolve(RunLayout.ROUNDS));
    assertEquals(roundsA.size(), roundsB.size());
    for (int row = 0; row < roundsA.size(); row++) {
      assertEquals(roundsA.get(row).subList(0, 4), roundsB.get(row).subList(0, 4),
          "rounds row " + row);
    }
    for (String model : List.of("model.zip", RunLayout.MODEL_EMA)) {
      assertEquals(ModelSerializer.restoreMultiLayerNetwork(full.resolve(model).toFile()).params(),
          ModelSerializer.restoreMultiLayerNetwork(dir.resolve(model).toFile()).params(), model);
    }
    assertEquals(ExitCode.USAGE, execute(List.of("--resume", dir.toString())).code,
        "a complete run is not resumed");
    assertEquals(ExitCode.USAGE, execute(List.of("--resume", runs.resolve("none").toString()))
        .code);
  }

  @Test
  void aDamagedNewestCheckpointIsPassedOverWithAWarningAndTheRunResumesFromTheOneBefore()
      throws Exception {
    List<String> args = subsetArgs("damaged");
    args.addAll(List.of("--set", "train.epochs=3", "--set", "data.train-limit=640",
        "--set", "data.test-limit=100"));
    assertEquals(ExitCode.FAILURE, execute(args, metrics -> {
      if (metrics.epoch() == 2) {
        throw new IllegalStateException("stopped by the test after epoch 2");
      }
    }).code);
    Path dir = runs.resolve("damaged");
    assertEquals(List.of("epoch-0001", "epoch-0002"), checkpoints(dir));
    Path model = dir.resolve(Checkpoints.DIR).resolve("epoch-0002").resolve(Checkpoints.MODEL);
    byte[] bytes = Files.readAllBytes(model);
    Files.write(model, Arrays.copyOf(bytes, bytes.length - 100)); // cut short

    String log;
    Outcome resumed;
    try (org.sparkcnn.LogCapture capture = new org.sparkcnn.LogCapture()) {
      resumed = execute(List.of("--resume", dir.toString()));
      log = capture.text();
    }
    assertEquals(ExitCode.OK, resumed.code, resumed.err);
    assertTrue(log.contains("epoch-0002 is damaged and left out (model.zip does not match its"
        + " checksum); falling back to epoch-0001"), log);
    assertTrue(log.contains("resuming from the checkpoint of epoch 1 of 3"), log);
    assertEquals("1", csv(dir.resolve("timing.csv")).get(1).get(18), "resumed_after_epoch");
    assertEquals(4, csv(dir.resolve("metrics.csv")).size());
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
  }

  static List<String> checkpoints(Path run) throws Exception {
    try (var list = Files.list(run.resolve(Checkpoints.DIR))) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void repeatsTrainWithSuccessiveSeedsAndReportMeanAndStd() throws Exception {
    List<String> args = subsetArgs("repeats");
    args.addAll(List.of("--set", "run.repeats=2", "--set", "train.epochs=1",
        "--set", "data.train-limit=1280", "--set", "data.test-limit=200"));
    assertEquals(ExitCode.OK, execute(args).code);
    Path dir = runs.resolve("repeats");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    double[] top1 = new double[2];
    for (int i = 1; i <= 2; i++) {
      Path repeat = dir.resolve(RunLayout.REPEAT_PREFIX + i);
      assertTrue(Files.exists(repeat.resolve("model.zip")), repeat.toString());
      assertTrue(Files.exists(repeat.resolve(RunLayout.REPORT)), repeat.toString());
      assertTrue(Files.readString(dir.resolve(RunLayout.REPORT))
          .contains("<a href=\"" + RunLayout.REPEAT_PREFIX + i + "/report.html\">"));
      assertFalse(Files.exists(repeat.resolve(RunLayout.EXPORT)));
      top1[i - 1] = Double.parseDouble(csv(repeat.resolve("accuracy.csv")).get(1).get(5));
    }
    assertTrue(Files.readString(dir.resolve("config.conf")).contains("repeats=2"));
    assertFalse(ModelSerializer.restoreMultiLayerNetwork(dir.resolve("repeat-1/model.zip")
        .toFile()).params().equals(ModelSerializer.restoreMultiLayerNetwork(
            dir.resolve("repeat-2/model.zip").toFile()).params()), "other seed, other network");
    List<List<String>> summary = csv(dir.resolve("accuracy.csv"));
    assertEquals(List.of("repeat", "seed", "top1_accuracy", "top5_accuracy",
        "top1_accuracy_ema", "top5_accuracy_ema"), summary.get(0));
    assertEquals(List.of("1", "42"), summary.get(1).subList(0, 2));
    assertEquals(List.of("2", "43"), summary.get(2).subList(0, 2));
    assertEquals(top1[0], Double.parseDouble(summary.get(1).get(2)), 1e-9);
    assertEquals(top1[1], Double.parseDouble(summary.get(2).get(2)), 1e-9);
    assertEquals("mean", summary.get(3).get(0));
    assertEquals((top1[0] + top1[1]) / 2, Double.parseDouble(summary.get(3).get(2)), 1e-4);
    assertEquals(Math.abs(top1[0] - top1[1]) / Math.sqrt(2),
        Double.parseDouble(summary.get(4).get(2)), 1e-4);
    assertTrue(Files.readString(dir.resolve("accuracy.md")).contains("| std |"));
  }

  @Test
  void customActivationTrainsOnSparkAndTheSavedModelReloads() throws Exception {
    List<String> args = subsetArgs("relu-h-swish");
    args.addAll(List.of("--set", "model.activation=relu-h-swish", "--set", "train.epochs=1",
        "--set", "data.train-limit=1280", "--set", "data.test-limit=200"));
    Trained trained = train(TrainJob.parseArgs(args.toArray(String[]::new)));
    RunResult result = trained.result;
    DataSet testSet = trained.testSet;
    Path dir = runs.resolve("relu-h-swish");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    MultiLayerNetwork reloaded = ModelSerializer.restoreMultiLayerNetwork(
        dir.resolve("model.zip").toFile(), true);
    var c1 = (org.deeplearning4j.nn.conf.layers.BaseLayer)
        reloaded.getLayerWiseConfigurations().getConf(0).getLayer();
    assertEquals(new org.sparkcnn.activations.ActivationReLUHardSwish(), c1.getActivationFn());
    assertEquals(((MultiLayerNetwork) result.network()).output(testSet.getFeatures()),
        reloaded.output(testSet.getFeatures()));
    assertTrue(csv(dir.resolve("accuracy.csv")).get(1).get(1).equals("relu-h-swish"));
  }

  @Test
  void labelOutOfRangeExitsWithBadInputNamingFileAndRecordAndNoSuccess() throws Exception {
    byte[] labels = Files.readAllBytes(SUBSET.resolve("t10k-labels-idx1-ubyte.gz"));
    Path bad = runs.resolve("bad-labels.gz");
    byte[] raw = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(labels))
        .readAllBytes();
    raw[8 + 617] = 10;
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(bad))) {
      out.write(raw);
    }
    List<String> args = subsetArgs("bad");
    args.addAll(List.of("--set", "data.test-labels=" + bad));
    Outcome outcome = execute(args);
    assertEquals(ExitCode.BAD_INPUT, outcome.code);
    assertEquals("error: " + bad + " record 617: label 10 is outside the class range 0..9\n",
        outcome.err);
    Path dir = runs.resolve("bad");
    assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.readString(dir.resolve(RunLayout.FAILED)).contains("record 617"));
    assertTrue(Files.exists(dir.resolve("config.conf")));
  }

  @Test
  void missingInputExitsWithBadInputBeforeCreatingARunDirectory() throws Exception {
    List<String> args = subsetArgs("missing");
    Path missing = runs.resolve("no-such-images.gz");
    args.addAll(List.of("--set", "data.train-images=" + missing));
    Outcome outcome = execute(args);
    assertEquals(ExitCode.BAD_INPUT, outcome.code);
    assertEquals("error: input file not found: " + missing + "\n", outcome.err);
    assertFalse(Files.exists(runs.resolve("missing")));
  }

  @Test
  void divergingLossExitsWithDivergedAndNoSuccess() throws Exception {
    for (String scheduling : List.of("job", "barrier")) { // the resident master's two ways
      String id = "diverged-" + scheduling;
      List<String> args = subsetArgs(id);
      args.addAll(List.of("--set", "train.updater=sgd", "--set", "train.learning-rate=1e6",
          "--set", "data.train-limit=1280", "--set", "data.test-limit=100",
          "--set", "train.round-scheduling=" + scheduling));
      Outcome outcome = execute(args);
      assertEquals(ExitCode.DIVERGED, outcome.code, outcome.err);
      assertTrue(outcome.err.startsWith("error: training diverged in epoch 1: loss "),
          outcome.err);
      Path dir = runs.resolve(id);
      assertFalse(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
      assertFalse(Files.exists(dir.resolve("model.zip")));
      assertTrue(Files.readString(dir.resolve(RunLayout.FAILED))
          .startsWith("training diverged in epoch 1: loss "));
      assertTrue(Files.readString(dir.resolve(RunLayout.REPORT))
          .contains("Status: failed: training diverged in epoch 1: loss "), "report.html");
      // the resident master's rounds up to the diverged one
      List<List<String>> times = csv(dir.resolve(RunLayout.ROUND_TIMES));
      assertTrue(times.size() >= 2, "round-times.csv " + times);
    }
  }

  @Test
  void trainingAndEvaluationPipelinesMustGiveTheNetworkOneShape() {
    JobConfig config = TrainJob.parseArgs(new String[] {
        "--set", "train.augment=[\"random-crop(size=24)\", scale]"});
    var e = assertThrows(InvalidConfigException.class,
        () -> DataChecks.networkInput(config.train(), new ImageShape(1, 28, 28)));
    assertEquals("train.augment gives the network [1, 24, 24] images but train.eval-augment"
        + " gives [1, 28, 28]; both must give the same", e.getMessage());
    var tooBig = assertThrows(InvalidConfigException.class,
        () -> DataChecks.networkInput(config.train(), new ImageShape(1, 20, 20)));
    assertTrue(tooBig.getMessage().startsWith("train.augment step 0 for [1, 20, 20] images:"),
        tooBig.getMessage());
  }

  @Test
  void misspeltKeyExitsWithUsageWithoutStartingSpark() {
    Outcome outcome = execute(List.of("--set", "train.epoch=2"));
    assertEquals(ExitCode.USAGE, outcome.code);
    assertEquals("error: unknown configuration key 'train.epoch' (--set train.epoch=2); did you"
        + " mean 'train.epochs'?\n", outcome.err);
    assertEquals(ExitCode.USAGE, execute(List.of("--epochs", "2")).code);
  }

  @Test
  void helpAndABadCommandLineExitWithoutStartingSpark() {
    // The command line is TrainCommandLine's (picocli): --help prints its generated usage.
    Outcome help = execute(List.of("--help"), () -> {
      throw new AssertionError("--help must not start Spark");
    });
    assertEquals(ExitCode.OK, help.code);
    assertEquals(TrainCommandLine.usage(), help.err);
    assertTrue(help.err.contains("--resume RUN_DIR"), help.err);
    Outcome unknown = execute(List.of("--epochs", "2"), () -> {
      throw new AssertionError("a bad command line must not start Spark");
    });
    assertEquals(ExitCode.USAGE, unknown.code);
    assertTrue(unknown.err.startsWith("error: ") && unknown.err.contains("--epochs"), unknown.err);
    Outcome noValue = execute(List.of("--conf"), () -> {
      throw new AssertionError("a bad command line must not start Spark");
    });
    assertEquals(ExitCode.USAGE, noValue.code);
    assertTrue(noValue.err.contains("--conf"), noValue.err);
  }

  static Outcome execute(List<String> args, Supplier<JavaSparkContext> spark) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(args.toArray(String[]::new), spark,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  record Trained(RunResult result, DataSet testSet) {}

  /** Runs the job on local[2], and reads the test set it evaluated on (after data.test-limit). */
  static Trained train(JobConfig config) {
    JavaSparkContext sc = LocalSpark.start();
    try {
      RunResult result = RunLifecycle.run(config, sc, EpochListener.NONE);
      IdxDataset test = IdxDataset.open(config.data().testImages(), config.data().testLabels(),
          10, config.data().testLimit(), sc.hadoopConfiguration());
      Augmenter scale = new Augmenter(test.shape(), config.train().evalAugment(), 10, 0, 0);
      return new Trained(result, scale.toDataSet(test.load(sc, 1).collect()));
    } finally {
      sc.stop();
    }
  }

  record Outcome(ExitCode code, String err) {}

  static Outcome execute(List<String> args) {
    return execute(args, EpochListener.NONE);
  }

  /** Runs the job, telling {@code listener} of every epoch (tests stop runs with it). */
  static Outcome execute(List<String> args, EpochListener listener) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(args.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8), listener);
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }
}
