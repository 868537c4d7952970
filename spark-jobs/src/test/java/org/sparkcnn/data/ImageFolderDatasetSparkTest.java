package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.data.ImageFolderFixtures.SIZE;
import static org.sparkcnn.data.ImageFolderFixtures.fixture;
import static org.sparkcnn.data.ImageFolderFixtures.folder;
import static org.sparkcnn.data.ImageFolderFixtures.rgb;
import static org.sparkcnn.data.ImageFolderFixtures.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.SparkTest;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/** The image-folder reader decoding the fixture folder on Spark executors (local[2]). */
class ImageFolderDatasetSparkTest extends SparkTest {
  static final ImageShape RGB = new ImageShape(3, SIZE, SIZE);
  @TempDir Path dir;

  static ImageFolderDataset open(Path root, SizePolicy size, ChannelPolicy channels, long limit) {
    return ImageFolderDataset.open(
        root.toString(), RGB, size, channels, ImageDecoder.DEFAULT_MAX_PIXELS, limit, 1,
        sc.hadoopConfiguration());
  }

  static String path(ImageFolderDataset data, long index) {
    return data.files().get((int) index).path();
  }

  static List<LabeledImage> sorted(List<LabeledImage> examples) {
    return examples.stream().sorted(Comparator.comparingLong(LabeledImage::index)).toList();
  }

  @Test
  void undecodableFileIsSkippedAndListedWithItsReason() {
    ImageFolderDataset data = open(folder(), SizePolicy.RESIZE, ChannelPolicy.CONVERT, 0);
    Loaded loaded = data.loadCached(sc, 2);
    try {
      assertEquals(7, loaded.count());
      assertTrue(path(data, 4).endsWith("/bee/b-broken.jpg"), path(data, 4));
      assertEquals(
          List.of(new SkippedInput(path(data, 4), "cannot decode: not a JPEG or PNG image")),
          loaded.skipped());
      List<LabeledImage> examples = sorted(loaded.examples().collect());
      assertEquals(List.of(0L, 1L, 2L, 3L, 5L, 6L, 7L),
          examples.stream().map(LabeledImage::index).toList());
      assertEquals(List.of(0, 0, 0, 1, 1, 2, 2),
          examples.stream().map(LabeledImage::label).toList());
      assertEquals(new LabeledImage(6, rgb(6), 2), examples.get(5));
    } finally {
      loaded.examples().unpersist(false);
    }
  }

  @Test
  void rejectPoliciesSkipAndListTheWrongSizeAndChannels() {
    ImageFolderDataset data = open(folder(), SizePolicy.REJECT, ChannelPolicy.REJECT, 0);
    Loaded loaded = data.loadCached(sc, 3);
    try {
      assertEquals(5, loaded.count());
      assertEquals(List.of(
          new SkippedInput(path(data, 3),
              "1 channel, expected 3 (data.folder.on-channel-mismatch = reject)"),
          new SkippedInput(path(data, 4), "cannot decode: not a JPEG or PNG image"),
          new SkippedInput(path(data, 5),
              "size 16x8, expected 8x8 (data.folder.on-size-mismatch = reject)")),
          loaded.skipped());
    } finally {
      loaded.examples().unpersist(false);
    }
  }

  @Test
  void sameExamplesWhateverThePartitioning() {
    ImageFolderDataset data = open(folder(), SizePolicy.RESIZE_CROP, ChannelPolicy.CONVERT, 0);
    List<LabeledImage> one = data.load(sc, 1).collect();
    assertEquals(7, one.size());
    for (int partitions : new int[] {2, 3, 5}) {
      var rdd = data.load(sc, partitions);
      assertEquals(partitions, rdd.getNumPartitions());
      assertEquals(one, sorted(rdd.collect()), partitions + " partitions");
    }
  }

  @Test
  void limitLoadsTheSampledImagesWithTheirIndices() {
    ImageFolderDataset data = open(folder(), SizePolicy.RESIZE, ChannelPolicy.CONVERT, 3);
    List<Long> sampled = data.files().stream().map(ImageFile::index).toList();
    assertEquals(3, sampled.size());
    assertEquals(sampled,
        sorted(data.load(sc, 2).collect()).stream().map(LabeledImage::index).toList());
  }

  @Test
  void skippedFractionIsCheckedAgainstTheLimit() {
    Loaded loaded =
        open(folder(), SizePolicy.RESIZE, ChannelPolicy.CONVERT, 0).loadCached(sc, 2);
    try {
      assertDoesNotThrow(() -> loaded.requireSkippedAtMost(0.2, "the folder", "skipped.txt"));
      var e = assertThrows(BadInputException.class,
          () -> loaded.requireSkippedAtMost(0.1, "the folder", "skipped.txt"));
      assertEquals("1 of the 8 images in the folder (12.50%) could not be used, more than"
          + " data.max-skipped-fraction = 0.1; all are listed in skipped.txt; the first: "
          + loaded.skipped().get(0).path() + ": cannot decode: not a JPEG or PNG image",
          e.getMessage());
    } finally {
      loaded.examples().unpersist(false);
    }
  }

  @Test
  void fileGoneAfterListingFailsTheJobNamingIt() throws Exception {
    write(dir.resolve("ant/a.png"), fixture("ant/a-rgb.png"));
    write(dir.resolve("ant/b.png"), fixture("ant/b-rgb.png"));
    write(dir.resolve("bee/c.png"), fixture("cat/a-rgb.PNG"));
    ImageFolderDataset data = open(dir, SizePolicy.RESIZE, ChannelPolicy.CONVERT, 0);
    Files.delete(dir.resolve("ant/b.png"));
    var e = assertThrows(SparkException.class, () -> data.loadCached(sc, 2));
    BadInputException bad = BadInputException.findIn(e);
    assertNotNull(bad, "cause chain of " + e);
    assertTrue(bad.getMessage().startsWith("cannot read " + path(data, 1) + ": "),
        bad.getMessage());
  }
}
