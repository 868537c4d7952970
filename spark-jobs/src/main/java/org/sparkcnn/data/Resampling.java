package org.sparkcnn.data;

/**
 * Bilinear resampling of channel-major uint8 images, the arithmetic behind {@link
 * ImageDecoder#resize} and {@link ImageDecoder#resizeCrop}.
 */
final class Resampling {
  private Resampling() {}

  /**
   * Resamples the box of {@code boxHeight} x {@code boxWidth} source pixels at ({@code top}, {@code
   * left}) (fractional; pixel i covers [i, i + 1)) to outHeight x outWidth, rows then columns, with
   * the bilinear (triangle) filter. When shrinking, the filter widens by the shrink factor (as in
   * PIL's resize) so every source pixel counts, instead of aliasing; when enlarging it is plain
   * bilinear interpolation between pixel centres, the edges repeated. Weights sum to 1, so a
   * uniform image stays uniform.
   */
  static byte[] resample(byte[] pixels, int channels, int height, int width, double top,
      double left, double boxHeight, double boxWidth, int outHeight, int outWidth) {
    Filter columns = new Filter(width, left, boxWidth, outWidth);
    Filter rows = new Filter(height, top, boxHeight, outHeight);
    double[] across = new double[height * outWidth];
    byte[] out = new byte[channels * outHeight * outWidth];
    for (int c = 0; c < channels; c++) {
      int source = c * height * width;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < outWidth; x++) {
          double sum = 0;
          double[] weights = columns.weights[x];
          for (int k = 0; k < weights.length; k++) {
            sum += weights[k] * (pixels[source + y * width + columns.first[x] + k] & 0xFF);
          }
          across[y * outWidth + x] = sum;
        }
      }
      int target = c * outHeight * outWidth;
      for (int y = 0; y < outHeight; y++) {
        double[] weights = rows.weights[y];
        for (int x = 0; x < outWidth; x++) {
          double sum = 0;
          for (int k = 0; k < weights.length; k++) {
            sum += weights[k] * across[(rows.first[y] + k) * outWidth + x];
          }
          out[target + y * outWidth + x] = (byte) Math.max(0, Math.min(255, Math.round(sum)));
        }
      }
    }
    return out;
  }

  /** For each output position along one axis: the first source pixel and the weights from it. */
  private static final class Filter {
    final int[] first;
    final double[][] weights;

    Filter(int size, double start, double boxSize, int outSize) {
      first = new int[outSize];
      weights = new double[outSize][];
      double scale = boxSize / outSize;
      double radius = Math.max(scale, 1.0);
      for (int o = 0; o < outSize; o++) {
        double centre = start + (o + 0.5) * scale;
        int from = Math.max(0, (int) Math.floor(centre - radius + 0.5));
        int to = Math.min(size, (int) Math.floor(centre + radius + 0.5));
        double[] w = new double[to - from];
        double total = 0;
        for (int i = from; i < to; i++) {
          double distance = Math.abs(i + 0.5 - centre) / radius;
          w[i - from] = Math.max(0, 1 - distance);
          total += w[i - from];
        }
        for (int k = 0; k < w.length; k++) {
          w[k] /= total;
        }
        first[o] = from;
        weights[o] = w;
      }
    }
  }
}
