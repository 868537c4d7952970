package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkcnn.data.CifarFixtures.cifar10;
import static org.sparkcnn.data.CifarFixtures.cifar100;
import static org.sparkcnn.data.CifarFixtures.qualified;
import static org.sparkcnn.data.CifarFixtures.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.models.ImageShape;

/** The CIFAR reader's checks and bookkeeping on the driver, on generated files, without Spark. */
class CifarDatasetTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path dir;

  static CifarDataset open(CifarFormat format, long limit, Path... files) {
    return CifarDataset.open(
        java.util.Arrays.stream(files).map(Path::toString).toList(), format, limit, CONF);
  }

  static CifarDataset open(CifarFormat format, String... patterns) {
    return CifarDataset.open(List.of(patterns), format, 0, CONF);
  }

  @Test
  void countsTheRecordsOfEveryFileInTheOrderGiven() throws Exception {
    Path b = write(dir, "b.bin", cifar10(0, 5));
    Path a = write(dir, "a.bin", cifar10(5, 3));
    CifarDataset data = open(CifarFormat.CIFAR10, 0, b, a);
    assertEquals(8, data.size());
    assertEquals(List.of(qualified(b), qualified(a)), data.files());
    assertEquals(qualified(b) + ", " + qualified(a), data.location());
    assertEquals(new ImageShape(3, 32, 32), data.shape());
    assertEquals(10, data.numClasses());
  }

  @Test
  void cifar100FormatsCountRecordsOf3074BytesAndTheirClasses() throws Exception {
    Path train = write(dir, "train.bin", cifar100(0, 4));
    CifarDataset coarse = open(CifarFormat.CIFAR100_COARSE, 0, train);
    CifarDataset fine = open(CifarFormat.CIFAR100_FINE, 0, train);
    assertEquals(4, coarse.size());
    assertEquals(4, fine.size());
    assertEquals(20, coarse.numClasses());
    assertEquals(100, fine.numClasses());
  }

  @Test
  void globMatchesAreSortedByPathAndPatternsKeepTheirOrder() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("cifar-10-batches-bin"));
    for (String name : new String[] {"data_batch_2.bin", "data_batch_10.bin", "data_batch_1.bin",
        "test_batch.bin"}) {
      write(sub, name, cifar10(0, 2));
    }
    Files.writeString(sub.resolve("readme.html"), "not a batch");
    CifarDataset data = open(CifarFormat.CIFAR10,
        sub + "/test_batch.bin", sub + "/data_batch_*.bin");
    assertEquals(List.of(qualified(sub.resolve("test_batch.bin")),
        qualified(sub.resolve("data_batch_1.bin")), qualified(sub.resolve("data_batch_10.bin")),
        qualified(sub.resolve("data_batch_2.bin"))), data.files());
    assertEquals(8, data.size());
  }

  @Test
  void limitKeepsTheFirstExamplesAndDropsFilesWhollyPastIt() throws Exception {
    Path f0 = write(dir, "f0.bin", cifar10(0, 5));
    Path f1 = write(dir, "f1.bin", cifar10(5, 3));
    Path f2 = write(dir, "f2.bin", cifar10(8, 4));
    CifarDataset six = open(CifarFormat.CIFAR10, 6, f0, f1, f2);
    assertEquals(6, six.size());
    assertEquals(List.of(qualified(f0), qualified(f1)), six.files());
    CifarDataset five = open(CifarFormat.CIFAR10, 5, f0, f1, f2);
    assertEquals(5, five.size());
    assertEquals(List.of(qualified(f0)), five.files());
    assertEquals(12, open(CifarFormat.CIFAR10, 100, f0, f1, f2).size());
    assertEquals(12, open(CifarFormat.CIFAR10, 0, f0, f1, f2).size());
  }

  @Test
  void splitsHoldWholeRecordsAndEndAtTheLimit() throws Exception {
    Path f0 = write(dir, "f0.bin", cifar10(0, 5));
    Path f1 = write(dir, "f1.bin", cifar10(5, 5));
    Path f2 = write(dir, "f2.bin", cifar10(10, 5));
    // 7 examples in 3 partitions: splits of at most 3 records; f1 ends at its 2nd record, f2 unread
    CifarDataset data = open(CifarFormat.CIFAR10, 7, f0, f1, f2);
    List<InputSplit> splits =
        new CifarDataset.LimitedInputFormat().getSplits(data.job(CONF, 3));
    assertEquals(List.of(
        qualified(f0) + ":0+" + 3 * 3073,
        qualified(f0) + ":" + 3 * 3073 + "+" + 2 * 3073,
        qualified(f1) + ":0+" + 2 * 3073),
        splits.stream().map(s -> ((FileSplit) s).toString()).toList());
  }

  @Test
  void aFileThatIsNotAWholeNumberOfRecordsIsNamedWithItsSize() throws Exception {
    Path good = write(dir, "data_batch_1.bin", cifar10(0, 2));
    Path bad = write(dir, "data_batch_2.bin", java.util.Arrays.copyOf(cifar10(0, 5), 12345));
    var e = assertThrows(BadInputException.class,
        () -> open(CifarFormat.CIFAR10, 0, good, bad));
    assertEquals(qualified(bad) + " is 12345 bytes, not a whole number of 3073-byte CIFAR-10"
        + " records (4 records and 53 bytes left over)", e.getMessage());
  }

  @Test
  void aCifar10FileReadAsCifar100IsNamedWithItsSize() throws Exception {
    Path cifar10 = write(dir, "data_batch_1.bin", cifar10(0, 2));
    var e = assertThrows(BadInputException.class,
        () -> open(CifarFormat.CIFAR100_FINE, 0, cifar10));
    assertEquals(qualified(cifar10) + " is 6146 bytes, not a whole number of 3074-byte CIFAR-100"
        + " records (1 records and 3072 bytes left over)", e.getMessage());
  }

  @Test
  void anEmptyFileIsNamed() throws Exception {
    Path empty = write(dir, "empty.bin", new byte[0]);
    var e = assertThrows(BadInputException.class, () -> open(CifarFormat.CIFAR10, 0, empty));
    assertEquals(qualified(empty) + " is empty (0 bytes), not a whole number of 3073-byte CIFAR-10"
        + " records", e.getMessage());
  }

  @Test
  void aMissingPathIsNamed() {
    Path missing = dir.resolve("data_batch_1.bin");
    var e = assertThrows(BadInputException.class, () -> open(CifarFormat.CIFAR10, 0, missing));
    assertEquals("input file not found: " + missing, e.getMessage());
  }

  @Test
  void aPatternThatMatchesNothingIsNamed() throws Exception {
    write(dir, "test_batch.bin", cifar10(0, 1));
    String pattern = dir + "/data_batch_*.bin";
    var e = assertThrows(BadInputException.class,
        () -> open(CifarFormat.CIFAR10, dir + "/test_batch.bin", pattern));
    assertEquals("input file not found: " + pattern, e.getMessage());
  }

  @Test
  void aDirectoryIsRejectedWithAHint() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("cifar-10-batches-bin"));
    write(sub, "data_batch_1.bin", cifar10(0, 1));
    var e = assertThrows(BadInputException.class, () -> open(CifarFormat.CIFAR10, 0, sub));
    assertEquals(qualified(sub) + " is a directory; a CIFAR input must be a file or a glob"
        + " matching files, such as " + qualified(sub) + "/data_batch_*.bin", e.getMessage());
  }

  @Test
  void aCompressedFileIsRejected() throws Exception {
    Path gz = write(dir, "data_batch_1.bin.gz", cifar10(0, 2));
    var e = assertThrows(BadInputException.class, () -> open(CifarFormat.CIFAR10, 0, gz));
    assertEquals(qualified(gz) + " is compressed, but CIFAR files are read in fixed-length records"
        + " at byte offsets, which needs the uncompressed .bin files: extract it first",
        e.getMessage());
  }

  @Test
  void aFileNamedTwiceIsRejected() throws Exception {
    Path file = write(dir, "data_batch_1.bin", cifar10(0, 2));
    List<String> paths = List.of(file.toString(), dir + "/data_batch_*.bin");
    var e = assertThrows(BadInputException.class,
        () -> CifarDataset.open(paths, CifarFormat.CIFAR10, 0, CONF));
    assertEquals(qualified(file) + " is named more than once by the CIFAR inputs " + paths
        + "; each file must be read once, or its records would be counted twice", e.getMessage());
  }

  @Test
  void badArgumentsAreRejectedBeforeAnyWork() throws Exception {
    Path file = write(dir, "data_batch_1.bin", cifar10(0, 2));
    assertThrows(IllegalArgumentException.class,
        () -> CifarDataset.open(List.of(), CifarFormat.CIFAR10, 0, CONF));
    var negative = assertThrows(IllegalArgumentException.class,
        () -> open(CifarFormat.CIFAR10, -1, file));
    assertEquals("limit must be >= 0, got -1", negative.getMessage());
    CifarDataset data = open(CifarFormat.CIFAR10, 0, file);
    var zero = assertThrows(IllegalArgumentException.class, () -> data.load(null, 0));
    assertEquals("partitions must be > 0, got 0", zero.getMessage());
  }

  @Test
  void escapesGlobCharacters() {
    assertEquals("file:/d/batch\\[1\\]\\{a,b\\}\\*\\?\\\\.bin",
        CifarDataset.escapeGlob("file:/d/batch[1]{a,b}*?\\.bin"));
  }
}
