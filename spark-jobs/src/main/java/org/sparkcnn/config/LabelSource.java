package org.sparkcnn.config;

/** Where a DataFrame dataset's labels come from (key {@code data.dataframe.label-from}). */
public enum LabelSource implements ConfigChoice {
  /**
   * The name of the folder holding each image file, as image folders label them: the classes
   * are the folder names sorted.
   */
  PARENT_FOLDER,
  /**
   * A column of the table ({@code data.dataframe.label-column}): an integer class index, or a
   * class name (the classes are the names sorted).
   */
  COLUMN;

  /** The source {@code data.dataframe.label-from} spells, or an error listing the values. */
  public static LabelSource parse(String value) {
    return ConfigChoice.parse(values(), "data.dataframe.label-from", value);
  }

  /** The value as the configuration spells it (what messages show). */
  @Override
  public String toString() {
    return configValue();
  }
}
