package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkcnn.data.IdxFixtures.images;
import static org.sparkcnn.data.IdxFixtures.labels;
import static org.sparkcnn.data.IdxFixtures.write;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.SparkTest;

/** The IDX reader running on Spark executors (local[2]). */
class IdxDatasetSparkTest extends SparkTest {
  @TempDir Path dir;

  @Test
  void sameExamplesInTheSameOrderWhateverThePartitioning() throws Exception {
    IdxDataset data = IdxDataset.open(write(dir, "img.gz", images(103, 5, 5)).toString(),
        write(dir, "lab.gz", labels(103, 10)).toString(), 10, 0, sc.hadoopConfiguration());
    List<LabeledImage> one = data.load(sc, 1).collect();
    assertEquals(103, one.size());
    for (int partitions : new int[] {2, 3, 7, 103, 200}) {
      var rdd = data.load(sc, partitions);
      assertEquals(Math.min(partitions, 103), rdd.getNumPartitions());
      assertEquals(one, rdd.collect(), partitions + " partitions");
    }
  }

  @Test
  void badLabelOnAnExecutorReachesTheDriverAsBadInput() throws Exception {
    byte[] labels = new byte[40];
    labels[33] = 10;
    IdxDataset data = IdxDataset.open(write(dir, "img", images(40, 2, 2)).toString(),
        write(dir, "lab", labels(labels)).toString(), 10, 0, sc.hadoopConfiguration());
    var e = assertThrows(SparkException.class, () -> data.load(sc, 4).count());
    BadInputException bad = BadInputException.findIn(e);
    assertNotNull(bad, "cause chain of " + e);
    assertEquals(dir.resolve("lab") + " record 33: label 10 is outside the class range 0..9",
        bad.getMessage());
  }
}
