package org.sparkcnn.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Tiny images with known pixels, and the committed image-folder fixture made of them
 * ({@code src/test/resources/org/sparkcnn/data/folder}, rewritten by {@link #main}):
 *
 * <pre>
 * ant/a-rgb.png    0  8x8 RGB, {@link #rgb}(0)
 * ant/b-rgb.png    1  8x8 RGB, {@link #rgb}(1)
 * ant/c-photo.jpg  2  8x8 RGB JPEG of {@link #smooth}, quality 1.0
 * ant/notes.txt       not an image: ignored
 * bee/a-grey.png   3  8x8 grey, {@link #grey}
 * bee/b-broken.jpg 4  random bytes: skipped, "cannot decode"
 * bee/c-wide.png   5  8 high, 16 wide: {@link #stripes}, red | green | blue columns 4 | 8 | 4
 * cat/.hidden.png     a valid PNG, but hidden: ignored
 * cat/a-rgb.PNG    6  8x8 RGB, {@link #rgb}(6)
 * cat/b-rgb.jpeg   7  8x8 RGB JPEG of {@link #smooth}, quality 1.0
 * </pre>
 *
 * (the numbers are the example indices; labels: ant 0, bee 1, cat 2).
 */
final class ImageFolderFixtures {
  static final int SIZE = 8;

  private ImageFolderFixtures() {}

  /** Writes the fixture folder to {@code args[0]}. */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    write(root.resolve("ant/a-rgb.png"), png(image(rgb(0), 3, SIZE, SIZE)));
    write(root.resolve("ant/b-rgb.png"), png(image(rgb(1), 3, SIZE, SIZE)));
    write(root.resolve("ant/c-photo.jpg"), jpeg(image(smooth(), 3, SIZE, SIZE)));
    write(root.resolve("ant/notes.txt"), "Not an image: the reader ignores it.\n".getBytes());
    write(root.resolve("bee/a-grey.png"), png(image(grey(), 1, SIZE, SIZE)));
    byte[] noise = new byte[64];
    new Random(42).nextBytes(noise);
    write(root.resolve("bee/b-broken.jpg"), noise);
    write(root.resolve("bee/c-wide.png"), png(image(stripes(), 3, SIZE, 2 * SIZE)));
    write(root.resolve("cat/.hidden.png"), png(image(rgb(9), 3, SIZE, SIZE)));
    write(root.resolve("cat/a-rgb.PNG"), png(image(rgb(6), 3, SIZE, SIZE)));
    write(root.resolve("cat/b-rgb.jpeg"), jpeg(image(smooth(), 3, SIZE, SIZE)));
  }

  /** The committed fixture folder, as test-classes holds it. */
  static Path folder() {
    try {
      return Path.of(ImageFolderFixtures.class.getResource("folder").toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** The bytes of a file of the fixture folder, e.g. "ant/a-rgb.png". */
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = ImageFolderFixtures.class.getResourceAsStream("folder/" + name)) {
      return in.readAllBytes();
    }
  }

  /** 8x8 RGB, channel-major, every value distinct within the image and from seed to seed. */
  static byte[] rgb(int seed) {
    byte[] pixels = new byte[3 * SIZE * SIZE];
    for (int c = 0; c < 3; c++) {
      for (int p = 0; p < SIZE * SIZE; p++) {
        pixels[c * SIZE * SIZE + p] = (byte) (seed * 37 + c * 85 + p * 3);
      }
    }
    return pixels;
  }

  /** 8x8 grey: 4 times the pixel's position, 0..252. */
  static byte[] grey() {
    byte[] pixels = new byte[SIZE * SIZE];
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (byte) (4 * p);
    }
    return pixels;
  }

  /** 8x8 RGB with gentle gradients, which JPEG keeps close: R by column, G by row, B constant. */
  static byte[] smooth() {
    byte[] pixels = new byte[3 * SIZE * SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        pixels[y * SIZE + x] = (byte) (60 + 10 * x);
        pixels[SIZE * SIZE + y * SIZE + x] = (byte) (100 + 8 * y);
        pixels[2 * SIZE * SIZE + y * SIZE + x] = (byte) 140;
      }
    }
    return pixels;
  }

  /** 8 high, 16 wide: columns 0-3 pure red, 4-11 pure green, 12-15 pure blue. */
  static byte[] stripes() {
    int width = 2 * SIZE;
    byte[] pixels = new byte[3 * SIZE * width];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < width; x++) {
        int channel = x < 4 ? 0 : x < 12 ? 1 : 2;
        pixels[channel * SIZE * width + y * width + x] = (byte) 255;
      }
    }
    return pixels;
  }

  /** A BufferedImage (8-bit grey, or RGB) holding channel-major {@code pixels}. */
  static BufferedImage image(byte[] pixels, int channels, int height, int width) {
    BufferedImage image = new BufferedImage(
        width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int p = y * width + x;
        if (channels == 1) {
          image.getRaster().setSample(x, y, 0, pixels[p] & 0xFF);
        } else {
          image.setRGB(x, y, (pixels[p] & 0xFF) << 16 | (pixels[plane + p] & 0xFF) << 8
              | (pixels[2 * plane + p] & 0xFF));
        }
      }
    }
    return image;
  }

  static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(image, "png", bytes)) {
      throw new AssertionError("no PNG writer");
    }
    return bytes.toByteArray();
  }

  /** A JPEG at quality 1.0, to keep the test tolerance small. */
  static byte[] jpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(1.0f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  static Path write(Path file, byte[] content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }
}
