package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/**
 * The decoder on the kinds of files whose decoding differs between libraries (fixtures in {@code
 * src/test/resources/org/sparkcnn/data/decoding}, written by its gen.py): every expected value
 * below was measured with Pillow 9.4.0 and ImageMagick 6.9.11 on the same file (the folder's
 * README lists them), and on the pixel-count limit.
 */
class ImageDecoderTest {
  static final long MAX_PIXELS = ImageDecoder.DEFAULT_MAX_PIXELS;
  @TempDir Path dir;

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = ImageDecoderTest.class.getResourceAsStream("decoding/" + name)) {
      return in.readAllBytes();
    }
  }

  /** The file's pixels at its own size, channel-major, and its width, height and channels. */
  static Decoded decode(String name) throws Exception {
    BufferedImage image = ImageDecoder.read(fixture(name), MAX_PIXELS);
    return new Decoded(ImageDecoder.channelMajor(image), image.getWidth(), image.getHeight(),
        ImageDecoder.channels(image));
  }

  record Decoded(byte[] pixels, int width, int height, int channels) {
    int at(int channel, int x, int y) {
      return pixels[(channel * height + y) * width + x] & 0xFF;
    }

    /** Every pixel within {@code tolerance} of {@code rgb}. */
    void assertUniform(int[] rgb, int tolerance) {
      assertEquals(3, channels);
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            int value = at(c, x, y);
            assertTrue(Math.abs(value - rgb[c]) <= tolerance,
                "channel " + c + " at (" + x + "," + y + "): " + value + ", expected " + rgb[c]);
          }
        }
      }
    }
  }

  @Test
  void aPngBombIsRefusedFromItsHeaderNamingItsPixelsAndTheLimit() {
    byte[] bomb = PngBomb.png(PngBomb.SIDE, PngBomb.SIDE);
    assertTrue(bomb.length < 250_000, bomb.length + " bytes");
    // Before: 20-35 s of decoding, then OutOfMemoryError in channelMajor.
    var e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(
        UnusableImageException.class, () -> ImageDecoder.read(bomb, MAX_PIXELS)));
    assertEquals("40000 x 40000 = 1,600,000,000 pixels, more than data.max-image-pixels ="
        + " 89,478,485", e.getMessage());
  }

  @Test
  void theLimitIsWidthTimesHeightInclusive() throws Exception {
    assertEquals(89_478_485L, ImageDecoder.DEFAULT_MAX_PIXELS, "Pillow's MAX_IMAGE_PIXELS");
    byte[] png = PngBomb.png(16, 4);
    assertEquals(16, ImageDecoder.read(png, 64).getWidth());
    var e = assertThrows(UnusableImageException.class, () -> ImageDecoder.read(png, 63));
    assertEquals("16 x 4 = 64 pixels, more than data.max-image-pixels = 63", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ImageDecoder.read(png, 0));
  }

  @Test
  void cmykJpegsDecodeAsPillowAndImageMagickDecodeThem() throws Exception {
    // Before (the JDK's reader through BufferedImage.getRGB): (229,110,111) for both.
    // Pillow and ImageMagick: (200,40,40).
    decode("cmyk.jpg").assertUniform(new int[] {200, 40, 40}, 1);
    // YCCK (ImageMagick's CMYK JPEG): Pillow (200,40,41), ImageMagick (200,40,40.786).
    decode("ycck.jpg").assertUniform(new int[] {200, 40, 41}, 1);
  }

  @Test
  void theJpegReaderIsRegisteredWhereImageIosScanMissedIt() throws Exception {
    // As on an executor whose ImageIO scanned a class loader without the application jar.
    IIORegistry registry = IIORegistry.getDefaultInstance();
    JPEGImageReaderSpi scanned = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
    if (scanned != null) {
      registry.deregisterServiceProvider(scanned, ImageReaderSpi.class);
    }
    ImageReaderSpi spi = ImageDecoder.registerJpegReader();
    assertSame(spi, registry.getServiceProviderByClass(JPEGImageReaderSpi.class));
    ImageReader reader = spi.createReaderInstance();
    try {
      reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(
          fixture("cmyk.jpg"))));
      int rgb = reader.read(0).getRGB(3, 3);
      assertEquals(200, rgb >> 16 & 0xFF); // Pillow and ImageMagick: 200
    } finally {
      reader.dispose();
    }
  }

  @Test
  void sixteenBitSamplesKeepTheirHighByteAsPillowDoes() throws Exception {
    // Pillow: (0,18,255), (127,128,0); ImageMagick -depth 8: (0,18,255), (127,127,0).
    Decoded rgb = decode("rgb16.png");
    assertEquals(3, rgb.channels());
    assertArrayEquals(new byte[] {0, 127, 18, (byte) 128, (byte) 255, 0}, rgb.pixels());
  }

  @Test
  void greyWithAlphaIsOneChannelAndTheAlphaIsDropped() throws Exception {
    // Pillow convert("L") and ImageMagick -alpha off: 10, 200 (alpha 0 and 128 ignored).
    for (String name : new String[] {"grey-alpha.png", "grey-alpha16.png"}) {
      Decoded grey = decode(name);
      assertEquals(1, grey.channels(), name);
      assertArrayEquals(new byte[] {10, (byte) 200}, grey.pixels(), name);
    }
    byte[] rgb = ImageDecoder.decode(fixture("grey-alpha.png"), new ImageShape(3, 1, 2),
        SizePolicy.REJECT, ChannelPolicy.CONVERT, MAX_PIXELS);
    assertArrayEquals(new byte[] {10, (byte) 200, 10, (byte) 200, 10, (byte) 200}, rgb);
  }

  @Test
  void palettePngsGiveTheirPaletteColours() throws Exception {
    // Pillow and ImageMagick: (200,40,40), (40,200,40), (40,40,200), (255,255,255) (the last
    // entry transparent: alpha dropped).
    Decoded colour = decode("palette.png");
    assertEquals(3, colour.channels());
    assertArrayEquals(new byte[] {
        (byte) 200, 40, 40, (byte) 255,
        40, (byte) 200, 40, (byte) 255,
        40, 40, (byte) 200, (byte) 255}, colour.pixels());
    // A palette of greys is 1 channel: Pillow and ImageMagick 0, 85, 170, 255.
    Decoded grey = decode("palette-grey.png");
    assertEquals(1, grey.channels());
    assertArrayEquals(new byte[] {0, 85, (byte) 170, (byte) 255}, grey.pixels());
    // 1 bit grey: Pillow and ImageMagick 255 0 255 255 0 0 255 0.
    Decoded bilevel = decode("bilevel.png");
    assertEquals(1, bilevel.channels());
    assertArrayEquals(new byte[] {-1, 0, -1, -1, 0, 0, -1, 0}, bilevel.pixels());
  }

  @Test
  void exifOrientationIsNotAppliedAsPillowsImageOpenDoesNot() throws Exception {
    // Stored 8 wide and 4 high, left half red, right half blue, EXIF orientation 6. Pillow's
    // Image.open: 8x4, (1,1) = (201,42,39), (6,2) = (39,39,199); ImageOps.exif_transpose would
    // give 4x8, red on top.
    Decoded jpeg = decode("exif-orientation-6.jpg");
    assertEquals(8, jpeg.width());
    assertEquals(4, jpeg.height());
    int[][] expected = {{1, 1, 201, 42, 39}, {6, 2, 39, 39, 199}};
    for (int[] point : expected) {
      for (int c = 0; c < 3; c++) {
        int value = jpeg.at(c, point[0], point[1]);
        assertTrue(Math.abs(value - point[2 + c]) <= 2, "channel " + c + " at (" + point[0]
            + "," + point[1] + "): " + value + ", Pillow " + point[2 + c]);
      }
    }
  }

  @Test
  void anUnexpectedFailureWhileDecodingAFileNamesTheFile() throws Exception {
    Path file = dir.resolve("class/x.png");
    Files.createDirectories(file.getParent());
    Files.write(file, PngBomb.png(16, 4));
    ImageFile image =
        new ImageFile(file.toUri().toString(), 0, 0);
    // 2 channels is no shape an image is brought to: the decoder throws IllegalArgumentException
    var e = assertThrows(IllegalStateException.class, () -> ImageFolderDataset.read(image,
        new Configuration(), new ImageShape(2, 4, 4), SizePolicy.RESIZE, ChannelPolicy.CONVERT,
        MAX_PIXELS, null));
    assertTrue(e.getMessage().startsWith("decoding " + file.toUri() + " failed: "),
        e.getMessage());
    assertTrue(e.getCause() instanceof IllegalArgumentException, String.valueOf(e.getCause()));
  }

  @Test
  void runningOutOfMemoryNamesTheFileAndWhatToChange() {
    OutOfMemoryError named = SkippingDecoder.outOfMemory("file:/data/a/huge.png", 89_478_485,
        new OutOfMemoryError("Java heap space"));
    assertEquals("Java heap space while reading file:/data/a/huge.png (data.max-image-pixels ="
        + " 89,478,485): give the executors more memory (spark.executor.memory;"
        + " spark.driver.memory in local mode) or lower data.max-image-pixels",
        named.getMessage());
    assertEquals("Java heap space", named.getCause().getMessage());
  }
}
