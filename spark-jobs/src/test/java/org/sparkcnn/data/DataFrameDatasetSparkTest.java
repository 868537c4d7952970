package org.sparkcnn.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.data.ImageFolderDatasetSparkTest.RGB;
import static org.sparkcnn.data.ImageFolderDatasetSparkTest.sorted;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.SparkTest;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.DataFormat;
import org.sparkcnn.config.DataFrameConfig;
import org.sparkcnn.config.LabelSource;
import org.sparkcnn.config.SizePolicy;

/**
 * DataFrame datasets of the image-folder fixture ({@link ImageFolderFixtures}) on Spark (local[2]):
 * the same examples, indices, labels and skipped files as the folder itself.
 */
class DataFrameDatasetSparkTest extends SparkTest {
  private static final DataFrameConfig FOLDER_COLUMNS =
      new DataFrameConfig("unused", "unused", "", LabelSource.PARENT_FOLDER, "label", "path");
  @TempDir Path dir;

  static DataFrameDataset open(DataFormat format, String location, DataFrameConfig config,
      long limit) {
    return DataFrameDataset.open(format, location, config, RGB, SizePolicy.RESIZE,
        ChannelPolicy.CONVERT, ImageDecoder.DEFAULT_MAX_PIXELS, 3, limit, 1);
  }

  static ImageFolderDataset folder(long limit) {
    return ImageFolderDataset.open(ImageFolderFixtures.folder().toString(), RGB, SizePolicy.RESIZE,
        ChannelPolicy.CONVERT, ImageDecoder.DEFAULT_MAX_PIXELS, limit, 1, sc.hadoopConfiguration());
  }

  /** The examples sorted by index, and the skipped inputs, of a cached load. */
  static List<Object> read(ImageDataset data, int partitions) {
    Loaded loaded = data.loadCached(sc, partitions);
    try {
      return List.of(sorted(loaded.examples().collect()), loaded.skipped());
    } finally {
      loaded.examples().unpersist(false);
    }
  }

  @Test
  void binaryFileOfAFolderIsTheFolder() {
    ImageFolderDataset folder = folder(0);
    DataFrameDataset frame = open(DataFormat.BINARY_FILE,
        ImageFolderFixtures.folder().toString(), FOLDER_COLUMNS, 0);
    assertEquals(List.of("ant", "bee", "cat"), frame.classNames());
    assertEquals(folder.files().stream().map(ImageFile::path).toList(),
        frame.rows().stream().map(ImageFile::path).toList());
    List<Object> expected = read(folder, 2);
    assertEquals(1, ((List<?>) expected.get(1)).size());
    assertEquals(expected, read(frame, 2));
    assertEquals(expected, read(frame, 3));
  }

  @Test
  void binaryFileReadsNamesHoldingColons() throws Exception {
    byte[] png = Files.readAllBytes(ImageFolderFixtures.folder().resolve("ant/a-rgb.png"));
    ImageFolderFixtures.write(dir.resolve("shots/ant/x:1.png"), png);
    ImageFolderFixtures.write(dir.resolve("shots/bee/shot 2024-05-01 12:30:01.png"), png);
    DataFrameDataset frame =
        open(DataFormat.BINARY_FILE, dir.resolve("shots").toString(), FOLDER_COLUMNS, 0);
    assertTrue(frame.rows().get(1).path().endsWith("/shots/bee/shot 2024-05-01 12:30:01.png"),
        frame.rows().toString());
    List<Object> read = read(frame, 2);
    assertEquals(List.of(), read.get(1));
    assertEquals(List.of(new LabeledImage(0, ImageFolderFixtures.rgb(0), 0),
        new LabeledImage(1, ImageFolderFixtures.rgb(0), 1)), read.get(0));
    BadInputException e = assertThrows(BadInputException.class,
        () -> open(DataFormat.SPARK_IMAGE, dir.resolve("shots").toString(), FOLDER_COLUMNS, 0));
    assertEquals("file:" + dir.resolve("shots/ant/x:1.png") + ": Spark's image source cannot"
        + " open a local file whose name holds ':'; rename it, or read the folder with"
        + " data.format = binary-file (the same pixels for 8-bit PNGs, see docs/data.md)",
        e.getMessage());
  }

  @Test
  void limitsDrawTheFoldersSample() {
    assertEquals(folder(4).files().stream().map(ImageFile::index).toList(),
        open(DataFormat.BINARY_FILE, ImageFolderFixtures.folder().toString(), FOLDER_COLUMNS, 4)
            .rows().stream().map(ImageFile::index).toList());
  }

  @Test
  void sparkImageSourceListsTheFileItCouldNotRead() {
    DataFrameDataset frame = open(DataFormat.SPARK_IMAGE,
        ImageFolderFixtures.folder().toString(), FOLDER_COLUMNS, 0);
    List<Object> expected = read(folder(0), 2);
    List<Object> actual = read(frame, 2);
    List<?> skipped = (List<?>) actual.get(1);
    assertEquals(1, skipped.size());
    SkippedInput broken = (SkippedInput) skipped.get(0);
    assertTrue(broken.path().endsWith("/bee/b-broken.jpg"), broken.path());
    assertTrue(broken.reason().startsWith("cannot decode: Spark's image source could not read"),
        broken.reason());
    // The PNGs decode alike; JPEGs go through another reader.
    List<LabeledImage> pngs = new ArrayList<>();
    List<LabeledImage> framePngs = new ArrayList<>();
    for (int i = 0; i < frame.size(); i++) {
      if (frame.rows().get(i).path().toLowerCase().endsWith(".png")) {
        long index = frame.rows().get(i).index();
        ((List<?>) expected.get(0)).stream().map(LabeledImage.class::cast)
            .filter(e -> e.index() == index).forEach(pngs::add);
        ((List<?>) actual.get(0)).stream().map(LabeledImage.class::cast)
            .filter(e -> e.index() == index).forEach(framePngs::add);
      }
    }
    assertEquals(5, pngs.size());
    assertEquals(pngs, framePngs);
  }

  @Test
  void aTableOfImageStructsGivesTheImageSourcesExamples() {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    String table = dir.resolve("structs").toString();
    spark.read().format("image").option("recursiveFileLookup", "true")
        .option("pathGlobFilter", DataFrameSources.IMAGE_GLOB)
        .load(ImageFolderFixtures.folder().toString())
        .select(col("image.origin").as("path"), col("image"))
        .write().parquet(table);
    DataFrameDataset structs = open(DataFormat.PARQUET, table, FOLDER_COLUMNS, 0);
    DataFrameDataset source = open(DataFormat.SPARK_IMAGE,
        ImageFolderFixtures.folder().toString(), FOLDER_COLUMNS, 0);
    assertEquals(List.of("ant", "bee", "cat"), structs.classNames());
    assertEquals(source.rows().stream().map(ImageFile::index).toList(),
        structs.rows().stream().map(ImageFile::index).toList());
    List<Object> fromTable = read(structs, 2);
    assertEquals(read(source, 2).get(0), fromTable.get(0));
    assertEquals(1, ((List<?>) fromTable.get(1)).size());
  }

  @Test
  void aTableWithoutPathsNamesItsRowsByFileAndRowNumber() {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    String table = dir.resolve("table").toString();
    spark.read().format("binaryFile").option("recursiveFileLookup", "true")
        .load(ImageFolderFixtures.folder().toString())
        .where(col("path").endsWith(".png").or(col("path").endsWith(".jpg")))
        .select(col("content").as("image"), lit(1).as("label"))
        .coalesce(1).write().parquet(table);
    DataFrameDataset frame = open(DataFormat.PARQUET, table, new DataFrameConfig("unused",
        "unused", "", LabelSource.COLUMN, "label", "path"), 0);
    assertEquals(List.of("0", "1", "2"), frame.classNames());
    assertTrue(frame.rows().stream().allMatch(r -> r.label() == 1
        && r.path().matches("file:.*/table/part-00000-.*\\.parquet row \\d")), frame.rows()
        .toString());
    List<?> skipped = (List<?>) read(frame, 2).get(1);
    assertEquals(1, skipped.size());
    assertTrue(((SkippedInput) skipped.get(0)).path().matches(".*\\.parquet row \\d"),
        skipped.toString());
  }

  @Test
  void emptyTablesDuplicatePathsAndNullImagesAreNamed() {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Dataset<Row> files = spark.read()
        .format("binaryFile").load(ImageFolderFixtures.folder().resolve("ant").toString())
        .where(col("path").endsWith(".png"))
        .select(col("path"), col("content").as("image"), lit("ant").as("label"));
    String empty = dir.resolve("empty").toString();
    files.limit(0).write().parquet(empty);
    DataFrameConfig labelColumn =
        new DataFrameConfig("unused", "unused", "", LabelSource.COLUMN, "label", "path");
    assertEquals("the Parquet table " + empty + " holds no rows", assertThrows(
        BadInputException.class, () -> open(DataFormat.PARQUET, empty, labelColumn, 0))
        .getMessage());
    String twice = dir.resolve("twice").toString();
    files.union(files).write().parquet(twice);
    String message = assertThrows(BadInputException.class,
        () -> open(DataFormat.PARQUET, twice, labelColumn, 0)).getMessage();
    assertTrue(message.matches(twice + " holds file:.*/ant/a-rgb.png in more than one row"
        + " \\(column path, data.dataframe.path-column\\): a row's path must be unique"), message);
    String nulls = dir.resolve("nulls").toString();
    files.withColumn("image",
        when(col("path").endsWith("b-rgb.png"), lit(null)).otherwise(col("image")))
        .write().parquet(nulls);
    List<Object> read = read(open(DataFormat.PARQUET, nulls, labelColumn, 0), 2);
    List<?> skipped = (List<?>) read.get(1);
    assertEquals(1, skipped.size());
    SkippedInput nullImage = (SkippedInput) skipped.get(0);
    assertTrue(nullImage.path().endsWith("/ant/b-rgb.png"), nullImage.path());
    assertEquals("cannot decode: the image bytes are null", nullImage.reason());
    assertEquals(1, ((List<?>) read.get(0)).size());
  }

  @Test
  void aTableNeedsItsPathColumnForParentFolderLabels() {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    String table = dir.resolve("bytes-only").toString();
    spark.read().format("binaryFile").load(ImageFolderFixtures.folder().resolve("ant").toString())
        .select(col("content").as("image")).write().parquet(table);
    BadInputException e = assertThrows(BadInputException.class,
        () -> open(DataFormat.PARQUET, table, FOLDER_COLUMNS, 0));
    assertEquals("no column path (data.dataframe.path-column); the columns: image binary",
        e.getMessage());
  }

  @Test
  void contiguousPartitionsAreParallelizesSlices() {
    for (int size : new int[] {1, 5, 7, 100}) {
      for (int parts : new int[] {1, 2, 3, 7}) {
        if (parts > size) {
          continue;
        }
        List<List<Integer>> slices =
            sc.parallelize(IntStream.range(0, size).boxed().toList(), parts).glom().collect();
        ContiguousPartitioner partitioner =
            new ContiguousPartitioner(size, parts);
        for (int p = 0; p < parts; p++) {
          for (int position : slices.get(p)) {
            assertEquals(p, partitioner.getPartition(position), size + "/" + parts);
          }
        }
      }
    }
  }
}
