package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.data.ImageFolderFixtures.SIZE;
import static org.sparkcnn.data.ImageFolderFixtures.fixture;
import static org.sparkcnn.data.ImageFolderFixtures.folder;
import static org.sparkcnn.data.ImageFolderFixtures.grey;
import static org.sparkcnn.data.ImageFolderFixtures.image;
import static org.sparkcnn.data.ImageFolderFixtures.jpeg;
import static org.sparkcnn.data.ImageFolderFixtures.png;
import static org.sparkcnn.data.ImageFolderFixtures.rgb;
import static org.sparkcnn.data.ImageFolderFixtures.smooth;
import static org.sparkcnn.data.ImageFolderFixtures.write;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/** The image-folder reader on the driver and its decoding functions, without Spark. */
class ImageFolderDatasetTest {
  static final Configuration CONF = new Configuration();
  static final ImageShape RGB = new ImageShape(3, SIZE, SIZE);
  static final ImageShape GREY = new ImageShape(1, SIZE, SIZE);
  static final long MAX_PIXELS = ImageDecoder.DEFAULT_MAX_PIXELS;
  @TempDir Path dir;

  static ImageFolderDataset open(Path root, long limit) {
    return open(root, limit, 1);
  }

  static ImageFolderDataset open(Path root, long limit, long seed) {
    return ImageFolderDataset.open(root.toString(), RGB, SizePolicy.RESIZE,
        ChannelPolicy.CONVERT, MAX_PIXELS, limit, seed, CONF);
  }

  static byte[] decode(String name, ImageShape shape, SizePolicy size, ChannelPolicy channels)
      throws Exception {
    return ImageDecoder.decode(fixture(name), shape, size, channels, MAX_PIXELS);
  }

  @Test
  void classesAreTheSortedSubFoldersAndIndicesFollowTheSortedFiles() {
    ImageFolderDataset data = open(folder(), 0);
    assertEquals(List.of("ant", "bee", "cat"), data.classNames());
    assertEquals(3, data.numClasses());
    assertEquals(RGB, data.shape());
    List<String> names = data.files().stream()
        .map(f -> folder().relativize(Path.of(URI.create(f.path()))).toString())
        .toList();
    // notes.txt (not an image), .hidden.png (hidden) and the root's README.md are left out
    assertEquals(List.of("ant/a-rgb.png", "ant/b-rgb.png", "ant/c-photo.jpg", "bee/a-grey.png",
        "bee/b-broken.jpg", "bee/c-wide.png", "cat/a-rgb.PNG", "cat/b-rgb.jpeg"), names);
    assertEquals(List.of(0, 0, 0, 1, 1, 1, 2, 2),
        data.files().stream().map(ImageFile::label).toList());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L),
        data.files().stream().map(ImageFile::index).toList());
    assertEquals(8, data.size());
  }

  /**
   * The limit takes a seeded random sample of the sorted file list, in its order, each file keeping
   * its index: the first N of a class-sorted list would hold the first classes only.
   */
  @Test
  void limitTakesASeededRandomSampleInIndexOrder() {
    List<Long> all = open(folder(), 0).files().stream()
        .map(ImageFile::index).toList();
    Set<List<Long>> samples = new HashSet<>();
    for (long seed = 1; seed <= 20; seed++) {
      ImageFolderDataset data = open(folder(), 4, seed);
      assertEquals(4, data.size());
      assertEquals(3, data.numClasses());
      List<Long> indices = data.files().stream().map(ImageFile::index).toList();
      assertEquals(indices.stream().sorted().toList(), indices);
      assertTrue(all.containsAll(indices), indices.toString());
      for (ImageFile f : data.files()) {
        assertEquals(open(folder(), 0).files().get((int) f.index()).path(), f.path());
      }
      assertEquals(indices, open(folder(), 4, seed).files().stream()
          .map(ImageFile::index).toList());
      samples.add(indices);
    }
    assertTrue(samples.size() > 5, samples.toString()); // C(8, 4) = 70 samples
    assertEquals(8, open(folder(), 8, 3).size());
    assertEquals(8, open(folder(), 100, 3).size());
  }

  /**
   * 10 classes of 30 files each, sorted by class, limit 100: every class drawn (10 expected, a
   * class missing has probability 10 (2/3)^30 = 5e-5), where the first 100 hold classes 0-3.
   */
  @Test
  void limitOnAClassSortedFolderDrawsFromEveryClass() {
    var names = new ArrayList<ImageFile>();
    for (int c = 0; c < 10; c++) {
      for (int i = 0; i < 30; i++) {
        names.add(new ImageFile("c" + c + "/" + i + ".png", c, c * 30L + i));
      }
    }
    for (long seed = 1; seed <= 5; seed++) {
      List<ImageFile> sample = ImageFolderDataset.sample(names, 100, seed);
      assertEquals(100, sample.size());
      for (int c = 0; c < 10; c++) {
        int label = c;
        long n = sample.stream().filter(f -> f.label() == label).count();
        assertTrue(n >= 3 && n <= 20, "class " + c + ": " + n + " of 100, seed " + seed);
      }
    }
  }

  @Test
  void imageNamesAreJpegAndPngInAnyCase() {
    for (String name : List.of("a.jpg", "b.JPEG", "c.Png", "d.jpeg")) {
      assertTrue(ImageFolderDataset.isImageName(name), name);
    }
    for (String name : List.of("a.gif", "b.jpg.txt", "png", "c.bmp")) {
      assertFalse(ImageFolderDataset.isImageName(name), name);
    }
  }

  @Test
  void pngPixelsAreExact() throws Exception {
    SizePolicy size = SizePolicy.REJECT;
    ChannelPolicy channels = ChannelPolicy.REJECT;
    assertArrayEquals(rgb(0), decode("ant/a-rgb.png", RGB, size, channels));
    assertArrayEquals(rgb(6), decode("cat/a-rgb.PNG", RGB, size, channels));
    assertArrayEquals(grey(), decode("bee/a-grey.png", GREY, size, channels));
  }

  @Test
  void jpegPixelsAreCloseToTheSource() throws Exception {
    byte[] decoded = decode("ant/c-photo.jpg", RGB, SizePolicy.REJECT, ChannelPolicy.REJECT);
    byte[] source = smooth();
    assertEquals(source.length, decoded.length);
    int maxError = 0;
    for (int i = 0; i < source.length; i++) {
      maxError = Math.max(maxError, Math.abs((source[i] & 0xFF) - (decoded[i] & 0xFF)));
    }
    assertTrue(maxError <= 6, "largest error " + maxError);
  }

  @Test
  void greyBecomesRgbByReplication() throws Exception {
    byte[] decoded = decode("bee/a-grey.png", RGB, SizePolicy.REJECT, ChannelPolicy.CONVERT);
    byte[] grey = grey();
    assertEquals(3 * grey.length, decoded.length);
    for (int c = 0; c < 3; c++) {
      assertArrayEquals(grey,
          Arrays.copyOfRange(decoded, c * grey.length, (c + 1) * grey.length), "channel " + c);
    }
  }

  @Test
  void rgbBecomesGreyByLuma() throws Exception {
    assertArrayEquals(new byte[] {76, (byte) 150, 29, (byte) 255, 0},
        ImageDecoder.rgbToGrey(new byte[] {
            (byte) 255, 0, 0, (byte) 255, 0,
            0, (byte) 255, 0, (byte) 255, 0,
            0, 0, (byte) 255, (byte) 255, 0}));
    byte[] decoded = decode("ant/b-rgb.png", GREY, SizePolicy.REJECT, ChannelPolicy.CONVERT);
    byte[] rgb = rgb(1);
    int plane = SIZE * SIZE;
    for (int p = 0; p < plane; p++) {
      long luma = Math.round(0.299 * (rgb[p] & 0xFF) + 0.587 * (rgb[plane + p] & 0xFF)
          + 0.114 * (rgb[2 * plane + p] & 0xFF));
      assertEquals(luma, decoded[p] & 0xFF, "pixel " + p);
    }
  }

  @Test
  void deepGreyIsScaledToBytes() throws Exception {
    BufferedImage deep = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
    deep.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 257 * 100, 65535});
    assertEquals(1, ImageDecoder.channels(deep));
    assertArrayEquals(new byte[] {0, 100, (byte) 255},
        ImageDecoder.channelMajor(ImageDecoder.read(png(deep), MAX_PIXELS)));
  }

  @Test
  void rejectPoliciesSayWhy() {
    var size = assertThrows(UnusableImageException.class,
        () -> decode("bee/c-wide.png", RGB, SizePolicy.REJECT, ChannelPolicy.CONVERT));
    assertEquals("size 16x8, expected 8x8 (data.folder.on-size-mismatch = reject)",
        size.getMessage());
    var grey = assertThrows(UnusableImageException.class,
        () -> decode("bee/a-grey.png", RGB, SizePolicy.RESIZE, ChannelPolicy.REJECT));
    assertEquals("1 channel, expected 3 (data.folder.on-channel-mismatch = reject)",
        grey.getMessage());
    var colour = assertThrows(UnusableImageException.class,
        () -> decode("ant/a-rgb.png", GREY, SizePolicy.RESIZE, ChannelPolicy.REJECT));
    assertEquals("3 channels, expected 1 (data.folder.on-channel-mismatch = reject)",
        colour.getMessage());
  }

  @Test
  void resizeGivesTheShapeAndInterpolatesBetweenPixelCentres() throws Exception {
    // 2 pixels to 4: the outer two repeat the edges, the inner two are 1/4 and 3/4 of the way
    assertArrayEquals(new byte[] {0, 64, (byte) 191, (byte) 255},
        ImageDecoder.resize(new byte[] {0, (byte) 255}, 1, 1, 2, 1, 4));
    byte[] uniform = new byte[2 * 30 * 40];
    Arrays.fill(uniform, (byte) 77);
    byte[] shrunk = ImageDecoder.resize(uniform, 2, 30, 40, 7, 9);
    assertEquals(2 * 7 * 9, shrunk.length);
    for (byte b : shrunk) {
      assertEquals(77, b);
    }
    byte[] wide = decode("bee/c-wide.png", RGB, SizePolicy.RESIZE, ChannelPolicy.REJECT);
    assertEquals(RGB.size(), wide.length);
    // squeezed, the red and blue stripes stay at the sides
    int plane = SIZE * SIZE;
    assertTrue((wide[0] & 0xFF) > 200 && (wide[2 * plane + SIZE - 1] & 0xFF) > 200);
  }

  @Test
  void resizeCropKeepsTheCentre() throws Exception {
    byte[] wide = decode("bee/c-wide.png", RGB, SizePolicy.RESIZE_CROP, ChannelPolicy.REJECT);
    byte[] green = new byte[RGB.size()];
    Arrays.fill(green, SIZE * SIZE, 2 * SIZE * SIZE, (byte) 255);
    assertArrayEquals(green, wide);
    // a tall image, 12x4 to 2x2: rows 4-7 halved (the filter reaches one row further each way)
    byte[] tall = new byte[12 * 4];
    Arrays.fill(tall, 3 * 4, 9 * 4, (byte) 200);
    byte[] cropped = ImageDecoder.resizeCrop(tall, 1, 12, 4, 2, 2);
    assertArrayEquals(new byte[] {(byte) 200, (byte) 200, (byte) 200, (byte) 200}, cropped);
    assertEquals(3 * 5 * 6, ImageDecoder.resizeCrop(new byte[3 * 30 * 40], 3, 30, 40, 5, 6).length);
  }

  @Test
  void undecodableBytesSayWhy() throws Exception {
    var noise = assertThrows(UnusableImageException.class, () -> ImageDecoder.read(
        fixture("bee/b-broken.jpg"), MAX_PIXELS));
    assertEquals("cannot decode: not a JPEG or PNG image", noise.getMessage());
    ByteArrayOutputStream gif = new ByteArrayOutputStream();
    ImageIO.write(image(rgb(0), 3, SIZE, SIZE), "gif", gif);
    var other = assertThrows(UnusableImageException.class,
        () -> ImageDecoder.read(gif.toByteArray(), MAX_PIXELS));
    assertEquals("cannot decode: not a JPEG or PNG image", other.getMessage());
    byte[] png = fixture("ant/a-rgb.png");
    var truncatedPng = assertThrows(UnusableImageException.class,
        () -> ImageDecoder.read(Arrays.copyOf(png, png.length - 40), MAX_PIXELS));
    assertTrue(truncatedPng.getMessage().startsWith("cannot decode: "), truncatedPng.getMessage());
    byte[] busy = new byte[3 * 32 * 32];
    new Random(7).nextBytes(busy);
    byte[] jpeg = jpeg(image(busy, 3, 32, 32));
    var truncatedJpeg = assertThrows(UnusableImageException.class,
        () -> ImageDecoder.read(Arrays.copyOf(jpeg, jpeg.length / 2), MAX_PIXELS));
    assertTrue(truncatedJpeg.getMessage().startsWith("cannot decode: Truncated File"),
        truncatedJpeg.getMessage());
  }

  @Test
  void missingRootIsNamed() {
    Path missing = dir.resolve("no-such-folder");
    var e = assertThrows(BadInputException.class, () -> open(missing, 0));
    assertEquals("image folder not found: " + missing, e.getMessage());
  }

  @Test
  void rootWithoutClassFoldersIsNamed() throws Exception {
    write(dir.resolve("image.png"), png(image(rgb(0), 3, SIZE, SIZE)));
    Files.createDirectories(dir.resolve("_temporary"));
    var e = assertThrows(BadInputException.class, () -> open(dir, 0));
    assertEquals("image folder " + dir + " holds no class sub-folders (one per class, holding its"
        + " JPEG and PNG images)", e.getMessage());
    var file = assertThrows(BadInputException.class, () -> open(dir.resolve("image.png"), 0));
    assertEquals("image folder " + dir.resolve("image.png") + " is a file, not a folder",
        file.getMessage());
  }

  @Test
  void classFolderWithoutImagesIsNamed() throws Exception {
    write(dir.resolve("a/x.png"), png(image(rgb(0), 3, SIZE, SIZE)));
    write(dir.resolve("b/readme.txt"), "no images here".getBytes());
    write(dir.resolve("b/.hidden.jpg"), png(image(rgb(0), 3, SIZE, SIZE)));
    var e = assertThrows(BadInputException.class, () -> open(dir, 0));
    assertEquals("class folder file:" + dir.resolve("b")
        + " holds no JPEG or PNG images (.jpg, .jpeg, .png)", e.getMessage());
  }

  @Test
  void differentClassFoldersNameBothRootsAndTheDifference() throws Exception {
    write(dir.resolve("test/ant/x.png"), png(image(rgb(0), 3, SIZE, SIZE)));
    write(dir.resolve("test/dog/x.png"), png(image(rgb(0), 3, SIZE, SIZE)));
    ImageFolderDataset train = open(folder(), 0);
    ImageFolderDataset test = open(dir.resolve("test"), 0);
    var e = assertThrows(BadInputException.class, () -> train.requireSameClasses(test));
    assertEquals(dir.resolve("test") + " must have the same class folders as " + folder()
        + ", but it lacks [bee, cat] and it has [dog] that " + folder() + " lacks",
        e.getMessage());
    assertDoesNotThrow(() -> train.requireSameClasses(open(folder(), 3)));
  }

  @Test
  void skippedInputsAreListedOncePerPathSortedByPath() {
    assertEquals(List.of(new SkippedInput("a", "x"), new SkippedInput("b", "y")),
        SkippingDecoder.byPath(List.of(new SkippedInput("b", "y"), new SkippedInput("a", "x"),
            new SkippedInput("b", "y"))));
  }

  @Test
  void policiesReadTheirConfigValues() {
    assertEquals(SizePolicy.RESIZE_CROP, SizePolicy.fromConfig("resize-crop"));
    assertEquals("resize-crop", SizePolicy.RESIZE_CROP.configValue());
    assertEquals(ChannelPolicy.REJECT, ChannelPolicy.fromConfig("reject"));
    assertThrows(IllegalArgumentException.class, () -> SizePolicy.fromConfig("crop"));
  }
}
