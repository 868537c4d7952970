package org.sparkcnn.augment;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkcnn.models.ImageShape;

/**
 * One step of an augmentation pipeline, as a configuration names it ({@code flip}, {@code
 * random-crop(size=24)}, ...). A step draws what it needs from the example's random source, in a
 * fixed order, and leaves the arithmetic to {@link ImageOps}. {@code toString()} gives the step in
 * configuration syntax with every parameter.
 */
public sealed interface Step extends Serializable {
  /** What a step does to an image, which decides where it may stand in a pipeline. */
  enum Kind {
    /** Moves or selects pixels (crops, flips, resizing); valid on any scale. */
    GEOMETRY,
    /** Changes pixel values on the 0..255 scale (brightness, contrast, lighting). */
    PIXEL_VALUES,
    /** Rescales values for the network (scale, standardize, normalize): a pipeline has one. */
    NORMALIZE,
    /** Turns one image into several views (test-time crops), for evaluation only. */
    VIEWS
  }

  /** The step's name in configuration syntax. */
  String name();

  Kind kind();

  /**
   * Shape of the output for an input of shape {@code in}.
   *
   * @throws IllegalArgumentException when the step cannot apply to such an input
   */
  default ImageShape outputShape(ImageShape in) {
    return in;
  }

  /** Applies the step, drawing from {@code random}; may overwrite {@code in}. */
  FloatImage apply(FloatImage in, SplittableRandom random);

  /** True when the step takes its values from the training set's {@link DatasetStats}. */
  default boolean needsStats() {
    return false;
  }

  /** This step with its dataset-derived values taken from {@code stats}. */
  default Step withStats(DatasetStats stats) {
    return this;
  }

  private static void require(boolean ok, String step, String message) {
    if (!ok) {
      throw new IllegalArgumentException(step + ": " + message);
    }
  }

  private static ImageShape cropShape(String step, ImageShape in, int height, int width,
      int padding) {
    require(height <= in.height() + 2 * padding && width <= in.width() + 2 * padding, step,
        String.format(Locale.ROOT, "a %dx%d crop does not fit the %dx%d image%s", height, width,
            in.height(), in.width(), padding > 0 ? " padded by " + padding : ""));
    return new ImageShape(in.channels(), height, width);
  }

  /**
   * A {@code height} x {@code width} window at a uniformly random position (TensorFlow's {@code
   * random_crop}), after zero padding of {@code padding} pixels on every side.
   */
  record RandomCrop(int height, int width, int padding) implements Step {
    @Override
    public String name() {
      return "random-crop";
    }

    @Override
    public Kind kind() {
      return Kind.GEOMETRY;
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
      return cropShape(toString(), in, height, width, padding);
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      int top = random.nextInt(in.height() + 2 * padding - height + 1) - padding;
      int left = random.nextInt(in.width() + 2 * padding - width + 1) - padding;
      return ImageOps.crop(in, top, left, height, width);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "random-crop(height=%d, width=%d, padding=%d)", height,
          width, padding);
    }
  }

  /** The centred {@code height} x {@code width} window. */
  record CentreCrop(int height, int width) implements Step {
    @Override
    public String name() {
      return "centre-crop";
    }

    @Override
    public Kind kind() {
      return Kind.GEOMETRY;
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
      return cropShape(toString(), in, height, width, 0);
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return ImageOps.centreCrop(in, height, width);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "centre-crop(height=%d, width=%d)", height, width);
    }
  }

  /** A left-right mirror with probability {@code probability}. */
  record Flip(double probability) implements Step {
    static final double DEFAULT_PROBABILITY = 0.5;

    public Flip {
      require(probability >= 0 && probability <= 1, "flip", "probability must be in [0, 1], got "
          + probability);
    }

    @Override
    public String name() {
      return "flip";
    }

    @Override
    public Kind kind() {
      return Kind.GEOMETRY;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return random.nextDouble() < probability ? ImageOps.flipHorizontal(in) : in;
    }

    @Override
    public String toString() {
      return "flip(probability=" + probability + ")";
    }
  }

  /**
   * Adds one delta drawn uniformly from [-maxDelta, maxDelta) to every value, clipped to 0..255.
   */
  record Brightness(double maxDelta) implements Step {
    /** The tutorial's 63 on the 0..255 scale. */
    static final double DEFAULT_MAX_DELTA = 63;

    public Brightness {
      require(maxDelta >= 0 && maxDelta <= 255, "brightness", "max-delta must be in [0, 255], got "
          + maxDelta);
    }

    @Override
    public String name() {
      return "brightness";
    }

    @Override
    public Kind kind() {
      return Kind.PIXEL_VALUES;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return ImageOps.adjustBrightness(in, (float) ((2 * random.nextDouble() - 1) * maxDelta));
    }

    @Override
    public String toString() {
      return "brightness(max-delta=" + maxDelta + ")";
    }
  }

  /** Contrast scaled by a factor drawn uniformly from [lower, upper), clipped to 0..255. */
  record Contrast(double lower, double upper) implements Step {
    /** The tutorial's range. */
    static final double DEFAULT_LOWER = 0.2;
    static final double DEFAULT_UPPER = 1.8;

    public Contrast {
      require(lower >= 0 && lower <= upper, "contrast",
          "needs 0 <= lower <= upper, got lower=" + lower + ", upper=" + upper);
    }

    @Override
    public String name() {
      return "contrast";
    }

    @Override
    public Kind kind() {
      return Kind.PIXEL_VALUES;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return ImageOps.adjustContrast(in,
          (float) (lower + (upper - lower) * random.nextDouble()));
    }

    @Override
    public String toString() {
      return "contrast(lower=" + lower + ", upper=" + upper + ")";
    }
  }

  /** The tutorial's per-image standardization (mean 0, standard deviation 1). */
  record Standardize() implements Step {
    @Override
    public String name() {
      return "standardize";
    }

    @Override
    public Kind kind() {
      return Kind.NORMALIZE;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return ImageOps.standardize(in);
    }

    @Override
    public String toString() {
      return "standardize";
    }
  }

  /** Pixel values divided by 255, to [0, 1]. */
  record Scale() implements Step {
    @Override
    public String name() {
      return "scale";
    }

    @Override
    public Kind kind() {
      return Kind.NORMALIZE;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return ImageOps.scale(in, 1f / ImageOps.MAX_PIXEL);
    }

    @Override
    public String toString() {
      return "scale";
    }
  }

  /**
   * Per-channel {@code (x - mean) / std} (only {@code x - mean} when {@code meanOnly}, as AlexNet
   * did), with the given values on the 0..255 scale, or, when none are given, the training set's
   * statistics.
   */
  record Normalize(float[] mean, float[] std, boolean meanOnly) implements Step {
    public Normalize {
      require(mean.length == std.length || meanOnly && std.length == 0, "normalize",
          "give as many std values as mean values, got " + mean.length + " and " + std.length);
      for (float s : std) {
        require(s > 0, "normalize", "std values must be > 0, got " + Arrays.toString(std));
      }
    }

    @Override
    public String name() {
      return "normalize";
    }

    @Override
    public Kind kind() {
      return Kind.NORMALIZE;
    }

    @Override
    public boolean needsStats() {
      return mean.length == 0;
    }

    @Override
    public Step withStats(DatasetStats stats) {
      if (!needsStats()) {
        return this;
      }
      float[] m = new float[stats.channels()];
      float[] s = new float[stats.channels()];
      for (int c = 0; c < m.length; c++) {
        m[c] = (float) stats.mean()[c];
        s[c] = (float) Math.max(stats.std()[c], 1e-6);
      }
      return new Normalize(m, s, meanOnly);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
      require(mean.length == 0 || mean.length == in.channels(), toString(),
          "has " + mean.length + " channel values for " + in.channels() + "-channel images");
      return in;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      if (needsStats()) {
        throw new IllegalStateException("normalize without values needs the dataset statistics");
      }
      float[] std = this.std;
      if (meanOnly) {
        std = new float[mean.length];
        Arrays.fill(std, 1f);
      }
      return ImageOps.normalize(in, mean, std);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Normalize n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std)
          && meanOnly == n.meanOnly;
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Arrays.hashCode(mean) + Arrays.hashCode(std)) + Boolean.hashCode(meanOnly);
    }

    @Override
    public String toString() {
      return needsStats() ? "normalize(mean-only=" + meanOnly + ")"
          : "normalize(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
              + ", mean-only=" + meanOnly + ")";
    }
  }

  /** Shorter side resized (bilinear) to {@code size}, then the centred square: AlexNet's input. */
  record ResizeCrop(int size) implements Step {
    @Override
    public String name() {
      return "resize-crop";
    }

    @Override
    public Kind kind() {
      return Kind.GEOMETRY;
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
      return new ImageShape(in.channels(), size, size);
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      return ImageOps.resizeShorterSideAndCrop(in, size);
    }

    @Override
    public String toString() {
      return "resize-crop(size=" + size + ")";
    }
  }

  /**
   * AlexNet's PCA colour noise: each principal component of the training set's RGB covariance
   * added with weight alpha * eigenvalue, alpha drawn from N(0, sigma^2) per image.
   */
  record PcaLighting(double sigma, DatasetStats stats) implements Step {
    /** AlexNet's 0.1. */
    static final double DEFAULT_SIGMA = 0.1;

    public PcaLighting {
      require(sigma >= 0 && Double.isFinite(sigma), "pca-lighting", "sigma must be >= 0, got "
          + sigma);
    }

    @Override
    public String name() {
      return "pca-lighting";
    }

    @Override
    public Kind kind() {
      return Kind.PIXEL_VALUES;
    }

    @Override
    public boolean needsStats() {
      return stats == null;
    }

    @Override
    public Step withStats(DatasetStats stats) {
      return new PcaLighting(sigma, stats);
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
      require(stats == null || stats.channels() == in.channels(), toString(),
          "has statistics of " + (stats == null ? 0 : stats.channels()) + " channels for "
              + in.channels() + "-channel images");
      return in;
    }

    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      if (stats == null) {
        throw new IllegalStateException("pca-lighting needs the dataset statistics");
      }
      double[] alphas = new double[stats.channels()];
      for (int i = 0; i < alphas.length; i++) {
        alphas[i] = sigma * random.nextGaussian();
      }
      return ImageOps.addLighting(in, stats.eigenvalues(), stats.eigenvectors(), alphas);
    }

    @Override
    public String toString() {
      return "pca-lighting(sigma=" + sigma + ")";
    }
  }

  /** The ten test-time crops (four corners and centre, then mirrored): {@link ImageOps#tenCrop}. */
  record TenCrop(int height, int width) implements Step {
    @Override
    public String name() {
      return "ten-crop";
    }

    @Override
    public Kind kind() {
      return Kind.VIEWS;
    }

    @Override
    public ImageShape outputShape(ImageShape in) {
      return cropShape(toString(), in, height, width, 0);
    }

    /** Not one image but ten: a pipeline asks for {@link #views}. */
    @Override
    public FloatImage apply(FloatImage in, SplittableRandom random) {
      throw new UnsupportedOperationException("ten-crop yields ten views: call views()");
    }

    public List<FloatImage> views(FloatImage in) {
      return ImageOps.tenCrop(in, height, width);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "ten-crop(height=%d, width=%d)", height, width);
    }
  }
}
