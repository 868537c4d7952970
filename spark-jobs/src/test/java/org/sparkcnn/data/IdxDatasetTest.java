package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkcnn.data.IdxFixtures.images;
import static org.sparkcnn.data.IdxFixtures.labels;
import static org.sparkcnn.data.IdxFixtures.pixel;
import static org.sparkcnn.data.IdxFixtures.truncate;
import static org.sparkcnn.data.IdxFixtures.write;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.sparkcnn.models.ImageShape;

/** The IDX reader on generated files, without Spark (partition ranges are read directly). */
class IdxDatasetTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path dir;

  IdxDataset open(Path images, Path labels, int classes) {
    return IdxDataset.open(images.toString(), labels.toString(), classes, 0, CONF);
  }

  static List<LabeledImage> readAll(IdxDataset data, long first, long end) {
    List<LabeledImage> out = new ArrayList<>();
    data.read(CONF, first, end).forEachRemaining(out::add);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".gz"})
  void readsEveryRecordByteExactRawAndGzipped(String suffix) throws Exception {
    IdxDataset data = open(write(dir, "img" + suffix, images(25, 4, 3)),
        write(dir, "lab" + suffix, labels(25, 10)), 10);
    assertEquals(new ImageShape(1, 4, 3), data.shape());
    assertEquals(25, data.size());
    // a middle range, as one partition reads it: a seek (raw) or a skip (gz) to record 7
    List<LabeledImage> read = readAll(data, 7, 19);
    assertEquals(12, read.size());
    for (int k = 0; k < read.size(); k++) {
      int i = 7 + k;
      byte[] expected = new byte[12];
      for (int p = 0; p < 12; p++) {
        expected[p] = pixel(i, p);
      }
      assertArrayEquals(expected, read.get(k).pixels(), "pixels of record " + i);
      assertEquals(i % 10, read.get(k).label(), "label of record " + i);
    }
  }

  @Test
  void limitKeepsTheFirstExamples() throws Exception {
    IdxDataset data = IdxDataset.open(write(dir, "i", images(25, 2, 2)).toString(),
        write(dir, "l", labels(25, 10)).toString(), 10, 10, CONF);
    assertEquals(10, data.size());
  }

  @Test
  void missingPathNamesIt() {
    Path missing = dir.resolve("nope-images.gz");
    var e = assertThrows(BadInputException.class, () -> open(missing, missing, 10));
    assertEquals("input file not found: " + missing, e.getMessage());
  }

  @Test
  void wrongMagicNumberNamesTheFile() throws Exception {
    Path images = write(dir, "img", images(5, 2, 2));
    Path labelsAsImages = write(dir, "lab", images(5, 2, 2));
    var e = assertThrows(BadInputException.class, () -> open(images, labelsAsImages, 10));
    assertEquals(labelsAsImages + " is not an IDX file of unsigned bytes with 1 dimension(s):"
        + " magic number 0x00000803, expected 0x00000801", e.getMessage());
  }

  @Test
  void notIdxAtAllNamesTheFile() throws Exception {
    Path text = write(dir, "img.gz", "hello, world".getBytes());
    Path labels = write(dir, "lab", labels(5, 10));
    var e = assertThrows(BadInputException.class, () -> open(text, labels, 10));
    assertEquals(text + " is not an IDX file of unsigned bytes with 3 dimension(s):"
        + " magic number 0x68656C6C, expected 0x00000803", e.getMessage());
  }

  @Test
  void differentCountsNameBothFiles() throws Exception {
    Path images = write(dir, "img", images(5, 2, 2));
    Path labels = write(dir, "lab", labels(6, 10));
    var e = assertThrows(BadInputException.class, () -> open(images, labels, 10));
    assertEquals(images + " holds 5 images but " + labels + " holds 6 labels", e.getMessage());
  }

  @Test
  void truncatedRawFileFailsOnTheDriver() throws Exception {
    Path images = write(dir, "img", truncate(images(5, 2, 2), 3));
    Path labels = write(dir, "lab", labels(5, 10));
    var e = assertThrows(BadInputException.class, () -> open(images, labels, 10));
    assertEquals(images + " is truncated: its header announces 5 items of 4 bytes (36 bytes with"
        + " the header) but the file has 33 bytes", e.getMessage());
  }

  @Test
  void truncatedHeaderNamesTheFile() throws Exception {
    Path images = write(dir, "img.gz", java.util.Arrays.copyOf(images(5, 2, 2), 10));
    Path labels = write(dir, "lab", labels(5, 10));
    var e = assertThrows(BadInputException.class, () -> open(images, labels, 10));
    assertEquals(images + " is truncated: it ends inside the IDX header", e.getMessage());
  }

  @Test
  void truncatedGzipFileFailsAtTheRecordWhereItEnds() throws Exception {
    IdxDataset data = open(write(dir, "img.gz", truncate(images(5, 2, 2), 3)),
        write(dir, "lab.gz", labels(5, 10)), 10);
    var e = assertThrows(BadInputException.class, () -> readAll(data, 0, 5));
    assertEquals(dir.resolve("img.gz") + " is truncated: record 4 of the 5 its header announces"
        + " ends past the end of the data", e.getMessage());
  }

  @Test
  void truncatedGzipFileFailsWhenAPartitionStartsPastItsEnd() throws Exception {
    IdxDataset data = open(write(dir, "img.gz", truncate(images(10, 2, 2), 20)),
        write(dir, "lab.gz", labels(10, 10)), 10);
    var e = assertThrows(BadInputException.class, () -> readAll(data, 7, 10));
    assertEquals(dir.resolve("img.gz") + " is truncated: item 7 of 10 lies past the end of the"
        + " data", e.getMessage());
  }

  @Test
  void labelOutOfRangeNamesFileAndRecord() throws Exception {
    byte[] labels = {1, 2, 3, 12, 4};
    IdxDataset data = open(write(dir, "img", images(5, 2, 2)),
        write(dir, "lab", labels(labels)), 10);
    var e = assertThrows(BadInputException.class, () -> readAll(data, 0, 5));
    assertEquals(dir.resolve("lab") + " record 3: label 12 is outside the class range 0..9",
        e.getMessage());
  }
}
