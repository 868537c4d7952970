package org.sparkcnn.config;

import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import java.util.Objects;

/**
 * Section {@code data.dataframe}: the inputs of formats {@code spark-image}, {@code binary-file}
 * and {@code parquet}, read as Spark DataFrames, and which columns hold the image, the label and
 * the path. The shape images are brought to, and the size and channel policies, are {@code
 * data.folder}'s ({@link FolderConfig}), as for image folders.
 *
 * @param train path or glob of the training split (a folder of images, or a Parquet table)
 * @param test path or glob of the test split
 * @param imageColumn column holding the image, encoded bytes or an image-source struct; empty:
 *     the format's own ({@code image} for spark-image and parquet, {@code content} for
 *     binary-file)
 * @param labelFrom where labels come from; {@code column} only for parquet
 * @param labelColumn column holding the label (an integer class index or a class name)
 * @param pathColumn column holding each row's path (parquet): names the row in messages, orders
 *     the rows, and gives the parent folder for {@code label-from = parent-folder}; a table
 *     without it is ordered, and its rows named, by file and row number
 */
public record DataFrameConfig(String train, String test, String imageColumn,
    LabelSource labelFrom, String labelColumn, String pathColumn) {
  public DataFrameConfig {
    check(!train.isBlank(), "data.dataframe.train", "must not be empty", "''");
    check(!test.isBlank(), "data.dataframe.test", "must not be empty", "''");
    Objects.requireNonNull(imageColumn, "data.dataframe.image-column");
    Objects.requireNonNull(labelFrom, "data.dataframe.label-from");
    check(!labelColumn.isBlank(), "data.dataframe.label-column", "must not be empty", "''");
    check(!pathColumn.isBlank(), "data.dataframe.path-column", "must not be empty", "''");
  }

  /** Reads {@code data.dataframe.*}. */
  public static DataFrameConfig from(Config c) {
    return new DataFrameConfig(c.getString("data.dataframe.train"),
        c.getString("data.dataframe.test"), c.getString("data.dataframe.image-column"),
        LabelSource.parse(c.getString("data.dataframe.label-from")),
        c.getString("data.dataframe.label-column"), c.getString("data.dataframe.path-column"));
  }

  /** The image column of {@code format}: {@link #imageColumn} or the format's own. */
  public String imageColumn(DataFormat format) {
    if (!imageColumn.isEmpty()) {
      return imageColumn;
    }
    return format == DataFormat.BINARY_FILE ? "content" : "image";
  }
}
