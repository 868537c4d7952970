package org.sparkcnn.bench;

import java.util.Locale;
import org.sparkcnn.models.ImageShape;
import picocli.CommandLine.Option;

/**
 * The options that shape a benchmarked network, shared by {@link ThroughputBenchmark} and {@link
 * LayerProfile} (a picocli mixin): input shape, classes and minibatch. Values are checked by
 * {@link #input()}, {@link #classes()} and {@link #batch()}, whose messages name the option.
 */
final class CaseOptions {
  @Option(order = 4, names = "--input", paramLabel = "CxHxW",
      description = "input shape for every network, e.g. 3x32x32 (default: each network's"
          + " natural input)")
  String input;

  @Option(order = 5, names = "--classes", paramLabel = "N",
      description = "output classes, at least 2 (default: ${DEFAULT-VALUE})")
  String classes = Integer.toString(ThroughputBenchmark.DEFAULT_CLASSES);

  @Option(order = 6, names = "--batch", paramLabel = "N",
      description = "minibatch for every network (default: 64 for lenet5 and lenet-caffe, 128"
          + " for tf-cifar10, 32 for the others)")
  String batch;

  /** The input shape for every network; null: each network's natural input. */
  ImageShape input() {
    return input == null ? null : parseShape(input);
  }

  int classes() {
    int n = Numbers.positive("--classes", classes);
    if (n < 2) {
      throw new IllegalArgumentException("--classes must be at least 2, got " + classes);
    }
    return n;
  }

  /** The minibatch for every network; 0: the per-network default. */
  int batch() {
    return batch == null ? 0 : Numbers.positive("--batch", batch);
  }

  /**
   * Parses {@code CxHxW}, e.g. {@code 3x32x32}.
   *
   * @throws IllegalArgumentException naming the value when it is not three positive whole numbers
   */
  static ImageShape parseShape(String text) {
    String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 3) {
        return new ImageShape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
            Integer.parseInt(parts[2].trim()));
      }
    } catch (IllegalArgumentException e) { // NumberFormatException or a non-positive size
      throw new IllegalArgumentException(shapeError(text), e);
    }
    throw new IllegalArgumentException(shapeError(text));
  }

  private static String shapeError(String text) {
    return "--input must be CxHxW with positive whole numbers (channels x height x width, e.g."
        + " 3x32x32), got '" + text + "'";
  }

  /** {@code shape} as {@link #parseShape} reads it: {@code 3x32x32}. */
  static String shapeText(ImageShape shape) {
    return shape.channels() + "x" + shape.height() + "x" + shape.width();
  }
}
