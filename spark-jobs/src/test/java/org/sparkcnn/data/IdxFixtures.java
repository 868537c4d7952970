package org.sparkcnn.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files byte by byte, as MNIST's are laid out, for the reader tests. */
final class IdxFixtures {
  private IdxFixtures() {}

  /** Pixel value of image {@code i} at byte {@code p}: distinct per image, so mix-ups show. */
  static byte pixel(int i, int p) {
    return (byte) (i * 7 + p * 13);
  }

  /** An image file of {@code count} rows x cols images with {@link #pixel} values. */
  static byte[] images(int count, int rows, int cols) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x00000803);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < count; i++) {
        for (int p = 0; p < rows * cols; p++) {
          out.writeByte(pixel(i, p));
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  /** A label file whose label {@code i} is {@code i % numClasses}. */
  static byte[] labels(int count, int numClasses) {
    byte[] labels = new byte[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (byte) (i % numClasses);
    }
    return labels(labels);
  }

  static byte[] labels(byte[] labels) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(0x00000801);
      out.writeInt(labels.length);
      out.write(labels);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  /** Writes {@code content} to {@code dir/name}, gzipped when the name ends in .gz. */
  static Path write(Path dir, String name, byte[] content) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = name.endsWith(".gz")
        ? new GZIPOutputStream(Files.newOutputStream(file))
        : Files.newOutputStream(file)) {
      out.write(content);
    }
    return file;
  }

  static byte[] truncate(byte[] content, int bytesRemoved) {
    return java.util.Arrays.copyOf(content, content.length - bytesRemoved);
  }
}
