package org.sparkcnn.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of every augmentation, as pure functions of an image and explicit parameters (the
 * random draws are made by the {@link Step}s that call these). Values are on the 0..255 pixel scale
 * where a function clips.
 */
public final class ImageOps {
  /** Largest pixel value: brightness and contrast clip their results to [0, MAX_PIXEL]. */
  public static final float MAX_PIXEL = 255f;

  private ImageOps() {}

  /**
   * The {@code height} x {@code width} window whose top-left corner is at ({@code top}, {@code
   * left}); positions outside the image (negative, or past its edges: zero padding) read as 0.
   */
  public static FloatImage crop(FloatImage in, int top, int left, int height, int width) {
    FloatImage out = FloatImage.zeros(in.channels(), height, width);
    float[] src = in.values();
    float[] dst = out.values();
    int y0 = Math.max(0, -top);
    int y1 = Math.min(height, in.height() - top);
    int x0 = Math.max(0, -left);
    int x1 = Math.min(width, in.width() - left);
    if (x1 <= x0) {
      return out;
    }
    for (int c = 0; c < in.channels(); c++) {
      for (int y = y0; y < y1; y++) {
        System.arraycopy(src, in.offset(c, top + y, left + x0), dst, out.offset(c, y, x0),
            x1 - x0);
      }
    }
    return out;
  }

  /** The centred {@code height} x {@code width} window (offsets rounded down, as TensorFlow's). */
  public static FloatImage centreCrop(FloatImage in, int height, int width) {
    return crop(in, (in.height() - height) / 2, (in.width() - width) / 2, height, width);
  }

  /** The image mirrored left-right, in place; returns {@code in}. */
  public static FloatImage flipHorizontal(FloatImage in) {
    float[] v = in.values();
    int w = in.width();
    for (int row = 0; row < in.channels() * in.height(); row++) {
      int start = row * w;
      for (int i = 0, j = w - 1; i < j; i++, j--) {
        float t = v[start + i];
        v[start + i] = v[start + j];
        v[start + j] = t;
      }
    }
    return in;
  }

  /** Adds {@code delta} to every value and clips to [0, 255], in place; returns {@code in}. */
  public static FloatImage adjustBrightness(FloatImage in, float delta) {
    float[] v = in.values();
    for (int i = 0; i < v.length; i++) {
      v[i] = clip(v[i] + delta);
    }
    return in;
  }

  /**
   * TensorFlow's {@code adjust_contrast}: in each channel, {@code (x - mean) * factor + mean} with
   * the channel's mean over the image, then clipped to [0, 255]; in place, returns {@code in}.
   */
  public static FloatImage adjustContrast(FloatImage in, float factor) {
    float[] v = in.values();
    int plane = in.plane();
    for (int c = 0; c < in.channels(); c++) {
      int start = c * plane;
      double sum = 0;
      for (int i = start; i < start + plane; i++) {
        sum += v[i];
      }
      float mean = (float) (sum / plane);
      for (int i = start; i < start + plane; i++) {
        v[i] = clip((v[i] - mean) * factor + mean);
      }
    }
    return in;
  }

  /**
   * The tutorial's per-image standardization, in place: {@code (x - mean) / max(stddev,
   * 1/sqrt(N))} with the mean and (population) standard deviation over all N values of the image.
   * Returns {@code in}.
   */
  public static FloatImage standardize(FloatImage in) {
    float[] v = in.values();
    double sum = 0;
    double sumSquares = 0;
    for (float x : v) {
      sum += x;
      sumSquares += (double) x * x;
    }
    double mean = sum / v.length;
    double variance = Math.max(0, sumSquares / v.length - mean * mean);
    double adjusted = Math.max(Math.sqrt(variance), 1 / Math.sqrt(v.length));
    float m = (float) mean;
    float scale = (float) (1 / adjusted);
    for (int i = 0; i < v.length; i++) {
      v[i] = (v[i] - m) * scale;
    }
    return in;
  }

  /** {@code (x - mean[c]) / std[c]} in each channel c, in place; returns {@code in}. */
  public static FloatImage normalize(FloatImage in, float[] mean, float[] std) {
    if (mean.length != in.channels() || std.length != in.channels()) {
      throw new IllegalArgumentException("normalize needs one mean and one std per channel ("
          + in.channels() + "), got " + mean.length + " and " + std.length);
    }
    float[] v = in.values();
    int plane = in.plane();
    for (int c = 0; c < in.channels(); c++) {
      float m = mean[c];
      float inverse = 1f / std[c];
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        v[i] = (v[i] - m) * inverse;
      }
    }
    return in;
  }

  /** Multiplies every value by {@code factor}, in place; returns {@code in}. */
  public static FloatImage scale(FloatImage in, float factor) {
    float[] v = in.values();
    for (int i = 0; i < v.length; i++) {
      v[i] *= factor;
    }
    return in;
  }

  /**
   * Bilinear resize to {@code height} x {@code width}, sampling at pixel centres (the convention of
   * OpenCV and TensorFlow's {@code half_pixel_centers}); the input itself when the size matches.
   */
  public static FloatImage resize(FloatImage in, int height, int width) {
    if (height == in.height() && width == in.width()) {
      return in;
    }
    FloatImage out = FloatImage.zeros(in.channels(), height, width);
    float[] src = in.values();
    float[] dst = out.values();
    float scaleY = (float) in.height() / height;
    float scaleX = (float) in.width() / width;
    for (int y = 0; y < height; y++) {
      float sy = Math.max(0, (y + 0.5f) * scaleY - 0.5f);
      int y0 = Math.min((int) sy, in.height() - 1);
      int y1 = Math.min(y0 + 1, in.height() - 1);
      float fy = sy - y0;
      for (int x = 0; x < width; x++) {
        float sx = Math.max(0, (x + 0.5f) * scaleX - 0.5f);
        int x0 = Math.min((int) sx, in.width() - 1);
        int x1 = Math.min(x0 + 1, in.width() - 1);
        float fx = sx - x0;
        for (int c = 0; c < in.channels(); c++) {
          float top = src[in.offset(c, y0, x0)] * (1 - fx) + src[in.offset(c, y0, x1)] * fx;
          float bottom = src[in.offset(c, y1, x0)] * (1 - fx) + src[in.offset(c, y1, x1)] * fx;
          dst[out.offset(c, y, x)] = top * (1 - fy) + bottom * fy;
        }
      }
    }
    return out;
  }

  /**
   * AlexNet's preprocessing: resize so that the shorter side is {@code size} (keeping the aspect
   * ratio), then take the centred {@code size} x {@code size} square.
   */
  public static FloatImage resizeShorterSideAndCrop(FloatImage in, int size) {
    int shorter = Math.min(in.height(), in.width());
    int height = Math.max(size, Math.round((float) in.height() * size / shorter));
    int width = Math.max(size, Math.round((float) in.width() * size / shorter));
    return centreCrop(resize(in, height, width), size, size);
  }

  /**
   * AlexNet's PCA colour (lighting) noise, in place: adds {@code sum_i alphas[i] *
   * eigenvalues[i] * eigenvectors[i]} (a vector over the channels) to every pixel. The
   * eigen-decomposition is that of the channel covariance of the training pixels; {@code
   * eigenvectors[i]} is the i-th unit eigenvector. Returns {@code in}.
   */
  public static FloatImage addLighting(FloatImage in, double[] eigenvalues,
      double[][] eigenvectors, double[] alphas) {
    int channels = in.channels();
    float[] shift = new float[channels];
    for (int i = 0; i < eigenvalues.length; i++) {
      for (int c = 0; c < channels; c++) {
        shift[c] += (float) (alphas[i] * eigenvalues[i] * eigenvectors[i][c]);
      }
    }
    float[] v = in.values();
    int plane = in.plane();
    for (int c = 0; c < channels; c++) {
      float s = shift[c];
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        v[i] += s;
      }
    }
    return in;
  }

  /**
   * The ten test-time crops of AlexNet: the {@code height} x {@code width} windows at the top-left,
   * top-right, bottom-left and bottom-right corners and the centre, then the same five mirrored.
   */
  public static List<FloatImage> tenCrop(FloatImage in, int height, int width) {
    int bottom = in.height() - height;
    int right = in.width() - width;
    List<FloatImage> crops = new ArrayList<>(10);
    crops.add(crop(in, 0, 0, height, width));
    crops.add(crop(in, 0, right, height, width));
    crops.add(crop(in, bottom, 0, height, width));
    crops.add(crop(in, bottom, right, height, width));
    crops.add(centreCrop(in, height, width));
    for (int i = 0; i < 5; i++) {
      crops.add(flipHorizontal(crops.get(i).copy()));
    }
    return crops;
  }

  private static float clip(float x) {
    return x < 0 ? 0 : Math.min(x, MAX_PIXEL);
  }
}
