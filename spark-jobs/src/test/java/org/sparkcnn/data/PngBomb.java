package org.sparkcnn.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * A valid, all-black 1-bit grey PNG of any size, built chunk by chunk as the png-bomb case's
 * generator builds it: 40000 x 40000 pixels (1.6 G) take 194,504 bytes.
 */
public final class PngBomb {
  /** Side of the case's image, in pixels. */
  public static final int SIDE = 40_000;

  private PngBomb() {}

  /** The PNG file's bytes: {@code width} x {@code height} pixels, 1 bit each, all 0. */
  public static byte[] png(int width, int height) {
    try {
      ByteArrayOutputStream idat = new ByteArrayOutputStream();
      byte[] row = new byte[1 + (width + 7) / 8]; // filter byte 0, then the packed pixels
      try (DeflaterOutputStream deflate =
          new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
        for (int y = 0; y < height; y++) {
          deflate.write(row);
        }
      }
      ByteArrayOutputStream header = new ByteArrayOutputStream();
      DataOutputStream ihdr = new DataOutputStream(header);
      ihdr.writeInt(width);
      ihdr.writeInt(height);
      ihdr.write(new byte[] {1, 0, 0, 0, 0}); // bit depth 1, grey, deflate, no filter, no interlace
      ByteArrayOutputStream file = new ByteArrayOutputStream();
      file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      chunk(file, "IHDR", header.toByteArray());
      chunk(file, "IDAT", idat.toByteArray());
      chunk(file, "IEND", new byte[0]);
      return file.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(ByteArrayOutputStream file, String type, byte[] data)
      throws IOException {
    DataOutputStream out = new DataOutputStream(file);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeInt(data.length);
    out.write(typeBytes);
    out.write(data);
    out.writeInt((int) crc.getValue());
  }
}
