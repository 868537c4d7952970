package org.sparkcnn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes CIFAR-10 and CIFAR-100 binary files record by record, laid out as the real ones are, for
 * the reader tests. Pixels and labels are functions of the example's dataset index, so a record
 * read from the wrong place, or given the wrong index, shows.
 */
final class CifarFixtures {
  private CifarFixtures() {}

  /** Pixel bytes in one record: 1,024 red, 1,024 green, 1,024 blue. */
  static final int PIXELS = 3072;

  /** Pixel byte {@code p} (0..3071, channel-major) of the example with dataset index {@code i}. */
  static byte pixel(long i, int p) {
    return (byte) (i * 7 + p * 13 + p / 1024 * 101);
  }

  /** All the pixel bytes of example {@code i}, as its record holds them. */
  static byte[] pixels(long i) {
    byte[] pixels = new byte[PIXELS];
    for (int p = 0; p < PIXELS; p++) {
      pixels[p] = pixel(i, p);
    }
    return pixels;
  }

  /** CIFAR-10 label of example {@code i}. */
  static int label(long i) {
    return (int) (i % 10);
  }

  /** CIFAR-100 coarse label of example {@code i}: never equal to its fine label. */
  static int coarse(long i) {
    return (int) (i % 20);
  }

  /** CIFAR-100 fine label of example {@code i}. */
  static int fine(long i) {
    return (int) ((7 * i + 1) % 100);
  }

  /** {@code count} CIFAR-10 records, of the examples with indices {@code first} onwards. */
  static byte[] cifar10(long first, int count) {
    byte[] labels = new byte[count];
    for (int k = 0; k < count; k++) {
      labels[k] = (byte) label(first + k);
    }
    return cifar10(first, labels);
  }

  /** CIFAR-10 records with the given labels, of the examples with indices {@code first} onwards. */
  static byte[] cifar10(long first, byte[] labels) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int k = 0; k < labels.length; k++) {
      out.write(labels[k]);
      out.writeBytes(pixels(first + k));
    }
    return out.toByteArray();
  }

  /** {@code count} CIFAR-100 records, of the examples with indices {@code first} onwards. */
  static byte[] cifar100(long first, int count) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long i = first; i < first + count; i++) {
      out.write(coarse(i));
      out.write(fine(i));
      out.writeBytes(pixels(i));
    }
    return out.toByteArray();
  }

  /** The example at index {@code i} of CIFAR-10 files written by {@link #cifar10(long, int)}. */
  static LabeledImage example(long i) {
    return new LabeledImage(i, pixels(i), label(i));
  }

  /** Writes {@code content} to {@code dir/name}, gzipped when the name ends in .gz. */
  static Path write(Path dir, String name, byte[] content) throws IOException {
    return IdxFixtures.write(dir, name, content);
  }

  /** {@code file} as Hadoop's local filesystem qualifies it, the form the reader names it in. */
  static String qualified(Path file) {
    return "file:" + file.toAbsolutePath();
  }
}
