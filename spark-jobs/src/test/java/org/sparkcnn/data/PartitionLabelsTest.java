package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionLabelsTest {
  @Test
  void distanceIsTheTotalVariationFromTheWholeSet() {
    long[] whole = {50, 50};
    assertEquals(0.0, PartitionLabels.distance(new long[] {5, 5}, whole), 1e-12);
    assertEquals(0.5, PartitionLabels.distance(new long[] {10, 0}, whole), 1e-12);
    assertEquals(0.3, PartitionLabels.distance(new long[] {8, 2}, whole), 1e-12);
    // one class of ten, in a set of ten equal classes: 1/2 (0.9 + 9 x 0.1) = 0.9
    long[] ten = new long[10];
    java.util.Arrays.fill(ten, 100);
    long[] oneClass = new long[10];
    oneClass[3] = 100;
    assertEquals(0.9, PartitionLabels.distance(oneClass, ten), 1e-12);
  }

  @Test
  void aClassSortedPartitionIsFarAndARandomSampleIsNot() {
    // Ten partitions of 100 examples; stored: one class each; dealt: a balanced sample each,
    // off by sampling noise (+-3).
    long[][] stored = new long[10][10];
    long[][] dealt = new long[10][10];
    for (int p = 0; p < 10; p++) {
      stored[p][p] = 100;
      for (int c = 0; c < 10; c++) {
        dealt[p][c] = 10 + ((p + c) % 3 - 1) * 3;
      }
    }
    PartitionLabels labels = new PartitionLabels(stored, dealt);
    assertArrayEquals(new long[] {100, 100, 100, 100, 100, 100, 100, 100, 100, 100},
        labels.whole());
    assertEquals(10, labels.far(stored).length);
    assertEquals(0, labels.far(dealt).length);
    // the expected distance of a random sample of 100 from ten equal classes: 5 sqrt(0.18/(100 pi))
    assertEquals(5 * Math.sqrt(0.18 / (100 * Math.PI)),
        PartitionLabels.expectedDistance(100, labels.whole()), 1e-12);
    String json = labels.toJson(1);
    assertTrue(json.contains("\"stored\": {\"examples\": [100, 100, 100, 100, 100, 100, 100, 100,"
        + " 100, 100], \"distance\": [0.9000, "), json);
    assertTrue(json.contains("\"far\": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"), json);
    assertTrue(json.contains("\"epoch_1\": {"), json);
    assertTrue(json.contains("\"far\": []"), json);
  }

  @Test
  void partialCountsAddUp() {
    PartitionLabels a = new PartitionLabels(new long[][] {{1, 0}, {0, 0}},
        new long[][] {{0, 1}, {0, 0}});
    PartitionLabels b = new PartitionLabels(new long[][] {{0, 0}, {0, 2}},
        new long[][] {{1, 0}, {0, 1}});
    PartitionLabels sum = a.plus(b);
    assertArrayEquals(new long[] {1, 2}, sum.whole());
    assertArrayEquals(new long[] {1, 1}, sum.dealt()[0]);
    assertArrayEquals(new long[] {0, 1}, sum.dealt()[1]);
  }
}
