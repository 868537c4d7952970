package org.sparkcnn.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The job on DataFrames ({@code spark-image}, {@code binary-file}, {@code parquet}) made from PNG
 * folders of the bundled Fashion-MNIST subset (300 training and 100 test images, one folder per
 * class), against the job on the same folders read as {@code image-folder}; and its bad inputs.
 */
class DataFrameTrainJobTest {
  private static final int TRAIN = 300;
  private static final int TEST = 100;
  @TempDir static Path data;
  /** The path column of corrupt.parquet's corrupt row: its first in path order. */
  private static String corruptPath;
  @TempDir Path runs;

  /**
   * Writes the PNG folders, and with Spark: Parquet tables of them (path, image bytes, the class
   * folder's name as label), one with integer labels one of which is out of range, and one whose
   * first row in path order holds no image.
   */
  @BeforeAll
  static void writeFoldersAndTables() throws IOException {
    writePngs("train", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", TRAIN);
    writePngs("test", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", TEST);
    Files.createDirectories(data.resolve("empty/class-0"));
    Files.writeString(data.resolve("empty/class-0/notes.txt"), "not an image");
    JavaSparkContext sc = LocalSpark.start();
    try {
      SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
      for (String split : List.of("train", "test")) {
        files(spark, split).write().parquet(data.resolve(split + ".parquet").toString());
      }
      files(spark, "train")
          .withColumn("label", when(col("path").endsWith("/0.png"), lit(10))
              .otherwise(element_at(split(col("label"), "-"), 2).cast(DataTypes.IntegerType)))
          .write().parquet(data.resolve("integer-labels.parquet").toString());
      Dataset<Row> train = files(spark, "train");
      corruptPath = train.orderBy("path").first().getString(0);
      train.withColumn("image", when(col("path").equalTo(corruptPath), lit(new byte[] {1, 2, 3}))
              .otherwise(col("image")))
          .write().parquet(data.resolve("corrupt.parquet").toString());
    } finally {
      sc.stop();
    }
  }

  /** The split's PNGs as binaryFile reads them: path, image (the file's bytes), label (folder). */
  private static Dataset<Row> files(SparkSession spark, String split) {
    return spark.read().format("binaryFile").option("recursiveFileLookup", "true")
        .load(data.resolve(split).toString())
        .select(col("path"), col("content").as("image"),
            element_at(split(col("path"), "/"), -2).as("label"));
  }

  /** The first {@code count} images of an IDX pair as {@code split/class-L/I.png}. */
  private static void writePngs(String split, String images, String labels, int count)
      throws IOException {
    Path subset = TrainJobTest.SUBSET;
    try (DataInputStream pixels = idx(subset.resolve(images), 16);
        DataInputStream classes = idx(subset.resolve(labels), 8)) {
      for (int i = 0; i < count; i++) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] row = new byte[28 * 28];
        pixels.readFully(row);
        image.getRaster().setDataElements(0, 0, 28, 28, row);
        Path file = data.resolve(split + "/class-" + classes.readUnsignedByte() + "/" + i + ".png");
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
      }
    }
  }

  private static DataInputStream idx(Path file, int header) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(file));
    in.readNBytes(header);
    return new DataInputStream(in);
  }

  List<String> args(String runId, String format, String train, String test) {
    return new ArrayList<>(List.of(
        "--set", "data.format=" + format, "--set", "data.name=fashion-pngs",
        "--set", "data.folder.train=" + data.resolve(train),
        "--set", "data.folder.test=" + data.resolve(test),
        "--set", "data.dataframe.train=" + data.resolve(train),
        "--set", "data.dataframe.test=" + data.resolve(test),
        "--set", "data.folder.channels=1", "--set", "data.folder.height=28",
        "--set", "data.folder.width=28", "--set", "data.class-names=[]",
        "--set", "run.seed=7", "--set", "train.epochs=1",
        "--set", "run.output-root=" + runs, "--set", "run.id=" + runId));
  }

  private static List<String> parquetLabels() {
    return List.of("--set", "data.dataframe.label-from=column");
  }

  private List<String> evaluation(String runId) throws IOException {
    List<String> files = new ArrayList<>();
    for (String name : List.of(RunLayout.CLASSES, RunLayout.ACCURACY, RunLayout.PER_CLASS,
        RunLayout.CONFUSION, RunLayout.DATASET_STATS)) {
      files.add(name + ":\n" + Files.readString(runs.resolve(runId).resolve(name)));
    }
    return files;
  }

  @Test
  void dataFramesOfAFolderTrainExactlyAsTheFolder() throws Exception {
    TrainJobTest.Outcome folder =
        ImageFolderTrainJobTest.execute(args("folder", "image-folder", "train", "test"));
    assertEquals(ExitCode.OK, folder.code(), folder.err());
    List<String> expected = evaluation("folder");
    assertTrue(expected.get(0).contains("0,class-0"), expected.get(0));
    for (String format : List.of("binary-file", "spark-image")) {
      TrainJobTest.Outcome outcome =
          ImageFolderTrainJobTest.execute(args(format, format, "train", "test"));
      assertEquals(ExitCode.OK, outcome.code(), outcome.err());
      assertEquals(expected, evaluation(format), format);
    }
    List<String> parquet = args("parquet", "parquet", "train.parquet", "test.parquet");
    parquet.addAll(parquetLabels());
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(parquet);
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    assertEquals(expected, evaluation("parquet"));
  }

  @Test
  void limitsSampleTheRowsAsTheyDoTheFolder() throws Exception {
    List<String> limits = List.of("--set", "data.train-limit=100", "--set", "data.test-limit=50");
    List<String> folder = args("folder-limited", "image-folder", "train", "test");
    folder.addAll(limits);
    assertEquals(ExitCode.OK, ImageFolderTrainJobTest.execute(folder).code());
    List<String> frame = args("frame-limited", "binary-file", "train", "test");
    frame.addAll(limits);
    assertEquals(ExitCode.OK, ImageFolderTrainJobTest.execute(frame).code());
    assertEquals(evaluation("folder-limited"), evaluation("frame-limited"));
  }

  @Test
  void aCorruptRowIsSkippedAndListedOrFailsPastTheLimit() throws Exception {
    List<String> strict = args("corrupt", "parquet", "corrupt.parquet", "test.parquet");
    strict.addAll(parquetLabels());
    strict.addAll(List.of("--set", "data.max-skipped-fraction=0"));
    TrainJobTest.Outcome failed = ImageFolderTrainJobTest.execute(strict);
    assertEquals(ExitCode.BAD_INPUT, failed.code(), failed.err());
    assertTrue(failed.err().startsWith("error: 1 of the 300 images in "
        + data.resolve("corrupt.parquet") + " (0.33%) could not be used, more than"
        + " data.max-skipped-fraction = 0.0;"), failed.err());
    assertTrue(failed.err().contains(corruptPath + ": cannot decode: not a JPEG or PNG image"),
        failed.err());
    assertFalse(Files.exists(runs.resolve("corrupt").resolve(RunDirectory.SUCCESS)));
    assertTrue(Files.exists(runs.resolve("corrupt").resolve(RunLayout.FAILED)));

    List<String> lenient = args("lenient", "parquet", "corrupt.parquet", "test.parquet");
    lenient.addAll(parquetLabels());
    TrainJobTest.Outcome passed = ImageFolderTrainJobTest.execute(lenient);
    assertEquals(ExitCode.OK, passed.code(), passed.err());
    assertEquals(List.of("split,path,reason",
            "train," + corruptPath + ",cannot decode: not a JPEG or PNG image"),
        Files.readAllLines(runs.resolve("lenient").resolve(RunLayout.SKIPPED)));
  }

  @Test
  void aMissingColumnIsNamedWithTheColumnsThatExist() {
    List<String> args = args("missing", "parquet", "train.parquet", "test.parquet");
    args.addAll(parquetLabels());
    args.addAll(List.of("--set", "data.dataframe.label-column=class"));
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(args);
    assertEquals(ExitCode.BAD_INPUT, outcome.code(), outcome.err());
    assertEquals("error: no column class (data.dataframe.label-column); the columns: path string,"
        + " image binary, label string\n", outcome.err());
    assertFalse(Files.exists(runs.resolve("missing")));
  }

  @Test
  void anEmptyFolderIsAnError() {
    TrainJobTest.Outcome outcome =
        ImageFolderTrainJobTest.execute(args("empty", "binary-file", "empty", "test"));
    assertEquals(ExitCode.BAD_INPUT, outcome.code(), outcome.err());
    assertEquals("error: " + data.resolve("empty") + " holds no image files (.jpg, .jpeg, .png,"
        + " searched recursively)\n", outcome.err());
    TrainJobTest.Outcome missing =
        ImageFolderTrainJobTest.execute(args("nothing", "spark-image", "nothing", "test"));
    assertEquals(ExitCode.BAD_INPUT, missing.code(), missing.err());
    assertTrue(missing.err().startsWith("error: cannot read " + data.resolve("nothing")
        + " as spark-image: "), missing.err());
  }

  @Test
  void anIntegerLabelOutOfRangeIsNamedWithItsRow() {
    List<String> args =
        args("range", "parquet", "integer-labels.parquet", "integer-labels.parquet");
    args.addAll(parquetLabels());
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(args);
    assertEquals(ExitCode.BAD_INPUT, outcome.code(), outcome.err());
    assertTrue(outcome.err().matches("error: file:" + data.resolve("train")
        + "/class-\\d/0.png: label 10 in column label \\(data.dataframe.label-column\\) is"
        + " outside 0..9 \\(data.num-classes = 10\\)\n"), outcome.err());
  }

  @Test
  void foldersTakeNoLabelColumn() {
    List<String> args = args("column", "binary-file", "train", "test");
    args.addAll(parquetLabels());
    TrainJobTest.Outcome outcome = ImageFolderTrainJobTest.execute(args);
    assertEquals(ExitCode.USAGE, outcome.code(), outcome.err());
    assertTrue(outcome.err().startsWith("error: data.dataframe.label-from must be parent-folder"
        + " for data.format = binary-file"), outcome.err());
  }
}
