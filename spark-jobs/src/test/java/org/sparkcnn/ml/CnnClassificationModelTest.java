package org.sparkcnn.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.apache.spark.ml.image.ImageSchema;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.ImageDecoder;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.GraphBuilder;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.predict.Scored;
import org.sparkcnn.predict.ServingModel;
import org.sparkcnn.train.ExitCode;
import org.sparkcnn.train.TrainJob;

/**
 * The Spark ML model on a LeNet-5 trained for one epoch on the Fashion-MNIST subset of the test
 * resources, scoring PNGs written from the first test images, in Spark local[2].
 */
class CnnClassificationModelTest {
  static final Path SUBSET = resource("../train/fashion-mnist-subset");
  static final int IMAGES = 24;
  static final int SIDE = 28;
  @TempDir static Path tmp;
  static Path run;
  static Path pngs;
  /** The scoring core's probabilities of each PNG, by file name. */
  static Map<String, float[]> expected;
  SparkSession spark;

  static Path resource(String name) {
    try {
      return Path.of(CnnClassificationModelTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  @BeforeAll
  static void trainAndWritePngs() throws Exception {
    List<String> args = List.of(
        "--set", "data.train-images=" + SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.train-labels=" + SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.test-images=" + SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.test-labels=" + SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=512", "--set", "data.test-limit=64",
        "--set", "model.name=lenet5", "--set", "train.epochs=1",
        "--set", "run.output-root=" + tmp.resolve("runs"), "--set", "run.id=lenet5");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code = TrainJob.execute(args.toArray(String[]::new), LocalSpark::start,
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));
    run = tmp.resolve("runs/lenet5");
    pngs = Files.createDirectories(tmp.resolve("pngs"));
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(
        Files.newInputStream(SUBSET.resolve("t10k-images-idx3-ubyte.gz"))))) {
      in.skipNBytes(16); // magic, count, rows, columns
      for (int i = 0; i < IMAGES; i++) {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = in.readNBytes(SIDE * SIDE);
        image.getRaster().setDataElements(0, 0, SIDE, SIDE, pixels);
        ImageIO.write(image, "png", pngs.resolve(String.format("t%02d.png", i)).toFile());
      }
    }
    ServingModel serving = ServingModel.load(run.toString(), new Configuration());
    expected = new HashMap<>();
    List<LabeledImage> batch = new ArrayList<>();
    List<String> names = new ArrayList<>();
    try (var files = Files.list(pngs)) {
      for (Path file : files.sorted().toList()) {
        batch.add(new LabeledImage(batch.size(), ImageDecoder.decode(Files.readAllBytes(file),
            serving.inputShape(), serving.onSizeMismatch(), serving.onChannelMismatch(),
            serving.maxImagePixels()), Scored.NO_LABEL));
        names.add(file.getFileName().toString());
      }
    }
    float[][] probabilities = serving.payload().scorer().probabilities(batch);
    for (int i = 0; i < names.size(); i++) {
      expected.put(names.get(i), probabilities[i]);
    }
  }

  SparkSession start() {
    spark = SparkSession.builder().sparkContext(LocalSpark.start().sc()).getOrCreate();
    return spark;
  }

  @AfterEach
  void stop() {
    if (spark != null) {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
      spark = null;
    }
  }

  static CnnClassificationModel model() {
    return CnnClassificationModel.fromRun(run.toString(), new Configuration());
  }

  static String fileName(String pathOrUri) {
    return pathOrUri.substring(pathOrUri.lastIndexOf('/') + 1);
  }

  static float[] asFloats(Vector v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) v.apply(i);
    }
    return out;
  }

  /** Every row's prediction, probabilities and class name agree with the core's on its file. */
  static void assertCorePredictions(List<Row> rows, String pathColumn, List<String> classes) {
    assertEquals(IMAGES, rows.size());
    for (Row row : rows) {
      String name = fileName(row.getAs(pathColumn));
      float[] want = expected.get(name);
      assertNotNull(want, name);
      int predicted = new Scored(0, Scored.NO_LABEL, want).predicted();
      assertEquals(predicted, (double) row.getAs("prediction"), name);
      assertArrayEquals(want, asFloats(row.getAs("probability")), 1e-6f, name);
      assertEquals(classes.get(predicted), row.getAs("predictedLabel"), name);
    }
  }

  @Test
  void imageSourceAndBinaryFileRowsGetTheScoringCoresPredictionsOfTheirFiles() {
    start();
    CnnClassificationModel model = CnnClassificationModel.fromRun(run.toString()).setBatchSize(5);
    Dataset<Row> images = spark.read().format("image").load(pngs.toString());
    Dataset<Row> scored = model.transform(images);
    assertEquals(List.of("image", "prediction", "probability", "predictedLabel"),
        List.of(scored.columns()));
    assertCorePredictions(scored.select("image.origin", "prediction", "probability",
        "predictedLabel").collectAsList(), "origin", model.classNames());

    Dataset<Row> files = spark.read().format("binaryFile").load(pngs.toString());
    List<Row> fromBytes = model.setImageCol("content").transform(files).collectAsList();
    assertCorePredictions(fromBytes, "path", model.classNames());
    assertEquals(10, model.numClasses());
  }

  @Test
  void aPipelineModelSavedAndLoadedInAFreshSessionPredictsTheSame() throws Exception {
    start();
    PipelineModel pipeline = new PipelineModel("cnn-pipeline",
        new Transformer[] {model().setImageCol("content").setPredictedLabelCol("")});
    Dataset<Row> files = spark.read().format("binaryFile").load(pngs.toString());
    List<Row> before = pipeline.transform(files).select("path", "prediction", "probability")
        .orderBy("path").collectAsList();
    String saved = tmp.resolve("saved-pipeline").toString();
    pipeline.write().save(saved);
    stop();

    start();
    PipelineModel loaded = PipelineModel.load(saved);
    CnnClassificationModel stage = (CnnClassificationModel) loaded.stages()[0];
    assertEquals("content", stage.getImageCol());
    assertEquals("", stage.getPredictedLabelCol());
    assertEquals("keep", stage.getHandleInvalid());
    Dataset<Row> again = spark.read().format("binaryFile").load(pngs.toString());
    List<Row> after = loaded.transform(again).select("path", "prediction", "probability")
        .orderBy("path").collectAsList();
    assertEquals(before, after);
    assertCorePredictions(after.stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2),
        stage.classNames().get((int) r.getDouble(1)))).toList(), 0, stage.classNames());
  }

  /** {@link #assertCorePredictions} on rows of path, prediction, probability, class name. */
  static void assertCorePredictions(List<Row> rows, int pathIndex, List<String> classes) {
    assertEquals(IMAGES, rows.size());
    for (Row row : rows) {
      String name = fileName(row.getString(pathIndex));
      float[] want = expected.get(name);
      int predicted = new Scored(0, Scored.NO_LABEL, want).predicted();
      assertEquals(predicted, row.getDouble(1), name);
      assertArrayEquals(want, asFloats((Vector) row.get(2)), 1e-6f, name);
      assertEquals(classes.get(predicted), row.getString(3), name);
    }
  }

  @Test
  void aMissingOrWronglyTypedColumnIsRefusedNamingTheColumns() {
    start();
    CnnClassificationModel model = model();
    StructType schema = new StructType().add("path", DataTypes.StringType)
        .add("content", DataTypes.BinaryType);
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> model.transformSchema(schema));
    assertTrue(missing.getMessage().contains("image")
        && missing.getMessage().contains("path") && missing.getMessage().contains("content"),
        missing.getMessage());
    Dataset<Row> paths = spark.createDataFrame(List.of(RowFactory.create("a.png", new byte[0])),
        schema);
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> model.setImageCol("path").transform(paths));
    assertTrue(wrongType.getMessage().contains("path"), wrongType.getMessage());
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> model.setImageCol("content").setPredictionCol("path").transformSchema(schema));
    assertTrue(taken.getMessage().contains("path already exists"), taken.getMessage());
  }

  @Test
  void anEmptyDataFrameGivesAnEmptyResultWithTheOutputColumns() {
    start();
    StructType schema = new StructType().add("content", DataTypes.BinaryType);
    Dataset<Row> empty = spark.createDataFrame(List.<Row>of(), schema);
    Dataset<Row> scored = model().setImageCol("content").transform(empty);
    assertEquals(List.of("content", "prediction", "probability", "predictedLabel"),
        List.of(scored.columns()));
    assertEquals(0, scored.count());
  }

  @Test
  void aCorruptOrNullImageGetsNullOutputsAndTheOtherRowsAreScored() throws Exception {
    start();
    StructType schema = new StructType().add("name", DataTypes.StringType)
        .add("content", DataTypes.BinaryType);
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("t00.png", Files.readAllBytes(pngs.resolve("t00.png"))));
    rows.add(RowFactory.create("corrupt", "not a png".getBytes(StandardCharsets.US_ASCII)));
    rows.add(RowFactory.create("null", null));
    rows.add(RowFactory.create("t01.png", Files.readAllBytes(pngs.resolve("t01.png"))));
    List<Row> scored = model().setImageCol("content").setBatchSize(2)
        .transform(spark.createDataFrame(rows, schema).coalesce(1)).collectAsList();
    assertEquals(List.of("t00.png", "corrupt", "null", "t01.png"),
        scored.stream().map(r -> r.getString(0)).toList());
    for (int i : new int[] {1, 2}) {
      assertNull(scored.get(i).getAs("prediction"));
      assertNull(scored.get(i).getAs("probability"));
      assertNull(scored.get(i).getAs("predictedLabel"));
    }
    for (int i : new int[] {0, 3}) {
      float[] want = expected.get(scored.get(i).getString(0));
      assertArrayEquals(want, asFloats(scored.get(i).getAs("probability")), 1e-6f);
    }

    Dataset<Row> input = spark.createDataFrame(rows, schema).coalesce(1);
    List<Row> skipped = model().setImageCol("content").setBatchSize(2).setHandleInvalid("skip")
        .transform(input).collectAsList();
    assertEquals(List.of("t00.png", "t01.png"), skipped.stream().map(r -> r.getString(0)).toList());
    assertArrayEquals(expected.get("t01.png"), asFloats(skipped.get(1).getAs("probability")),
        1e-6f);

    Exception failed = assertThrows(Exception.class, () -> model().setImageCol("content")
        .setHandleInvalid("error").transform(input).collectAsList());
    String message = messages(failed);
    assertTrue(message.contains("column content, partition 0, row 1 (0-based): cannot decode"),
        message);
    assertThrows(IllegalArgumentException.class, () -> model().setHandleInvalid("drop"));
  }

  @Test
  void aGraphNetworkWithoutRunDirectorySavesAndLoadsScoringImageStructsTheSame() throws Exception {
    start();
    ImageShape shape = new ImageShape(3, 8, 8);
    ComputationGraph resnet = ((GraphBuilder) Models.create("resnet20", new NetworkOptions(shape,
        3, "relu", WeightInit.RELU, 5e-4, new Nesterovs(0.01, 0.9), 7,
        ConvolutionEngine.NATIVE))).init();
    Augmenter scale = new Augmenter(shape,
        Pipeline.parse("train.eval-augment", List.of("scale"), true), 3, 1,
        Augmenter.EVALUATION_EPOCH);
    CnnClassificationModel model = CnnClassificationModel.fromNetwork(resnet, scale,
        List.of("cat", "dog", "fox"), SizePolicy.REJECT, ChannelPolicy.REJECT, 1_000_000);
    List<Row> rows = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 5; i++) {
      byte[] bgr = new byte[3 * 8 * 8];
      random.nextBytes(bgr);
      rows.add(RowFactory.create(RowFactory.create("img-" + i, 8, 8, 3, 16, bgr)));
    }
    rows.add(RowFactory.create(RowFactory.create("too-small", 4, 4, 3, 16, new byte[48])));
    Dataset<Row> images = spark.createDataFrame(rows, ImageSchema.imageSchema());
    List<Row> before = model.transform(images).collectAsList();
    assertNull(before.get(5).getAs("prediction"), "reject policy: a 4x4 image is unusable");
    assertTrue(List.of("cat", "dog", "fox").contains(before.get(0).getString(3)));
    String saved = tmp.resolve("saved-resnet").toString();
    model.write().overwrite().save(saved);
    CnnClassificationModel loaded = CnnClassificationModel.load(saved);
    assertEquals(List.of("cat", "dog", "fox"), loaded.classNames());
    assertEquals(shape, loaded.imageShape());
    assertEquals(before, loaded.transform(images).collectAsList());
    assertThrows(IllegalArgumentException.class, () -> CnnClassificationModel.fromNetwork(resnet,
        scale, List.of("cat", "dog"), SizePolicy.REJECT, ChannelPolicy.REJECT, 1_000_000));
  }

  /** The messages of {@code e} and its causes (Spark wraps a task's exception). */
  static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
