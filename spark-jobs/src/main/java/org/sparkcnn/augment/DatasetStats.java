package org.sparkcnn.augment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Per-channel statistics of a dataset's pixels on the 0..255 scale: the mean and standard deviation
 * of each channel (for {@code normalize}) and the channel covariance with its eigen-decomposition
 * (the principal components AlexNet's PCA lighting noise moves along).
 *
 * @param pixels number of pixel positions the statistics cover (images x height x width)
 * @param mean mean of each channel
 * @param std population standard deviation of each channel
 * @param covariance channel covariance matrix, [channels][channels]
 * @param eigenvalues eigenvalues of the covariance, largest first
 * @param eigenvectors unit eigenvectors, {@code eigenvectors[i]} belonging to {@code
 *     eigenvalues[i]}
 */
public record DatasetStats(long pixels, double[] mean, double[] std, double[][] covariance,
    double[] eigenvalues, double[][] eigenvectors) implements Serializable {

  /**
   * The statistics from sums over {@code pixels} pixel positions: {@code sums[c]} of channel c's
   * values and {@code products[a][b]} of the products of channel a's and channel b's values at the
   * same position.
   */
  public static DatasetStats fromSums(long pixels, double[] sums, double[][] products) {
    if (pixels <= 0) {
      throw new IllegalArgumentException("statistics need at least one pixel, got " + pixels);
    }
    int channels = sums.length;
    double[] mean = new double[channels];
    for (int c = 0; c < channels; c++) {
      mean[c] = sums[c] / pixels;
    }
    double[][] covariance = new double[channels][channels];
    double[] std = new double[channels];
    for (int a = 0; a < channels; a++) {
      for (int b = 0; b < channels; b++) {
        covariance[a][b] = products[a][b] / pixels - mean[a] * mean[b];
      }
      std[a] = Math.sqrt(Math.max(0, covariance[a][a]));
    }
    double[][] vectors = new double[channels][];
    double[] values = symmetricEigen(covariance, vectors);
    return new DatasetStats(pixels, mean, std, covariance, values, vectors);
  }

  public int channels() {
    return mean.length;
  }

  /**
   * Eigenvalues (largest first) of the symmetric matrix {@code a}, by cyclic Jacobi rotations;
   * fills {@code vectors[i]} with the unit eigenvector of the i-th.
   */
  static double[] symmetricEigen(double[][] a, double[][] vectors) {
    int n = a.length;
    double[][] m = new double[n][];
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p][q] * m[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (m[p][q] == 0) {
            continue;
          }
          double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
          double t = Math.signum(theta == 0 ? 1 : theta)
              / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) { // columns p and q of m
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
          }
          for (int k = 0; k < n; k++) { // rows p and q of m
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
          }
          for (int k = 0; k < n; k++) { // eigenvectors are the columns of v
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (i, j) -> Double.compare(m[j][j], m[i][i]));
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      int col = order[i];
      values[i] = m[col][col];
      vectors[i] = new double[n];
      for (int k = 0; k < n; k++) {
        vectors[i][k] = v[k][col];
      }
    }
    return values;
  }

  /** The statistics as a JSON object, as saved in a run directory. */
  public String toJson() {
    return toJson(Map.of());
  }

  /**
   * The statistics as a JSON object followed by {@code more} members (name to JSON value, in the
   * map's order), as saved in a run directory.
   */
  public String toJson(Map<String, String> more) {
    String extra = more.entrySet().stream()
        .map(e -> String.format(Locale.ROOT, ",%n  \"%s\": %s", e.getKey(), e.getValue()))
        .collect(Collectors.joining());
    return String.format(Locale.ROOT, "{%n  \"pixels\": %d,%n  \"mean\": %s,%n  \"std\": %s,%n"
            + "  \"covariance\": %s,%n  \"eigenvalues\": %s,%n  \"eigenvectors\": %s%s%n}%n",
        pixels, json(mean), json(std), json(covariance), json(eigenvalues), json(eigenvectors),
        extra);
  }

  /**
   * Reads statistics written by {@link #toJson}; other members (a run's {@code partitions}) are
   * ignored. Files written before the values were saved exactly hold six significant digits.
   *
   * @throws IllegalArgumentException naming the member that is missing or malformed
   */
  public static DatasetStats fromJson(String json) {
    Config c;
    try {
      c = ConfigFactory.parseString(json, ConfigParseOptions.defaults()
          .setSyntax(ConfigSyntax.JSON));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("dataset statistics are not valid JSON: "
          + e.getMessage(), e);
    }
    try {
      return new DatasetStats(c.getLong("pixels"), vector(c, "mean"), vector(c, "std"),
          matrix(c, "covariance"), vector(c, "eigenvalues"), matrix(c, "eigenvectors"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("dataset statistics: " + e.getMessage(), e);
    }
  }

  private static double[] vector(Config c, String member) {
    return c.getDoubleList(member).stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[][] matrix(Config c, String member) {
    List<Object> rows = c.getList(member).unwrapped();
    double[][] m = new double[rows.size()][];
    for (int i = 0; i < m.length; i++) {
      if (!(rows.get(i) instanceof List<?> row)
          || !row.stream().allMatch(v -> v instanceof Number)) {
        throw new IllegalArgumentException("dataset statistics: " + member + "[" + i
            + "] is not a list of numbers: " + rows.get(i));
      }
      m[i] = row.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }
    return m;
  }

  /** Each value exactly (the shortest decimal that reads back as the same double). */
  private static String json(double[] values) {
    return Arrays.stream(values).mapToObj(Double::toString)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String json(double[][] rows) {
    return Arrays.stream(rows).map(DatasetStats::json).collect(Collectors.joining(", ", "[", "]"));
  }
}
