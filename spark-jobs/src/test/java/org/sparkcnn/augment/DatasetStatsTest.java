package org.sparkcnn.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Channel statistics and the eigen-decomposition behind PCA lighting. */
class DatasetStatsTest {
  @Test
  void meanStdAndCovarianceFromSums() {
    // Two pixels of two channels: (1, 2) and (3, 6).
    DatasetStats stats = DatasetStats.fromSums(2, new double[] {4, 8},
        new double[][] {{10, 20}, {20, 40}});
    assertArrayEquals(new double[] {2, 4}, stats.mean(), 1e-12);
    assertArrayEquals(new double[] {1, 2}, stats.std(), 1e-12);
    assertArrayEquals(new double[] {1, 2}, stats.covariance()[0], 1e-12);
    // Perfectly correlated: one component along (1, 2)/sqrt(5) with variance 5, the other 0.
    assertEquals(5, stats.eigenvalues()[0], 1e-9);
    assertEquals(0, stats.eigenvalues()[1], 1e-9);
    assertEquals(1 / Math.sqrt(5), Math.abs(stats.eigenvectors()[0][0]), 1e-9);
  }

  @Test
  void eigenDecompositionReconstructsTheMatrix() {
    double[][] a = {{4, 1, -2}, {1, 2, 0.5}, {-2, 0.5, 3}};
    double[][] vectors = new double[3][];
    double[] values = DatasetStats.symmetricEigen(a, vectors);
    assertTrue(values[0] >= values[1] && values[1] >= values[2], "sorted, largest first");
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double sum = 0;
        double dot = 0;
        for (int k = 0; k < 3; k++) {
          sum += values[k] * vectors[k][i] * vectors[k][j];
          dot += vectors[i][k] * vectors[j][k];
        }
        assertEquals(a[i][j], sum, 1e-9, "A[" + i + "][" + j + "]");
        assertEquals(i == j ? 1 : 0, dot, 1e-9, "orthonormal " + i + "," + j);
      }
    }
    assertEquals(9, values[0] + values[1] + values[2], 1e-9, "trace");
  }

  @Test
  void jsonHoldsEveryField() {
    String json = DatasetStats.fromSums(2, new double[] {4, 8},
        new double[][] {{10, 20}, {20, 40}}).toJson();
    assertTrue(json.contains("\"pixels\": 2,"), json);
    assertTrue(json.contains("\"mean\": [2.0, 4.0]"), json);
    assertTrue(json.contains("\"eigenvalues\": [5.0"), json);
  }

  @Test
  void jsonReadsBackExactly() {
    DatasetStats stats = DatasetStats.fromSums(7, new double[] {1.0 / 3, 2.5e-7, 1e9 / 7},
        new double[][] {{0.1, 0.2, 0.3}, {0.2, 0.5, 0.7}, {0.3, 0.7, 2e17}});
    // as a run writes it, with a member the reader does not know
    DatasetStats back = DatasetStats.fromJson(stats.toJson(Map.of("partitions", "[[1, 2]]")));
    assertEquals(stats.pixels(), back.pixels());
    assertArrayEquals(stats.mean(), back.mean(), 0.0);
    assertArrayEquals(stats.std(), back.std(), 0.0);
    assertArrayEquals(stats.eigenvalues(), back.eigenvalues(), 0.0);
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(stats.covariance()[i], back.covariance()[i], 0.0);
      assertArrayEquals(stats.eigenvectors()[i], back.eigenvectors()[i], 0.0);
    }
  }

  @Test
  void malformedJsonNamesTheMember() {
    String json = "{\"pixels\": 2, \"mean\": [1.0], \"std\": [1.0], \"covariance\": [[1.0]],"
        + " \"eigenvalues\": [1.0]}";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DatasetStats.fromJson(json));
    assertTrue(e.getMessage().contains("eigenvectors"), e.getMessage());
    IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
        () -> DatasetStats.fromJson("mean = [1"));
    assertTrue(notJson.getMessage().contains("JSON"), notJson.getMessage());
  }
}
