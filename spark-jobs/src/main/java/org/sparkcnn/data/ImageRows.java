package org.sparkcnn.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/**
 * One DataFrame value to the pixels of one example: uint8, channel-major [channels, height,
 * width] in {@code shape}, exactly as {@link ImageDecoder#decode} gives them for the same file,
 * under the same size and channel policies and pixel limit. Pure functions on rows and bytes,
 * usable in any executor-side code (training's DataFrame datasets, scoring).
 *
 * <p>Two kinds of value: a struct of Spark's {@code image} data source ({@link ImageSchema}:
 * origin, height, width, nChannels, mode, data; data row-major, interleaved B, G, R (and A), as
 * OpenCV stores them), or encoded JPEG/PNG bytes ({@code binaryFile}'s {@code content}, a binary
 * Parquet column).
 *
 * <p>Spark's image source decodes with the JDK's ImageIO: an 8-bit grey or RGB(A) PNG gives the
 * same pixels as {@link ImageDecoder}. It gives other pixels for files {@link ImageDecoder} reads
 * specially, which only the encoded bytes avoid: 16-bit PNGs (Spark keeps the low byte of a grey
 * sample, and scales colour ones through {@code getRGB}), grey PNGs of 1, 2 or 4 bits (not scaled
 * to 0..255), palettes of greys (3 channels rather than 1: equal after a conversion to grey, but
 * {@code on-channel-mismatch = reject} rejects them), and JPEGs the JDK's reader decodes
 * differently (CMYK). A struct that Spark's source could not decode (height -1, no data) is
 * unusable, as an undecodable file is.
 */
public final class ImageRows {
  /** Names of {@link ImageSchema}'s struct fields, in its order. */
  static final List<String> IMAGE_FIELDS =
      List.of("origin", "height", "width", "nChannels", "mode", "data");
  private static final int HEIGHT = 1;
  private static final int WIDTH = 2;
  private static final int CHANNELS = 3;
  private static final int DATA = 5;

  private ImageRows() {}

  /**
   * The pixels of an {@link ImageSchema} struct in {@code shape}.
   *
   * @param image a struct of the image source's schema (fields found by name when the row carries
   *     its schema, else by position in {@link ImageSchema#columnSchema()}'s order)
   * @param shape [channels, height, width] to bring the image to; channels 1 or 3
   * @param maxPixels largest width x height used; a larger image is unusable
   * @return uint8 pixels, channel-major [channels, height, width] of {@code shape}
   * @throws UnusableImageException when the struct is the image source's mark of an undecodable
   *     file (height or width -1), is null or inconsistent (nChannels not 1, 3 or 4, data of
   *     another length than height x width x nChannels), has more than {@code maxPixels} pixels,
   *     or a policy rejects it
   */
  public static byte[] fromImageStruct(Row image, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxPixels) throws UnusableImageException {
    if (image == null) {
      throw new UnusableImageException("cannot decode: the image is null");
    }
    int height = image.getInt(field(image, HEIGHT));
    int width = image.getInt(field(image, WIDTH));
    int channels = image.getInt(field(image, CHANNELS));
    int data = field(image, DATA);
    if (height <= 0 || width <= 0 || image.isNullAt(data)) {
      throw new UnusableImageException(String.format(Locale.ROOT,
          "cannot decode: Spark's image source could not read it (height %d, width %d)", height,
          width));
    }
    ImageDecoder.requireAtMost(width, height, maxPixels);
    byte[] interleaved = (byte[]) image.get(data);
    if (channels != 1 && channels != 3 && channels != 4) {
      throw new UnusableImageException("cannot decode: nChannels = " + channels
          + ", expected 1, 3 or 4");
    }
    long expected = (long) height * width * channels;
    if (interleaved.length != expected) {
      throw new UnusableImageException(String.format(Locale.ROOT,
          "cannot decode: %d bytes of data, expected height x width x nChannels = %d x %d x %d"
              + " = %d", interleaved.length, height, width, channels, expected));
    }
    byte[] pixels = channelMajor(interleaved, channels, height * width);
    return ImageDecoder.toShape(pixels, channels == 1 ? 1 : 3, height, width, shape,
        onSizeMismatch, onChannelMismatch);
  }

  /**
   * Row-major interleaved grey, BGR or BGRA samples to channel-major grey or R, G, B planes (alpha
   * dropped, as {@link ImageDecoder} drops it).
   */
  static byte[] channelMajor(byte[] interleaved, int channels, int plane) {
    if (channels == 1) {
      return interleaved.clone();
    }
    byte[] out = new byte[3 * plane];
    for (int i = 0; i < plane; i++) {
      int at = i * channels;
      out[i] = interleaved[at + 2];
      out[plane + i] = interleaved[at + 1];
      out[2 * plane + i] = interleaved[at];
    }
    return out;
  }

  /**
   * The pixels of encoded JPEG or PNG bytes in {@code shape}: {@link ImageDecoder#decode}.
   *
   * @return uint8 pixels, channel-major [channels, height, width] of {@code shape}
   * @throws UnusableImageException when the bytes are null or not a whole JPEG or PNG image, it has
   *     more than {@code maxPixels} pixels, or a policy rejects it
   */
  public static byte[] fromEncoded(byte[] encoded, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxPixels) throws UnusableImageException {
    if (encoded == null) {
      throw new UnusableImageException("cannot decode: the image bytes are null");
    }
    return ImageDecoder.decode(encoded, shape, onSizeMismatch, onChannelMismatch, maxPixels);
  }

  /** Index of {@link ImageSchema} field {@code position} in {@code image}. */
  private static int field(Row image, int position) {
    return image.schema() == null ? position : image.fieldIndex(IMAGE_FIELDS.get(position));
  }

  /** What a column holds, as far as these functions read it. */
  public enum ImageColumn {
    /** A struct of Spark's image source schema: {@link #fromImageStruct}. */
    IMAGE_STRUCT,
    /** Binary, encoded JPEG or PNG: {@link #fromEncoded}. */
    ENCODED
  }

  /**
   * Finds the image column {@code column} of {@code schema} and tells which kind it is.
   *
   * @param key the configuration key or parameter that names the column, for the message
   * @throws BadInputException naming the column, the key and the columns that exist, when it is
   *     missing or of another type than binary or an image struct (the struct's fields height,
   *     width, nChannels (int) and data (binary) are required, the others not read)
   */
  public static ImageColumn imageColumn(StructType schema, String column, String key) {
    DataType type = requireColumn(schema, column, key).dataType();
    if (type.equals(DataTypes.BinaryType)) {
      return ImageColumn.ENCODED;
    }
    if (type instanceof StructType struct && isImageStruct(struct)) {
      return ImageColumn.IMAGE_STRUCT;
    }
    throw new BadInputException(String.format(Locale.ROOT,
        "column %s (%s) is of type %s; an image column holds encoded JPEG/PNG bytes (binary) or"
            + " a struct of Spark's image source (%s); the columns: %s", column, key,
        type.simpleString(), ImageSchema.columnSchema().simpleString(), describe(schema)));
  }

  /** Whether {@code struct} has the fields of {@link ImageSchema} that are read, typed as there. */
  static boolean isImageStruct(StructType struct) {
    List<String> names = Arrays.asList(struct.fieldNames());
    for (StructField wanted : ImageSchema.columnSchema().fields()) {
      int at = names.indexOf(wanted.name());
      if (!wanted.name().equals("origin") && !wanted.name().equals("mode")
          && (at < 0 || !struct.fields()[at].dataType().equals(wanted.dataType()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The field {@code column} of {@code schema}, which must be one of {@code types} when any are
   * given.
   *
   * @param key the configuration key or parameter that names the column, for the message
   * @throws BadInputException naming the column, the key and the columns that exist (with their
   *     types), when it is missing or of another type
   */
  public static StructField requireColumn(StructType schema, String column, String key,
      DataType... types) {
    List<String> names = Arrays.asList(schema.fieldNames());
    if (!names.contains(column)) {
      throw new BadInputException(String.format(Locale.ROOT,
          "no column %s (%s); the columns: %s", column, key, describe(schema)));
    }
    StructField field = schema.fields()[names.indexOf(column)];
    if (types.length > 0 && !Arrays.asList(types).contains(field.dataType())) {
      throw new BadInputException(String.format(Locale.ROOT,
          "column %s (%s) is of type %s, expected %s; the columns: %s", column, key,
          field.dataType().simpleString(), String.join(" or ",
              Arrays.stream(types).map(DataType::simpleString).toList()), describe(schema)));
    }
    return field;
  }

  /** "name type, name type, ..." of a schema's top-level columns. */
  static String describe(StructType schema) {
    return String.join(", ", Arrays.stream(schema.fields())
        .map(f -> f.name() + " " + f.dataType().simpleString()).toList());
  }
}
