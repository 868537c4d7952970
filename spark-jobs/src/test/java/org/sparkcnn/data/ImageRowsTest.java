package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.data.ImageFolderFixtures.image;
import static org.sparkcnn.data.ImageFolderFixtures.png;
import static org.sparkcnn.data.ImageFolderFixtures.rgb;
import static org.sparkcnn.data.ImageFolderFixtures.write;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.SparkTest;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.data.ImageRows.ImageColumn;
import org.sparkcnn.models.ImageShape;

/**
 * {@link ImageRows}: PNGs read by Spark's image source (local[2]) give, through {@link
 * ImageRows#fromImageStruct}, exactly the pixels {@link ImageDecoder#decode} gives for the same
 * files, under every size and channel policy.
 */
class ImageRowsTest extends SparkTest {
  private static final int SIZE = 8;
  @TempDir static Path dir;
  private static List<Row> images;

  /**
   * Writes grey, grey+alpha, RGB and RGBA PNGs at the target size and at other sizes, plus a file
   * that is no image, and reads them with Spark's image source.
   */
  @BeforeAll
  static void readWithSparkImageSource() throws IOException {
    write(dir.resolve("rgb.png"), png(image(rgb(1), 3, SIZE, SIZE)));
    write(dir.resolve("rgb-wide.png"), png(image(noise(2, 3 * SIZE * 2 * SIZE), 3, SIZE,
        2 * SIZE)));
    write(dir.resolve("rgba.png"), png(withAlpha(rgb(3), SIZE, SIZE)));
    write(dir.resolve("rgba-tall.png"), png(withAlpha(noise(4, 3 * 13 * 5), 13, 5)));
    write(dir.resolve("grey.png"), png(image(noise(5, SIZE * SIZE), 1, SIZE, SIZE)));
    write(dir.resolve("grey-small.png"), png(image(noise(6, 5 * 6), 1, 5, 6)));
    write(dir.resolve("grey-alpha.png"), png(greyAlpha(noise(7, 2 * SIZE * SIZE), SIZE, SIZE)));
    write(dir.resolve("grey-alpha-wide.png"), png(greyAlpha(noise(8, 2 * 7 * 11), 7, 11)));
    write(dir.resolve("broken.png"), noise(9, 100));
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    images = spark.read().format("image").load(dir.toString()).collectAsList();
  }

  static byte[] noise(int seed, int length) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** An RGBA image of channel-major RGB {@code pixels}, alpha varying over the pixels. */
  static BufferedImage withAlpha(byte[] pixels, int height, int width) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    int plane = height * width;
    for (int p = 0; p < plane; p++) {
      int alpha = 255 - p % 200;
      image.setRGB(p % width, p / width, alpha << 24 | (pixels[p] & 0xFF) << 16
          | (pixels[plane + p] & 0xFF) << 8 | (pixels[2 * plane + p] & 0xFF));
    }
    return image;
  }

  /** An 8-bit grey + alpha image: grey from the first plane of {@code samples}, alpha the next. */
  static BufferedImage greyAlpha(byte[] samples, int height, int width) {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
        true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = model.createCompatibleWritableRaster(width, height);
    int plane = height * width;
    for (int p = 0; p < plane; p++) {
      raster.setSample(p % width, p / width, 0, samples[p] & 0xFF);
      raster.setSample(p % width, p / width, 1, samples[plane + p] & 0xFF);
    }
    return new BufferedImage(model, raster, false, null);
  }

  private static Row struct(String name) {
    return images.stream().map(r -> r.<Row>getAs("image"))
        .filter(image -> image.<String>getAs("origin").endsWith("/" + name))
        .findFirst().orElseThrow(() -> new AssertionError("no row for " + name));
  }

  @Test
  void sparkReadEveryFileAndMarkedTheBrokenOne() {
    assertEquals(9, images.size());
    Row broken = struct("broken.png");
    assertEquals(-1, broken.<Integer>getAs("height"));
    UnusableImageException e = assertThrows(UnusableImageException.class,
        () -> ImageRows.fromImageStruct(broken, new ImageShape(3, SIZE, SIZE), SizePolicy.RESIZE,
            ChannelPolicy.CONVERT, ImageDecoder.DEFAULT_MAX_PIXELS));
    assertTrue(e.getMessage().startsWith("cannot decode: Spark's image source could not read"),
        e.getMessage());
  }

  @Test
  void structsGiveTheDecodersPixelsUnderEveryPolicy() throws IOException, UnusableImageException {
    List<String> checked = new ArrayList<>();
    int rejected = 0;
    for (String name : List.of("rgb.png", "rgb-wide.png", "rgba.png", "rgba-tall.png", "grey.png",
        "grey-small.png", "grey-alpha.png", "grey-alpha-wide.png")) {
      byte[] file = Files.readAllBytes(dir.resolve(name));
      Row image = struct(name);
      for (int channels : new int[] {1, 3}) {
        ImageShape shape = new ImageShape(channels, SIZE, SIZE);
        for (SizePolicy size : SizePolicy.values()) {
          for (ChannelPolicy channelPolicy : ChannelPolicy.values()) {
            String what = name + " to " + shape + ", " + size + ", " + channelPolicy;
            byte[] expected;
            try {
              expected = ImageDecoder.decode(file, shape, size, channelPolicy,
                  ImageDecoder.DEFAULT_MAX_PIXELS);
            } catch (UnusableImageException decoderRejects) {
              UnusableImageException e = assertThrows(UnusableImageException.class,
                  () -> ImageRows.fromImageStruct(image, shape, size, channelPolicy,
                      ImageDecoder.DEFAULT_MAX_PIXELS), what);
              assertEquals(decoderRejects.getMessage(), e.getMessage(), what);
              rejected++;
              continue;
            }
            assertArrayEquals(expected, ImageRows.fromImageStruct(image, shape, size,
                channelPolicy, ImageDecoder.DEFAULT_MAX_PIXELS), what);
            assertArrayEquals(expected, ImageRows.fromEncoded(file, shape, size, channelPolicy,
                ImageDecoder.DEFAULT_MAX_PIXELS), what);
            checked.add(what);
          }
        }
      }
    }
    // Every policy both accepted and rejected some image: the comparison covered both ways.
    assertTrue(rejected > 0 && checked.size() > rejected, checked.size() + " / " + rejected);
  }

  @Test
  void alphaIsDroppedAndBgrBecomesRgbPlanes() throws UnusableImageException {
    byte[] pixels = ImageRows.fromImageStruct(struct("rgba.png"), new ImageShape(3, SIZE, SIZE),
        SizePolicy.REJECT, ChannelPolicy.REJECT, ImageDecoder.DEFAULT_MAX_PIXELS);
    assertArrayEquals(rgb(3), pixels);
    assertArrayEquals(new byte[] {3, 6, 9, 2, 5, 8, 1, 4, 7},
        ImageRows.channelMajor(new byte[] {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0}, 4, 3));
  }

  @Test
  void imagesAbovePixelLimitAreUnusable() {
    UnusableImageException e = assertThrows(UnusableImageException.class,
        () -> ImageRows.fromImageStruct(struct("rgb-wide.png"), new ImageShape(3, SIZE, SIZE),
            SizePolicy.RESIZE, ChannelPolicy.CONVERT, 100));
    assertEquals("16 x 8 = 128 pixels, more than data.max-image-pixels = 100", e.getMessage());
  }

  @Test
  void inconsistentStructsAreUnusable() {
    Row image = struct("rgb.png");
    Row truncated = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
        new Object[] {"x.png", SIZE, SIZE, 3, 16, new byte[10]}, image.schema());
    UnusableImageException e = assertThrows(UnusableImageException.class,
        () -> ImageRows.fromImageStruct(truncated, new ImageShape(3, SIZE, SIZE),
            SizePolicy.RESIZE, ChannelPolicy.CONVERT, ImageDecoder.DEFAULT_MAX_PIXELS));
    assertEquals("cannot decode: 10 bytes of data, expected height x width x nChannels"
        + " = 8 x 8 x 3 = 192", e.getMessage());
    assertThrows(UnusableImageException.class, () -> ImageRows.fromEncoded(null,
        new ImageShape(3, SIZE, SIZE), SizePolicy.RESIZE, ChannelPolicy.CONVERT, 100));
  }

  @Test
  void columnsAreFoundByKindOrNamedWithTheColumnsThatExist() {
    SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
    Dataset<Row> images = spark.read().format("image").load(dir.toString());
    Dataset<Row> files = spark.read().format("binaryFile").load(dir.toString());
    assertEquals(ImageColumn.IMAGE_STRUCT,
        ImageRows.imageColumn(images.schema(), "image", "data.dataframe.image-column"));
    assertEquals(ImageColumn.ENCODED,
        ImageRows.imageColumn(files.schema(), "content", "data.dataframe.image-column"));
    BadInputException missing = assertThrows(BadInputException.class,
        () -> ImageRows.imageColumn(files.schema(), "image", "data.dataframe.image-column"));
    assertEquals("no column image (data.dataframe.image-column); the columns: path string,"
        + " modificationTime timestamp, length bigint, content binary", missing.getMessage());
    BadInputException wrongType = assertThrows(BadInputException.class,
        () -> ImageRows.imageColumn(files.schema(), "path", "data.dataframe.image-column"));
    assertTrue(wrongType.getMessage().startsWith("column path (data.dataframe.image-column) is"
        + " of type string; an image column holds"), wrongType.getMessage());
    BadInputException label = assertThrows(BadInputException.class,
        () -> ImageRows.requireColumn(files.schema(), "length", "data.dataframe.label-column",
            DataTypes.IntegerType, DataTypes.StringType));
    assertTrue(label.getMessage().startsWith("column length (data.dataframe.label-column) is of"
        + " type bigint, expected int or string; the columns: path string"), label.getMessage());
  }
}
