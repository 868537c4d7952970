package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link DataFrameSources}: what needs no Spark. */
class DataFrameSourcesTest {
  @Test
  void theParentFolderOfAUriIsDecodedAsAFolderReadGivesIt() {
    // Spark's image origin and binaryFile's path escape a space as %20 (a new user's table of
    // image-source rows got the class "Ankle%20boot").
    assertEquals("Ankle boot", DataFrameSources.parentFolder("file:/data/Ankle%20boot/1.png"));
    assertEquals("Ankle boot",
        DataFrameSources.parentFolder("hdfs://nn:8020/data/Ankle%20boot/1.png"));
    assertEquals("Ankle boot", DataFrameSources.parentFolder("/data/Ankle boot/1.png"));
    assertEquals("Bag", DataFrameSources.parentFolder("file:/data/Bag/1.png"));
    // a plain path keeps its '%'
    assertEquals("100%", DataFrameSources.parentFolder("/data/100%/1.png"));
    assertEquals("", DataFrameSources.parentFolder("1.png"));
  }
}
