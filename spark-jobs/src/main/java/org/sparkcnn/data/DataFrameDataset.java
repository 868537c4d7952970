package org.sparkcnn.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.DataFormat;
import org.sparkcnn.config.DataFrameConfig;
import org.sparkcnn.config.LabelSource;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.ImageRows.ImageColumn;
import org.sparkcnn.models.ImageShape;
import scala.Tuple2;

/**
 * A dataset read as a Spark DataFrame: Spark's {@code image} or {@code binaryFile} source over a
 * folder of images, or a Parquet table of images and labels (formats {@code spark-image}, {@code
 * binary-file}, {@code parquet}, section {@code data.dataframe}). Each row's image is decoded by
 * {@link ImageRows} into the configured shape, as {@link ImageFolderDataset} decodes files.
 *
 * <p>{@link #open} runs a job on the driver that reads every row's path and label (not its image),
 * as an image folder lists its files: the classes are the sorted folder names (label from the
 * parent folder) or label names (a string column), or {@code 0..num-classes-1} (an integer
 * column); the rows are ordered by class, then path, and a row's index is its position in that
 * order, whatever the partitioning. A folder read as {@code binary-file} or {@code spark-image}
 * thus has the classes, indices and pixels of the same folder read as {@code image-folder}, and
 * trains alike. A row is named, and ordered, by its file's path ({@code spark-image}, {@code
 * binary-file}), the path column (a table that has it), or else its Parquet file and row number.
 *
 * <p>{@link #load} decodes the images on the executors. A row whose image cannot be decoded, has
 * more pixels than the limit, or whose size or channel count a policy rejects, is skipped as an
 * image folder's file is, and {@link #loadCached} lists it. The examples are cut into contiguous
 * ranges of the index order, as an image folder's are.
 *
 * <p>The row names and labels are held on the driver and broadcast (some tens of bytes per row);
 * listing them reads no image ({@code spark-image} and {@code binary-file} take the path from
 * Spark's {@code _metadata} column, which needs no decoding). At {@link #load}, {@code
 * spark-image}'s source decodes each file into B, G, R bytes that {@link ImageRows} reorders;
 * {@code binary-file} reads each listed file's bytes (what its {@code content} column holds)
 * through {@link HadoopFiles#openFile}, which also opens local names holding ':' that Spark's
 * reader fails on, and decodes them with {@link ImageDecoder}.
 */
public final class DataFrameDataset implements ImageDataset {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(DataFrameDataset.class);

  /**
   * Hadoop glob of the file names the folder formats read: .jpg, .jpeg and .png in any case, as
   * {@link ImageFolderDataset#IMAGE_SUFFIXES}. Spark's file listing already leaves out names
   * starting with "." or "_".
   */
  private static final String KEY = "key";
  private static final String LABEL = "label";
  private static final String IMAGE = "image";

  private final String location;
  private final ImageShape shape;
  private final SizePolicy onSizeMismatch;
  private final ChannelPolicy onChannelMismatch;
  private final long maxPixels;
  private final List<String> classNames;
  private final boolean namedClasses;
  private final ImageColumn imageKind;
  private final boolean keyIsFileUri;
  /** Whether the executors read each row's file (binary-file) rather than an image column. */
  private final boolean readFiles;
  private final List<ImageFile> rows;
  /** Columns {@link #KEY} (string) and {@link #IMAGE}; driver only. */
  private final transient Dataset<Row> frame;

  private DataFrameDataset(String location, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxPixels, List<String> classNames,
      boolean namedClasses, ImageColumn imageKind, boolean keyIsFileUri, boolean readFiles,
      List<ImageFile> rows, Dataset<Row> frame) {
    this.location = location;
    this.shape = shape;
    this.onSizeMismatch = onSizeMismatch;
    this.onChannelMismatch = onChannelMismatch;
    this.maxPixels = maxPixels;
    this.classNames = classNames;
    this.namedClasses = namedClasses;
    this.imageKind = imageKind;
    this.keyIsFileUri = keyIsFileUri;
    this.readFiles = readFiles;
    this.rows = rows;
    this.frame = frame;
  }

  /**
   * Reads the rows' paths and labels of one split, on the driver of the running Spark context.
   *
   * @param format {@code spark-image}, {@code binary-file} or {@code parquet}
   * @param location path or glob of the folder or table
   * @param shape [channels, height, width] every image is brought to; channels 1 or 3
   * @param maxPixels largest image decoded, in pixels (width x height); a larger one is skipped
   * @param numClasses classes of integer labels ({@code data.num-classes}); named classes are as
   *     many as there are names
   * @param limit use only {@code limit} rows, a random sample (as {@link ImageFolderDataset}'s),
   *     each keeping its index; 0 for all
   * @param seed selects the sample ({@code run.seed} mixed with the split)
   * @throws BadInputException naming the location, column or row when the location does not exist
   *     or holds no rows, a column is missing or of the wrong type, a label or path is null, an
   *     integer label is outside 0..numClasses-1, or two rows have the same path
   */
  public static DataFrameDataset open(DataFormat format, String location, DataFrameConfig config,
      ImageShape shape, SizePolicy onSizeMismatch, ChannelPolicy onChannelMismatch,
      long maxPixels, int numClasses, long limit, long seed) {
    if (!format.isDataFrame()) {
      throw new IllegalArgumentException(format + " is not read as a DataFrame");
    }
    if (shape.channels() != 1 && shape.channels() != 3 || maxPixels <= 0 || limit < 0) {
      throw new IllegalArgumentException("bad shape " + shape + ", maxPixels " + maxPixels
          + " or limit " + limit);
    }
    SparkSession spark = SparkSession.builder().getOrCreate();
    Dataset<Row> source = DataFrameSources.read(spark, format, location);
    String imageColumn = config.imageColumn(format);
    ImageColumn imageKind =
        ImageRows.imageColumn(source.schema(), imageColumn, "data.dataframe.image-column");
    boolean keyIsFileUri = format != DataFormat.PARQUET;
    // binaryFile's content is the file's bytes as Spark's reader opens it, which fails on a local
    // file whose name holds ':' (HadoopFiles#openFile): the executors read the same bytes instead.
    boolean readFiles = format == DataFormat.BINARY_FILE;
    Column key;
    if (keyIsFileUri) {
      key = col("_metadata.file_path");
    } else if (source.schema().getFieldIndex(config.pathColumn()).isDefined()
        || config.labelFrom() == LabelSource.PARENT_FOLDER) {
      ImageRows.requireColumn(source.schema(), config.pathColumn(), "data.dataframe.path-column",
          DataTypes.StringType);
      key = col(config.pathColumn());
    } else {
      key = concat(col("_metadata.file_path"), lit(" row "),
          col("_metadata.row_index").cast(DataTypes.StringType));
    }
    Column label = lit(null).cast(DataTypes.StringType);
    boolean integerLabels = false;
    if (config.labelFrom() == LabelSource.COLUMN) {
      DataType type = ImageRows.requireColumn(source.schema(), config.labelColumn(),
          "data.dataframe.label-column", DataTypes.ByteType, DataTypes.ShortType,
          DataTypes.IntegerType, DataTypes.LongType, DataTypes.StringType).dataType();
      integerLabels = type != DataTypes.StringType;
      label = col(config.labelColumn()).cast(DataTypes.StringType);
    }
    Column image = readFiles ? lit(null).cast(DataTypes.BinaryType) : col(imageColumn);
    Dataset<Row> frame = source.select(key.as(KEY), label.as(LABEL), image.as(IMAGE));
    List<Row> listed = frame.select(KEY, LABEL).collectAsList();
    if (listed.isEmpty()) {
      throw new BadInputException(format == DataFormat.PARQUET
          ? "the Parquet table " + location + " holds no rows"
          : location + " holds no image files (.jpg, .jpeg, .png, searched recursively)");
    }
    String labelWhat = config.labelFrom() == LabelSource.PARENT_FOLDER ? "parent folder"
        : "column " + config.labelColumn() + " (data.dataframe.label-column)";
    List<String[]> keyed = new ArrayList<>(listed.size());
    for (Row row : listed) {
      if (row.isNullAt(0)) {
        throw new BadInputException("a row of " + location + " has a null "
            + config.pathColumn() + " (data.dataframe.path-column)");
      }
      String name = keyIsFileUri ? DataFrameSources.fromUri(row.getString(0))
          : row.getString(0);
      String labelValue = config.labelFrom() == LabelSource.PARENT_FOLDER
          ? DataFrameSources.parentFolder(name)
          : row.getString(1);
      if (labelValue == null) {
        throw new BadInputException(name + ": no label in " + labelWhat);
      }
      keyed.add(new String[] {name, labelValue});
    }

    List<String> classes = integerLabels ? indices(numClasses)
        : List.copyOf(new TreeSet<>(keyed.stream().map(k -> k[1]).toList()));
    Map<String, Integer> labelOf = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      labelOf.put(classes.get(c), c);
    }
    List<ImageFile> all = new ArrayList<>(keyed.size());
    for (String[] k : keyed) {
      Integer labelIndex = labelOf.get(k[1]);
      if (labelIndex == null) {
        throw new BadInputException(String.format(Locale.ROOT,
            "%s: label %s in %s is outside 0..%d (data.num-classes = %d)", k[0], k[1],
            labelWhat, numClasses - 1, numClasses));
      }
      all.add(new ImageFile(k[0], labelIndex, 0));
    }
    all.sort(Comparator.comparingInt(ImageFile::label).thenComparing(ImageFile::path));
    if (format == DataFormat.SPARK_IMAGE) {
      DataFrameSources.requireOpenableBySpark(all.stream().map(ImageFile::path).toList(),
          spark.sparkContext().hadoopConfiguration());
    }
    List<ImageFile> indexed = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      ImageFile row = all.get(i);
      if (i > 0 && row.path().equals(all.get(i - 1).path())) {
        throw new BadInputException(String.format(Locale.ROOT, "%s holds %s in more than one row"
            + " (column %s, data.dataframe.path-column): a row's path must be unique", location,
            row.path(), config.pathColumn()));
      }
      indexed.add(new ImageFile(row.path(), row.label(), i));
    }
    List<ImageFile> used = limit == 0 || limit >= indexed.size() ? indexed
        : ImageFolderDataset.sample(indexed, limit, seed);
    log.info("{} {}: {} classes, {} rows{}", format, location, classes.size(), indexed.size(),
        used.size() < indexed.size() ? " (using a random sample of " + used.size() + ")" : "");
    return new DataFrameDataset(location, shape, onSizeMismatch, onChannelMismatch, maxPixels,
        classes, !integerLabels, imageKind, keyIsFileUri, readFiles, List.copyOf(used), frame);
  }

  private static List<String> indices(int n) {
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }

  /**
   * Checks that {@code other} (the test split) has the same named classes as this one.
   *
   * @throws BadInputException naming both locations and the classes only one of them has
   */
  public void requireSameClasses(DataFrameDataset other) {
    ClassNames.requireSame("classes", classNames, location, other.classNames, other.location);
  }

  /** Whether the classes have names (folders, a string column) rather than integer indices. */
  public boolean namedClasses() {
    return namedClasses;
  }

  @Override
  public ImageShape shape() {
    return shape;
  }

  @Override
  public int numClasses() {
    return classNames.size();
  }

  /** The class names in label order: folder or label names sorted, or the indices. */
  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public String location() {
    return location;
  }

  /** Number of rows this dataset reads (after the limit), skipped ones included. */
  public int size() {
    return rows.size();
  }

  /** The rows (path or row name, label, index) in index order. */
  List<ImageFile> rows() {
    return rows;
  }

  @Override
  public JavaRDD<LabeledImage> load(JavaSparkContext sc, int partitions) {
    return load(sc, partitions, null);
  }

  @Override
  public Loaded loadCached(JavaSparkContext sc, int partitions) {
    return SkippingDecoder.loadCached(sc, location, skipped -> load(sc, partitions, skipped));
  }

  /**
   * The decoded images in index order, in {@code partitions} contiguous ranges of the rows (as
   * {@link JavaSparkContext#parallelize} cuts a list); rows that cannot be used are left out.
   */
  private JavaRDD<LabeledImage> load(
      JavaSparkContext sc, int partitions, CollectionAccumulator<SkippedInput> skipped) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0, got " + partitions);
    }
    HashMap<String, Integer> positions = new HashMap<>();
    for (int p = 0; p < rows.size(); p++) {
      positions.put(rows.get(p).path(), p);
    }
    Broadcast<HashMap<String, Integer>> positionOf = sc.broadcast(positions);
    Broadcast<ArrayList<ImageFile>> rowAt = sc.broadcast(new ArrayList<>(rows));
    // Locals, so the closure does not carry this dataset.
    ImageShape shape = this.shape;
    SizePolicy onSize = onSizeMismatch;
    ChannelPolicy onChannels = onChannelMismatch;
    long maxPixels = this.maxPixels;
    boolean struct = imageKind == ImageColumn.IMAGE_STRUCT;
    boolean keyIsFileUri = this.keyIsFileUri;
    boolean readFiles = this.readFiles;
    HadoopFiles.SerializableConf conf = new HadoopFiles.SerializableConf(sc.hadoopConfiguration());
    JavaPairRDD<Integer, LabeledImage> decoded = frame.select(KEY, IMAGE).javaRDD()
        .flatMapToPair(row -> {
          String name = keyIsFileUri ? DataFrameSources.fromUri(row.getString(0))
          : row.getString(0);
          Integer position = positionOf.value().get(name);
          if (position == null) {
            return List.<Tuple2<Integer, LabeledImage>>of().iterator();
          }
          ImageFile file = rowAt.value().get(position);
          Iterator<LabeledImage> example = SkippingDecoder.example(name, file.index(),
              file.label(), maxPixels, skipped, () -> struct
                  ? ImageRows.fromImageStruct(row.getStruct(1), shape, onSize, onChannels,
                      maxPixels)
                  : ImageRows.fromEncoded(readFiles ? ImageFolderDataset.readBytes(name,
                      conf.get()) : row.isNullAt(1) ? null : (byte[]) row.get(1), shape,
                      onSize, onChannels, maxPixels));
          return example.hasNext() ? List.of(new Tuple2<>(position, example.next())).iterator()
              : List.<Tuple2<Integer, LabeledImage>>of().iterator();
        });
    int parts = Math.min(partitions, Math.max(rows.size(), 1));
    return decoded.partitionBy(new ContiguousPartitioner(rows.size(), parts))
        .mapPartitions(it -> {
          List<Tuple2<Integer, LabeledImage>> range = new ArrayList<>();
          it.forEachRemaining(range::add);
          range.sort(Comparator.comparingInt(Tuple2::_1));
          return range.stream().map(Tuple2::_2).iterator();
        }, true);
  }
}
