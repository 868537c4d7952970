package org.sparkcnn.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.ExitCode;
import org.sparkcnn.train.TrainJob;

/**
 * The prediction job in Spark local[2] against a run trained here for one epoch on the
 * Fashion-MNIST subset of the test resources (a LeNet-5 whose evaluation pipeline normalises
 * with the training set's statistics): it reproduces the run's test evaluation, scores
 * unlabelled PNGs as the labelled path does, and refuses bad input.
 */
class PredictJobTest {
  static final Path SUBSET = resource("../train/fashion-mnist-subset");
  static final int TEST_IMAGES = 200;
  @TempDir static Path shared;
  static Path run;
  /** The prediction of the run's own test set with its model.zip. */
  static Path labelled;
  @TempDir Path tmp;

  static Path resource(String name) {
    try {
      return Path.of(PredictJobTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  record Outcome(ExitCode code, String err) {}

  @BeforeAll
  static void trainAndPredict() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode trained = TrainJob.execute(new String[] {
        "--set", "data.idx.train-images=" + SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.idx.train-labels=" + SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.idx.test-images=" + SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.idx.test-labels=" + SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=1280", "--set", "data.test-limit=" + TEST_IMAGES,
        "--set", "train.epochs=1", "--set", "train.eval-batch-size=64",
        "--set", "train.augment=[\"random-crop(size=28, padding=2)\", normalize]",
        "--set", "train.eval-augment=[normalize]",
        "--set", "run.output-root=" + shared.resolve("runs"), "--set", "run.id=trained"},
        LocalSpark::start, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(ExitCode.OK, trained, err.toString(StandardCharsets.UTF_8));
    run = shared.resolve("runs/trained");
    Outcome out = predict(shared.resolve("predictions"), "labelled",
        "predict.model=" + run);
    assertEquals(ExitCode.OK, out.code(), out.err());
    labelled = shared.resolve("predictions/labelled");
  }

  /** Runs the prediction job as {@code runId} under {@code runs} with {@code settings}. */
  static Outcome predict(Path runs, String runId, String... settings) {
    List<String> args = new ArrayList<>(List.of("--set", "run.output-root=" + runs,
        "--set", "run.id=" + runId));
    for (String s : settings) {
      args.add("--set");
      args.add(s);
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = PredictJob.execute(args.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theRunsTestSetGivesItsFinalTestAccuracyAndPerClassTable() throws Exception {
    assertTrue(Files.exists(labelled.resolve(RunLayout.SUCCESS)));
    Table runAccuracy = Table.read(run.resolve(RunLayout.ACCURACY));
    Table accuracy = Table.read(labelled.resolve(RunLayout.ACCURACY));
    assertEquals(runAccuracy.cell(0, "top1_accuracy"), accuracy.cell(0, "top1_accuracy"));
    assertEquals(runAccuracy.cell(0, "top5_accuracy"), accuracy.cell(0, "top5_accuracy"));
    assertEquals(Integer.toString(TEST_IMAGES), accuracy.cell(0, "test_examples"));
    assertEquals(Files.readString(run.resolve(RunLayout.PER_CLASS)),
        Files.readString(labelled.resolve(RunLayout.PER_CLASS)));
    assertEquals(Files.readString(run.resolve(RunLayout.CONFUSION)),
        Files.readString(labelled.resolve(RunLayout.CONFUSION)));
    assertEquals(Files.readString(run.resolve(RunLayout.CLASSES)),
        Files.readString(labelled.resolve(RunLayout.CLASSES)));
    String report = Files.readString(labelled.resolve(RunLayout.REPORT));
    assertTrue(report.contains("finished, " + TEST_IMAGES + " images scored")
        && report.contains("Confusion matrix") && report.contains("Ankle boot"), report);

    Table predictions = Table.read(labelled.resolve(RunLayout.PREDICTIONS_CSV));
    assertEquals(TEST_IMAGES, predictions.rows().size());
    assertEquals(List.of("index", "path", "label", "label_name", "prediction",
        "prediction_name", "class_1", "name_1", "probability_1"),
        predictions.columns().subList(0, 9));
    assertEquals(6 + 3 * 5, predictions.columns().size(), "predict.top-k = 5");
    int correct = 0;
    for (int i = 0; i < TEST_IMAGES; i++) {
      assertEquals(Integer.toString(i), predictions.cell(i, "index"), "index order");
      assertEquals("", predictions.cell(i, "path"), "IDX records have no path");
      assertEquals(predictions.cell(i, "prediction"), predictions.cell(i, "class_1"));
      assertTrue(Float.parseFloat(predictions.cell(i, "probability_1"))
          >= Float.parseFloat(predictions.cell(i, "probability_2")));
      if (predictions.cell(i, "label").equals(predictions.cell(i, "prediction"))) {
        correct++;
      }
    }
    assertEquals(runAccuracy.cell(0, "top1_accuracy"),
        String.format(java.util.Locale.ROOT, "%.4f", (double) correct / TEST_IMAGES));
    assertEquals("Trouser", predictions.cell(predictions.rows().stream()
        .map(r -> r.get(2)).toList().indexOf("1"), "label_name"));

    JavaSparkContext sc = LocalSpark.start();
    try {
      Dataset<Row> parquet = SparkSession.builder().sparkContext(sc.sc()).getOrCreate().read()
          .parquet(labelled.resolve(RunLayout.PREDICTIONS_PARQUET).toString()).orderBy("index");
      List<Row> rows = parquet.collectAsList();
      assertEquals(TEST_IMAGES, rows.size());
      Row first = rows.get(0);
      assertEquals(Integer.parseInt(predictions.cell(0, "prediction")),
          first.<Integer>getAs("prediction"));
      List<Float> probabilities = first.getList(first.fieldIndex("probabilities"));
      assertEquals(10, probabilities.size());
      assertEquals(Float.parseFloat(predictions.cell(0, "probability_1")),
          probabilities.get(first.<Integer>getAs("prediction")), 0f);
    } finally {
      sc.stop();
    }
  }

  @Test
  void theMovingAverageGivesTheRunsMovingAverageAccuracy() throws Exception {
    Outcome out = predict(tmp, "ema", "predict.model=" + run.resolve(RunLayout.MODEL_EMA));
    assertEquals(ExitCode.OK, out.code(), out.err());
    Table runAccuracy = Table.read(run.resolve(RunLayout.ACCURACY));
    Table accuracy = Table.read(tmp.resolve("ema").resolve(RunLayout.ACCURACY));
    assertEquals(runAccuracy.cell(0, "top1_accuracy_ema"), accuracy.cell(0, "top1_accuracy"));
    assertEquals(runAccuracy.cell(0, "top5_accuracy_ema"), accuracy.cell(0, "top5_accuracy"));
    assertTrue(Files.exists(tmp.resolve("ema").resolve(RunLayout.SUCCESS)));
  }

  /** The first {@code n} test images of the subset as 8-bit grey PNGs img-000.png... */
  static void writePngs(Path folder, int n) throws Exception {
    Files.createDirectories(folder);
    try (InputStream raw = Files.newInputStream(SUBSET.resolve("t10k-images-idx3-ubyte.gz"));
        DataInputStream in = new DataInputStream(new GZIPInputStream(raw))) {
      in.skipNBytes(16);
      for (int i = 0; i < n; i++) {
        byte[] pixels = in.readNBytes(28 * 28);
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, 28, 28, pixels);
        ImageIO.write(image, "png",
            folder.resolve(String.format(java.util.Locale.ROOT, "img-%03d.png", i)).toFile());
      }
    }
  }

  @Test
  void unlabelledPngsGetTheClassesOfTheLabelledPath() throws Exception {
    Path images = tmp.resolve("images");
    writePngs(images, 30);
    Files.writeString(images.resolve("notes.txt"), "not an image");
    Outcome out = predict(tmp.resolve("runs"), "folder", "predict.model=" + run,
        "predict.input=" + images, "predict.top-k=3");
    assertEquals(ExitCode.OK, out.code(), out.err());
    Path dir = tmp.resolve("runs/folder");
    Table fromFolder = Table.read(dir.resolve(RunLayout.PREDICTIONS_CSV));
    Table fromDataset = Table.read(labelled.resolve(RunLayout.PREDICTIONS_CSV));
    assertEquals(30, fromFolder.rows().size());
    assertEquals(6 + 3 * 3, fromFolder.columns().size());
    for (int i = 0; i < 30; i++) {
      assertTrue(fromFolder.cell(i, "path").endsWith(
          String.format(java.util.Locale.ROOT, "img-%03d.png", i)), fromFolder.cell(i, "path"));
      assertEquals("", fromFolder.cell(i, "label"));
      assertEquals(fromDataset.cell(i, "prediction"), fromFolder.cell(i, "prediction"),
          "image " + i);
      assertEquals(fromDataset.cell(i, "prediction_name"), fromFolder.cell(i, "prediction_name"));
      assertEquals(Float.parseFloat(fromDataset.cell(i, "probability_1")),
          Float.parseFloat(fromFolder.cell(i, "probability_1")), 1e-5f, "image " + i);
    }
    assertFalse(Files.exists(dir.resolve(RunLayout.ACCURACY)), "no labels, no accuracy");
    assertTrue(Files.readString(dir.resolve(RunLayout.REPORT)).contains("no labels"));
    assertFalse(Files.exists(dir.resolve(RunLayout.SKIPPED)));
  }

  @Test
  void aCorruptImageIsSkippedAndListedOrFailsPastTheLimit() throws Exception {
    Path images = tmp.resolve("images");
    writePngs(images, 4);
    Files.write(images.resolve("img-002b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
    Outcome within = predict(tmp.resolve("runs"), "within", "predict.model=" + run,
        "predict.input=" + images, "data.max-skipped-fraction=0.5");
    assertEquals(ExitCode.OK, within.code(), within.err());
    Path dir = tmp.resolve("runs/within");
    Table skipped = Table.read(dir.resolve(RunLayout.SKIPPED));
    assertEquals(1, skipped.rows().size());
    assertTrue(skipped.cell(0, "path").endsWith("img-002b.png"));
    assertEquals("input", skipped.cell(0, "split"));
    assertEquals(4, Table.read(dir.resolve(RunLayout.PREDICTIONS_CSV)).rows().size());

    Outcome past = predict(tmp.resolve("runs"), "past", "predict.model=" + run,
        "predict.input=" + images);
    assertEquals(ExitCode.BAD_INPUT, past.code(), past.err());
    assertTrue(past.err().contains("1 of the 5 images") && past.err().contains("img-002b.png"),
        past.err());
    Path failed = tmp.resolve("runs/past");
    assertFalse(Files.exists(failed.resolve(RunLayout.SUCCESS)));
    assertTrue(Files.exists(failed.resolve(RunLayout.FAILED)));
    assertTrue(Files.exists(failed.resolve(RunLayout.SKIPPED)));
    String report = Files.readString(failed.resolve(RunLayout.REPORT));
    assertTrue(report.contains("Status: failed: 1 of the 5 images")
        && report.contains("Skipped images") && !report.contains("Curves"), report);
  }

  @Test
  void aMissingModelOrRunFileFailsWithBadInputAndWritesNothing() throws Exception {
    Outcome missing = predict(tmp.resolve("runs"), "m", "predict.model=" + tmp.resolve("none"));
    assertEquals(ExitCode.BAD_INPUT, missing.code(), missing.err());
    assertTrue(missing.err().contains("no model or run directory at"), missing.err());
    assertFalse(Files.exists(tmp.resolve("runs/m")));

    Path partial = tmp.resolve("partial");
    Files.createDirectories(partial);
    for (String name : List.of(RunLayout.CONFIG, RunLayout.CLASSES, RunLayout.MODEL,
        RunLayout.SUCCESS)) {
      Files.copy(run.resolve(name), partial.resolve(name));
    }
    Outcome noStats = predict(tmp.resolve("runs"), "s", "predict.model=" + partial);
    assertEquals(ExitCode.BAD_INPUT, noStats.code(), noStats.err());
    assertTrue(noStats.err().contains("lacks " + RunLayout.DATASET_STATS), noStats.err());
    assertFalse(Files.exists(tmp.resolve("runs/s")));

    Outcome noModel = predict(tmp.resolve("runs"), "e", "predict.model=" + partial,
        "predict.moving-average=true");
    assertEquals(ExitCode.BAD_INPUT, noModel.code(), noModel.err());
    assertTrue(noModel.err().contains("no " + RunLayout.MODEL_EMA), noModel.err());
  }

  @Test
  void imagesOfAShapeTheModelCannotTakeAreRefusedNamingBothShapes() throws Exception {
    Path folder = tmp.resolve("colour/Trouser");
    Files.createDirectories(folder);
    ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png",
        folder.resolve("a.png").toFile());
    Outcome out = predict(tmp.resolve("runs"), "shape", "predict.model=" + run,
        "data.format=image-folder", "data.folder.test=" + tmp.resolve("colour"),
        "data.folder.channels=3", "data.folder.height=32", "data.folder.width=32",
        "data.folder.on-size-mismatch=reject", "data.class-names=[]");
    assertEquals(ExitCode.BAD_INPUT, out.code(), out.err());
    assertTrue(out.err().contains("images of shape [3, 32, 32]")
        && out.err().contains("takes images of shape [1, 28, 28]"), out.err());
    assertFalse(Files.exists(tmp.resolve("runs/shape")));
  }

  /** The faults a new user of the prediction job found: each refused clearly, or served. */
  @Test
  void anUnfinishedRunATooLargeTopKAndAnUnreachableInputAreRefusedAndOddNamesServed()
      throws Exception {
    Path failedRun = tmp.resolve("failed-run");
    Files.createDirectories(failedRun);
    for (String name : List.of(RunLayout.CONFIG, RunLayout.CLASSES, RunLayout.MODEL,
        RunLayout.DATASET_STATS)) {
      Files.copy(run.resolve(name), failedRun.resolve(name));
    }
    Outcome unfinished = predict(tmp.resolve("runs"), "u", "predict.model=" + failedRun);
    assertEquals(ExitCode.BAD_INPUT, unfinished.code(), unfinished.err());
    assertTrue(unfinished.err().contains("is not complete: it has not finished (no _SUCCESS)"),
        unfinished.err());
    Files.writeString(failedRun.resolve(RunLayout.FAILED), "diverged in epoch 3\n");
    Outcome failed = predict(tmp.resolve("runs"), "f", "predict.model=" + failedRun);
    assertEquals(ExitCode.BAD_INPUT, failed.code(), failed.err());
    assertTrue(failed.err().contains("it failed (") && failed.err().contains("diverged in epoch 3"),
        failed.err());

    Outcome topK = predict(tmp.resolve("runs"), "k", "predict.model=" + run,
        "predict.top-k=11");
    assertEquals(ExitCode.USAGE, topK.code(), topK.err());
    assertTrue(topK.err().contains("predict.top-k must be at most the model's 10 classes"),
        topK.err());

    Outcome host = predict(tmp.resolve("runs"), "h", "predict.model=" + run,
        "predict.input=hdfs://no-such-namenode.invalid:8020/in/*.png");
    assertEquals(ExitCode.BAD_INPUT, host.code(), host.err());
    assertTrue(host.err().contains("cannot read hdfs://no-such-namenode.invalid:8020/in/*.png")
        && host.err().contains("no-such-namenode.invalid"), host.err());
    Outcome modelHost = predict(tmp.resolve("runs"), "mh",
        "predict.model=hdfs://no-such-namenode.invalid:8020/runs/x");
    assertEquals(ExitCode.BAD_INPUT, modelHost.code(), modelHost.err());
    assertTrue(modelHost.err().contains("predict.model: cannot read"), modelHost.err());

    Outcome emaOfAFile = predict(tmp.resolve("runs"), "ef",
        "predict.model=" + run.resolve(RunLayout.MODEL), "predict.moving-average=true");
    assertEquals(ExitCode.USAGE, emaOfAFile.code(), emaOfAFile.err());
    assertTrue(emaOfAFile.err().contains("is a model file, not a run directory"),
        emaOfAFile.err());

    // The run's IDX test set named as other classes: its labels would mean other classes.
    Outcome otherClasses = predict(tmp.resolve("runs"), "oc", "predict.model=" + run,
        "data.class-names=[a, b, c, d, e, f, g, h, i, j]");
    assertEquals(ExitCode.BAD_INPUT, otherClasses.code(), otherClasses.err());
    assertTrue(otherClasses.err().contains("the classes [a, b, c, d, e, f, g, h, i, j] of ")
        && otherClasses.err().contains("differ from the model's classes"), otherClasses.err());
    for (String id : List.of("u", "f", "k", "h", "mh", "ef", "oc")) {
      assertFalse(Files.exists(tmp.resolve("runs").resolve(id)), id);
    }

    Path odd = tmp.resolve("we ird [dir] #1, ü & 'q'");
    writePngs(odd, 3);
    Outcome literal = predict(tmp.resolve("runs"), "odd", "predict.model=" + run,
        "predict.input=" + odd);
    assertEquals(ExitCode.OK, literal.code(), literal.err());
    assertEquals(3, Table.read(tmp.resolve("runs/odd").resolve(RunLayout.PREDICTIONS_CSV))
        .rows().size());
    Outcome glob = predict(tmp.resolve("runs"), "oddglob", "predict.model=" + run,
        "predict.input=" + odd + "/*.png");
    assertEquals(ExitCode.BAD_INPUT, glob.code(), glob.err());
    assertTrue(glob.err().contains("read as a Hadoop glob pattern"), glob.err());
  }

  @Test
  void anEmptyInputFails() throws Exception {
    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty.resolve("sub"));
    Outcome out = predict(tmp.resolve("runs"), "empty", "predict.model=" + run,
        "predict.input=" + empty);
    assertEquals(ExitCode.BAD_INPUT, out.code(), out.err());
    assertTrue(out.err().contains("no images: " + empty), out.err());
    Outcome glob = predict(tmp.resolve("runs"), "glob", "predict.model=" + run,
        "predict.input=" + empty + "/*.png");
    assertEquals(ExitCode.BAD_INPUT, glob.code(), glob.err());
    assertFalse(Files.exists(tmp.resolve("runs/empty")));
  }

  @Test
  void theScoringCoreOfARunDirectoryMatchesItsConfiguration() {
    ServingModel model = ServingModel.load(run.toString(), new org.apache.hadoop.conf
        .Configuration());
    assertEquals(new org.sparkcnn.models.ImageShape(1, 28, 28), model.inputShape());
    assertEquals(10, model.numClasses());
    assertEquals("T-shirt/top", model.classNames().get(0));
    assertEquals(model.runConfig().train().evalAugment().withStats(model.stats()),
        model.evalAugmenter().pipeline());
    assertEquals(model.runConfig().run().seed(), model.evalAugmenter().seed());
    assertEquals(org.sparkcnn.data.Augmenter.EVALUATION_EPOCH, model.evalAugmenter().epoch());
  }
}
