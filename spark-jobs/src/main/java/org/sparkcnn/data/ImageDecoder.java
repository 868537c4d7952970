package org.sparkcnn.data;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/**
 * Decoding a JPEG or PNG file into uint8 pixels of a configured shape, channel-major ([channels,
 * height, width], as {@link LabeledImage} holds them): pure functions on bytes, {@link
 * BufferedImage}s and pixel arrays, so they are tested without Spark.
 *
 * <p>The size in the file's header is checked against a pixel limit before any pixel is decoded:
 * a PNG of a few hundred KB can hold 40000 x 40000 pixels (deflate compresses a blank page a
 * thousandfold), and decoding it would take gigabytes. {@link #DEFAULT_MAX_PIXELS} is Pillow's
 * decompression-bomb limit.
 *
 * <p>JPEGs are read with TwelveMonkeys' ImageIO JPEG reader, which decodes what the JDK's reader
 * rejects or gets wrong: CMYK and YCCK JPEGs (converted to RGB as Pillow and ImageMagick convert
 * them when the file embeds no ICC profile, through its embedded profile when it has one),
 * JPEGs with broken ICC profiles or odd markers. PNGs are read with the JDK's reader.
 *
 * <p>Grey images (1 channel, grey+alpha included) and 16-bit RGB images are read from their
 * raster, without colour management, so an 8-bit grey PNG comes out byte for byte; other colour
 * and palette images (3 channels) through {@link BufferedImage#getRGB}, which is byte for byte
 * for 8-bit RGB PNGs. Samples of 16 bits keep their high byte, as Pillow and OpenCV do
 * (ImageMagick's {@code -depth 8} gives v / 257 rounded down: one less for 0x8000); samples of 1,
 * 2 or 4 bits are scaled exactly to 0..255. Alpha is dropped, not composited. A palette whose
 * entries are all grey counts as 1 channel. EXIF orientation is not applied: pixels come in the
 * order stored, as Pillow's {@code Image.open}, torchvision's {@code ImageFolder} and
 * TensorFlow's {@code decode_jpeg} give them.
 */
public final class ImageDecoder {
  /** ITU-R BT.601 luma weights, as PIL's {@code convert("L")} and OpenCV's grey conversion. */
  static final double LUMA_RED = 0.299;
  static final double LUMA_GREEN = 0.587;
  static final double LUMA_BLUE = 0.114;
  /**
   * Largest image decoded by default, in pixels (width x height): Pillow's {@code
   * Image.MAX_IMAGE_PIXELS}, 1024 * 1024 * 1024 / 4 / 3 (a 3-channel image of 256 MB). Decoding
   * one that large takes about 7 bytes per pixel at once, 600 MB.
   */
  public static final long DEFAULT_MAX_PIXELS = 1024L * 1024 * 1024 / 4 / 3;
  /**
   * Warnings about colour management only: the pixels are decoded in full (TwelveMonkeys' reader
   * says so for a CMYK JPEG without an ICC profile, converted as Pillow and ImageMagick do, and
   * for a broken embedded profile it ignores). Every other warning makes the image unusable.
   */
  private static final String COLOUR_PROFILE_WARNING = "ICC";
  /**
   * TwelveMonkeys' JPEG reader, registered in ImageIO's registry by this class rather than found
   * through its service file: ImageIO scans the class path of the thread that first uses it,
   * which on an executor need not be the one that sees the application jar.
   */
  private static final ImageReaderSpi JPEG_READER = registerJpegReader();

  private ImageDecoder() {}

  static ImageReaderSpi registerJpegReader() {
    IIORegistry registry = IIORegistry.getDefaultInstance();
    JPEGImageReaderSpi registered = registry.getServiceProviderByClass(JPEGImageReaderSpi.class);
    if (registered != null) {
      return registered;
    }
    JPEGImageReaderSpi spi = new JPEGImageReaderSpi();
    // Registering finds the JDK's JPEG reader, which TwelveMonkeys' reader delegates to.
    registry.registerServiceProvider(spi, ImageReaderSpi.class);
    return spi;
  }

  /**
   * Decodes {@code encoded} (a JPEG or PNG file's bytes) and brings it to {@code shape} as the
   * policies say ({@link #toShape}).
   *
   * @param maxPixels largest width x height decoded; a larger image is unusable
   * @throws UnusableImageException when the bytes are not a whole JPEG or PNG image, it has more
   *     than {@code maxPixels} pixels, or a policy rejects the image
   */
  public static byte[] decode(byte[] encoded, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxPixels) throws UnusableImageException {
    return toShape(read(encoded, maxPixels), shape, onSizeMismatch, onChannelMismatch);
  }

  /**
   * Decodes a JPEG or PNG file. Other formats ImageIO knows (GIF, BMP, TIFF) are refused, and so
   * are an image the decoder warns about (a truncated JPEG decodes with a warning, its missing
   * part filled with grey) other than about its colour profile, and an image whose header gives
   * it more than {@code maxPixels} pixels (refused before its pixels are decoded).
   *
   * @param maxPixels largest width x height decoded, > 0
   * @throws UnusableImageException with the reason: "cannot decode: ..." or "W x H = N pixels,
   *     more than data.max-image-pixels = M"
   * @throws OutOfMemoryError when the heap cannot hold the decoded image (never reported as an
   *     undecodable image)
   */
  public static BufferedImage read(byte[] encoded, long maxPixels) throws UnusableImageException {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      ImageReader reader = jpegOrPngReader(in);
      if (reader == null) {
        throw new UnusableImageException("cannot decode: not a JPEG or PNG image");
      }
      Set<String> warnings = new LinkedHashSet<>();
      reader.addIIOReadWarningListener((source, warning) -> {
        if (!warning.contains(COLOUR_PROFILE_WARNING)) {
          warnings.add(warning);
        }
      });
      try {
        reader.setInput(in, true, true);
        requireAtMost(reader.getWidth(0), reader.getHeight(0), maxPixels);
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new UnusableImageException("cannot decode: " + String.join("; ", warnings));
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // Decoders report corrupt data as IIOException, and some as runtime exceptions. The JDK's
      // PNG reader wraps even an OutOfMemoryError in one: the image is not bad, the heap is small.
      OutOfMemoryError outOfMemory = outOfMemoryIn(e);
      if (outOfMemory != null) {
        throw outOfMemory;
      }
      throw new UnusableImageException("cannot decode: " + describe(e));
    }
  }

  private static OutOfMemoryError outOfMemoryIn(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof OutOfMemoryError outOfMemory) {
        return outOfMemory;
      }
    }
    return null;
  }

  /** Refuses a width x height above {@code maxPixels}, naming both numbers. */
  static void requireAtMost(int width, int height, long maxPixels) throws UnusableImageException {
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new UnusableImageException(String.format(Locale.ROOT,
          "%d x %d = %,d pixels, more than data.max-image-pixels = %,d", width, height, pixels,
          maxPixels));
    }
  }

  private static ImageReader jpegOrPngReader(ImageInputStream in) throws IOException {
    if (JPEG_READER.canDecodeInput(in)) {
      return JPEG_READER.createReaderInstance();
    }
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      try {
        if (reader.getFormatName().toLowerCase(Locale.ROOT).equals("png")) {
          return reader;
        }
      } catch (IOException e) {
        // getFormatName declares it but the JDK's readers never throw: try the next reader.
      }
      reader.dispose();
    }
    return null;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Throwable cause = e.getCause();
    if (cause != null && cause != e && cause.getMessage() != null) {
      message += " (" + cause.getMessage() + ")";
    }
    return message.replace('\n', ' ');
  }

  /** 1 for a grey image (grey colour space, or a palette of greys), else 3; alpha not counted. */
  public static int channels(BufferedImage image) {
    ColorModel model = image.getColorModel();
    if (model instanceof IndexColorModel palette) {
      for (int i = 0; i < palette.getMapSize(); i++) {
        int red = palette.getRed(i);
        if (palette.getGreen(i) != red || palette.getBlue(i) != red) {
          return 3;
        }
      }
      return 1;
    }
    return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY ? 1 : 3;
  }

  /**
   * The image's pixels at its own size, channel-major, in {@link #channels} channels. Samples of
   * more than 8 bits (16-bit PNG) keep their high 8 bits; grey samples of fewer are scaled to
   * 0..255 (1 bit: 0 or 255).
   */
  public static byte[] channelMajor(BufferedImage image) {
    int height = image.getHeight();
    int width = image.getWidth();
    int plane = height * width;
    int channels = channels(image);
    byte[] out = new byte[channels * plane];
    ColorModel model = image.getColorModel();
    boolean deepRgb = !(model instanceof IndexColorModel) && model.getComponentSize(0) > 8
        && model.getColorSpace().isCS_sRGB();
    if (channels == 1 && !(model instanceof IndexColorModel) || deepRgb) {
      // getRGB would gamma-correct the linear grey colour space Java assigns to grey images, and
      // rounds 16-bit samples where Pillow keeps the high byte.
      Raster raster = image.getRaster();
      int bits = model.getComponentSize(0);
      int max = (1 << bits) - 1;
      int[] row = new int[width];
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
          raster.getSamples(0, y, width, 1, c, row);
          for (int x = 0; x < width; x++) {
            out[c * plane + y * width + x] =
                (byte) (bits >= 8 ? row[x] >> (bits - 8) : row[x] * 255 / max);
          }
        }
      }
      return out;
    }
    // Row by row: a whole image's ARGB ints would take 4 more bytes per pixel.
    int[] argb = new int[width];
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, argb, 0, width);
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        out[i] = (byte) (argb[x] >> 16);
        if (channels == 3) {
          out[plane + i] = (byte) (argb[x] >> 8);
          out[2 * plane + i] = (byte) argb[x];
        }
      }
    }
    return out;
  }

  /**
   * The image's pixels in {@code shape}: taken as they are when size and channels match, else
   * resized ({@link #resize} or {@link #resizeCrop}) and converted ({@link #greyToRgb}, {@link
   * #rgbToGrey}) unless a policy rejects the mismatch.
   *
   * @throws UnusableImageException when a policy rejects the image; the reason gives the image's
   *     size as width x height (or its channel count), what was expected and the policy's key
   */
  public static byte[] toShape(BufferedImage image, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch) throws UnusableImageException {
    int height = image.getHeight();
    int width = image.getWidth();
    int channels = channels(image);
    checkPolicies(channels, height, width, shape, onSizeMismatch, onChannelMismatch);
    return resizeAndConvert(channelMajor(image), channels, height, width, shape, onSizeMismatch);
  }

  /**
   * Pixels already decoded, channel-major [channels, height, width] in 1 or 3 channels (as {@link
   * #channelMajor} gives them), brought to {@code shape} as {@link #toShape(BufferedImage,
   * ImageShape, SizePolicy, ChannelPolicy)} brings an image: the same checks, resizing and
   * conversion, so the same pixels give the same result whatever they were decoded from.
   *
   * @throws UnusableImageException when a policy rejects the image
   */
  public static byte[] toShape(byte[] pixels, int channels, int height, int width,
      ImageShape shape, SizePolicy onSizeMismatch, ChannelPolicy onChannelMismatch)
      throws UnusableImageException {
    if (channels != 1 && channels != 3 || pixels.length != (long) channels * height * width) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "expected %d x %d x %d = %d channel-major pixels of 1 or 3 channels, got %d bytes",
          channels, height, width, channels * height * width, pixels.length));
    }
    checkPolicies(channels, height, width, shape, onSizeMismatch, onChannelMismatch);
    return resizeAndConvert(pixels, channels, height, width, shape, onSizeMismatch);
  }

  private static void checkPolicies(int channels, int height, int width, ImageShape shape,
      SizePolicy onSizeMismatch, ChannelPolicy onChannelMismatch) throws UnusableImageException {
    if (shape.channels() != 1 && shape.channels() != 3) {
      throw new IllegalArgumentException("images have 1 or 3 channels; shape " + shape);
    }
    boolean sizeDiffers = height != shape.height() || width != shape.width();
    if (sizeDiffers && onSizeMismatch == SizePolicy.REJECT) {
      throw new UnusableImageException(String.format(Locale.ROOT,
          "size %dx%d, expected %dx%d (data.folder.on-size-mismatch = %s)",
          width, height, shape.width(), shape.height(), onSizeMismatch.configValue()));
    }
    if (channels != shape.channels() && onChannelMismatch == ChannelPolicy.REJECT) {
      throw new UnusableImageException(String.format(Locale.ROOT,
          "%d channel%s, expected %d (data.folder.on-channel-mismatch = %s)",
          channels, channels == 1 ? "" : "s", shape.channels(), onChannelMismatch.configValue()));
    }
  }

  /** Resizes and converts pixels that the policies accept. */
  private static byte[] resizeAndConvert(byte[] pixels, int channels, int height, int width,
      ImageShape shape, SizePolicy onSizeMismatch) {
    if (height != shape.height() || width != shape.width()) {
      pixels = onSizeMismatch == SizePolicy.RESIZE_CROP
          ? resizeCrop(pixels, channels, height, width, shape.height(), shape.width())
          : resize(pixels, channels, height, width, shape.height(), shape.width());
    }
    if (channels == 1 && shape.channels() == 3) {
      pixels = greyToRgb(pixels);
    } else if (channels == 3 && shape.channels() == 1) {
      pixels = rgbToGrey(pixels);
    }
    return pixels;
  }

  /** Grey to colour: the one plane copied into R, G and B. */
  public static byte[] greyToRgb(byte[] grey) {
    byte[] rgb = new byte[3 * grey.length];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(grey, 0, rgb, c * grey.length, grey.length);
    }
    return rgb;
  }

  /** Colour (channel-major R, G, B planes) to grey: round(0.299 R + 0.587 G + 0.114 B). */
  public static byte[] rgbToGrey(byte[] rgb) {
    int plane = rgb.length / 3;
    byte[] grey = new byte[plane];
    for (int i = 0; i < plane; i++) {
      double luma = LUMA_RED * (rgb[i] & 0xFF) + LUMA_GREEN * (rgb[plane + i] & 0xFF)
          + LUMA_BLUE * (rgb[2 * plane + i] & 0xFF);
      grey[i] = (byte) Math.min(255, Math.round(luma));
    }
    return grey;
  }

  /** Resizes to exactly outHeight x outWidth (bilinear, see {@link Resampling}); aspect lost. */
  public static byte[] resize(
      byte[] pixels, int channels, int height, int width, int outHeight, int outWidth) {
    return Resampling.resample(pixels, channels, height, width, 0, 0, height, width, outHeight,
        outWidth);
  }

  /**
   * Scales, keeping the aspect ratio, so the image just covers outHeight x outWidth, and cuts out
   * the centre: resamples the largest centred box of the output's aspect ratio (as PIL's {@code
   * ImageOps.fit}).
   */
  public static byte[] resizeCrop(
      byte[] pixels, int channels, int height, int width, int outHeight, int outWidth) {
    double scale = Math.max((double) outHeight / height, (double) outWidth / width);
    double boxHeight = Math.min(height, outHeight / scale);
    double boxWidth = Math.min(width, outWidth / scale);
    return Resampling.resample(pixels, channels, height, width, (height - boxHeight) / 2,
        (width - boxWidth) / 2, boxHeight, boxWidth, outHeight, outWidth);
  }
}
