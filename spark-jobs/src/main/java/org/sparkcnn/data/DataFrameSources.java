package org.sparkcnn.data;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkcnn.config.DataFormat;

/**
 * Spark's readers of the DataFrame formats ({@code data.format = spark-image | binary-file |
 * parquet}) and what {@link DataFrameDataset} needs to name their rows: their errors as {@link
 * BadInputException}s naming the location, and paths from the URIs Spark gives.
 */
final class DataFrameSources {
  /** The file names the folder formats read: .jpg, .jpeg and .png in any case. */
  static final String IMAGE_GLOB = "*.{[jJ][pP][gG],[jJ][pP][eE][gG],[pP][nN][gG]}";

  private DataFrameSources() {}

  static Dataset<Row> read(SparkSession spark, DataFormat format, String location) {
    try {
      return switch (format) {
        case SPARK_IMAGE -> spark.read().format("image").option("recursiveFileLookup", "true")
            .option("pathGlobFilter", IMAGE_GLOB).load(location);
        case BINARY_FILE -> spark.read().format("binaryFile")
            .option("recursiveFileLookup", "true").option("pathGlobFilter", IMAGE_GLOB)
            .load(location);
        default -> spark.read().parquet(location);
      };
    } catch (IllegalArgumentException e) {
      // Hadoop's FileSystem wraps an unknown host (UnknownHostException) so.
      throw new BadInputException("cannot read " + location + " as " + format + ": "
          + ImageFolderDataset.rootMessage(e), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Scala throws AnalysisException (a missing path, a table that is not Parquet) and
      // IOException (a filesystem that does not answer) undeclared.
      if (e instanceof AnalysisException analysis) {
        throw new BadInputException("cannot read " + location + " as " + format + ": "
            + analysis.getMessage(), e);
      }
      if (e instanceof java.io.IOException) {
        throw new BadInputException("cannot read " + location + " as " + format + ": "
            + ImageFolderDataset.rootMessage(e), e);
      }
      throw new IllegalStateException("reading " + location + " failed: " + e, e);
    }
  }

  /**
   * Fails on a local file whose name holds ':', which Spark's readers cannot open (the checksum
   * layer's side-file name parses as a URI; see {@link HadoopFiles#openFile}): the image source's
   * task would fail with "Relative path in absolute URI", naming no input. {@code binary-file}
   * reads such files.
   *
   * @throws BadInputException naming the first such file (in {@code paths}' order) and the format
   *     that reads it
   */
  static void requireOpenableBySpark(List<String> paths, Configuration conf) {
    for (String path : paths) {
      Path file = new Path(path);
      if (file.getName().indexOf(':') < 0) {
        continue;
      }
      try {
        if (file.getFileSystem(conf) instanceof ChecksumFileSystem) {
          throw new BadInputException(path + ": Spark's image source cannot open a local file"
              + " whose name holds ':'; rename it, or read the folder with data.format ="
              + " binary-file (the same pixels for 8-bit PNGs, see docs/data.md)");
        }
      } catch (IOException e) {
        throw new BadInputException("cannot read " + path + ": " + e.getMessage(), e);
      }
    }
  }

  /** A file URI as Spark's metadata column gives it, as a Hadoop path ("%20" as a space). */
  static String fromUri(String uri) {
    return new Path(URI.create(uri)).toString();
  }

  /**
   * The name of the folder holding {@code path}. A URI with escapes (Spark's image {@code origin},
   * {@code binaryFile}'s {@code path}: {@code file:/data/Ankle%20boot/1.png}) is decoded first, so
   * that a table of those paths gets the folder names a folder read itself gets.
   */
  static String parentFolder(String path) {
    Path parent = new Path(path).getParent();
    if (path.indexOf('%') >= 0 && path.matches("[a-zA-Z][a-zA-Z0-9+.-]*:/.*")) {
      try {
        parent = new Path(URI.create(path)).getParent();
      } catch (IllegalArgumentException e) {
        // not a URI after all: the path as it is
      }
    }
    return parent == null ? "" : parent.getName();
  }
}
