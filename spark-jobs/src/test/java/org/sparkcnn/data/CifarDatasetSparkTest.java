package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.data.CifarFixtures.cifar10;
import static org.sparkcnn.data.CifarFixtures.cifar100;
import static org.sparkcnn.data.CifarFixtures.coarse;
import static org.sparkcnn.data.CifarFixtures.example;
import static org.sparkcnn.data.CifarFixtures.fine;
import static org.sparkcnn.data.CifarFixtures.pixels;
import static org.sparkcnn.data.CifarFixtures.qualified;
import static org.sparkcnn.data.CifarFixtures.write;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.SparkTest;

/** The CIFAR reader running on Spark executors (local[2]), on generated files. */
class CifarDatasetSparkTest extends SparkTest {
  @TempDir Path dir;

  CifarDataset open(CifarFormat format, long limit, Path... files) {
    return CifarDataset.open(java.util.Arrays.stream(files).map(Path::toString).toList(), format,
        limit, sc.hadoopConfiguration());
  }

  static List<LabeledImage> examples(long first, long end) {
    return LongStream.range(first, end).mapToObj(CifarFixtures::example).toList();
  }

  @Test
  void cifar10OverTwoFilesIsReadByteExactWithGlobalIndices() throws Exception {
    Path f0 = write(dir, "data_batch_1.bin", cifar10(0, 7));
    Path f1 = write(dir, "data_batch_2.bin", cifar10(7, 5));
    List<LabeledImage> read = open(CifarFormat.CIFAR10, 0, f0, f1).load(sc, 3).collect();
    assertEquals(12, read.size());
    for (int i = 0; i < 12; i++) {
      LabeledImage example = read.get(i);
      assertEquals(i, example.index(), "index of example " + i);
      assertEquals(i % 10, example.label(), "label of example " + i);
      assertArrayEquals(pixels(i), example.pixels(), "pixels of example " + i);
    }
    // the red, green and blue planes, as the second file's third record stores them
    byte[] record = java.util.Arrays.copyOfRange(cifar10(7, 5), 2 * 3073, 3 * 3073);
    assertEquals(9, record[0]);
    assertArrayEquals(java.util.Arrays.copyOfRange(record, 1, 3073), read.get(9).pixels());
  }

  @Test
  void cifar100CoarseAndFineReadTheirOwnLabelByte() throws Exception {
    Path train = write(dir, "train.bin", cifar100(0, 9));
    List<LabeledImage> coarse = open(CifarFormat.CIFAR100_COARSE, 0, train).load(sc, 2).collect();
    List<LabeledImage> fine = open(CifarFormat.CIFAR100_FINE, 0, train).load(sc, 2).collect();
    assertEquals(9, coarse.size());
    assertEquals(9, fine.size());
    for (int i = 0; i < 9; i++) {
      assertEquals(coarse(i), coarse.get(i).label(), "coarse label of example " + i);
      assertEquals(fine(i), fine.get(i).label(), "fine label of example " + i);
      assertArrayEquals(pixels(i), coarse.get(i).pixels(), "pixels of example " + i);
      assertArrayEquals(pixels(i), fine.get(i).pixels(), "pixels of example " + i);
      assertEquals(i, fine.get(i).index());
    }
  }

  @Test
  void sameExamplesInTheSameOrderWhateverThePartitioning() throws Exception {
    CifarDataset data = open(CifarFormat.CIFAR10, 0,
        write(dir, "data_batch_1.bin", cifar10(0, 20)),
        write(dir, "data_batch_2.bin", cifar10(20, 13)));
    List<LabeledImage> expected = examples(0, 33);
    for (int partitions : new int[] {1, 2, 3, 7}) {
      JavaRDD<LabeledImage> rdd = data.load(sc, partitions);
      // about as many as asked: a file's last split may stretch by 10% (Hadoop's split slop)
      // rather than leave a sliver, and each of the two files has at least one split
      int actual = rdd.getNumPartitions();
      assertTrue(actual >= partitions && actual <= partitions + 1,
          partitions + " partitions asked, " + actual + " made");
      List<LabeledImage> read = rdd.collect();
      List<LabeledImage> sorted = new ArrayList<>(read);
      sorted.sort(Comparator.comparingLong(LabeledImage::index));
      assertEquals(expected, sorted, "the examples in " + partitions + " partitions");
      assertEquals(expected, read, "the order of the examples in " + partitions + " partitions");
    }
  }

  @Test
  void limitAcrossFilesReadsOnlyTheFirstExamplesInBalancedPartitions() throws Exception {
    CifarDataset data = open(CifarFormat.CIFAR10, 12,
        write(dir, "f0.bin", cifar10(0, 5)),
        write(dir, "f1.bin", cifar10(5, 10)),
        write(dir, "f2.bin", cifar10(15, 5)));
    JavaRDD<LabeledImage> rdd = data.load(sc, 4);
    assertEquals(examples(0, 12), rdd.collect());
    for (List<LabeledImage> partition : rdd.glom().collect()) {
      assertFalse(partition.isEmpty(), "a partition holds only records past the limit");
    }
  }

  @Test
  void fileNamesWithGlobCharactersMeanOnlyThemselves() throws Exception {
    write(dir, "batch1.bin", cifar10(100, 3));
    Path bracketed = write(dir, "batch[1].bin", cifar10(0, 4));
    CifarDataset data = CifarDataset.open(List.of(dir + "/batch?1?.bin"), CifarFormat.CIFAR10, 0,
        sc.hadoopConfiguration());
    assertEquals(List.of(qualified(bracketed)), data.files());
    assertEquals(examples(0, 4), data.load(sc, 2).collect());
  }

  @Test
  void badLabelOnAnExecutorReachesTheDriverAsBadInput() throws Exception {
    byte[] labels = new byte[6];
    labels[3] = 10;
    Path f0 = write(dir, "data_batch_1.bin", cifar10(0, 8));
    Path f1 = write(dir, "data_batch_2.bin", cifar10(8, labels));
    CifarDataset data = open(CifarFormat.CIFAR10, 0, f0, f1);
    var e = assertThrows(SparkException.class, () -> data.load(sc, 4).count());
    BadInputException bad = BadInputException.findIn(e);
    assertNotNull(bad, "cause chain of " + e);
    assertEquals(qualified(f1) + " record 3: label 10 is outside the class range 0..9",
        bad.getMessage());
  }

  @Test
  void coarseLabelOutOfItsTwentyClassesIsCaught() throws Exception {
    byte[] records = cifar100(0, 3);
    records[3074] = 20;
    CifarDataset data = open(CifarFormat.CIFAR100_COARSE, 0, write(dir, "train.bin", records));
    var e = assertThrows(SparkException.class, () -> data.load(sc, 1).collect());
    BadInputException bad = BadInputException.findIn(e);
    assertNotNull(bad, "cause chain of " + e);
    assertEquals(qualified(dir.resolve("train.bin"))
        + " record 1: label 20 is outside the class range 0..19", bad.getMessage());
  }
}
