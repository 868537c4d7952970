package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PermutationTest {
  static long[] image(long size, long seed) {
    Permutation p = new Permutation(size, seed);
    long[] out = new long[(int) size];
    for (int i = 0; i < size; i++) {
      out[i] = p.apply(i);
    }
    return out;
  }

  @Test
  void isABijectionOnEverySize() {
    for (long size : new long[] {1, 2, 3, 4, 5, 7, 16, 17, 63, 64, 65, 1000, 4097, 60_000}) {
      long[] sorted = image(size, 7).clone();
      Arrays.sort(sorted);
      for (int i = 0; i < size; i++) {
        assertEquals(i, sorted[i], "size " + size);
      }
    }
  }

  @Test
  void theSeedSelectsThePermutationAndRepeatsIt() {
    assertArrayEquals(image(1000, 1), image(1000, 1));
    assertFalse(Arrays.equals(image(1000, 1), image(1000, 2)));
    long[] identity = new long[1000];
    Arrays.setAll(identity, i -> i);
    assertFalse(Arrays.equals(identity, image(1000, 1)));
  }

  @Test
  void positionsLandUniformlyAndUnrelatedToWhereTheyStarted() {
    // Where position 0 goes over 20,000 seeds: each tenth of 0..99 about 2,000 times.
    int[] tenths = new int[10];
    for (long seed = 0; seed < 20_000; seed++) {
      tenths[(int) (new Permutation(100, seed).apply(0) / 10)]++;
    }
    for (int count : tenths) {
      assertTrue(Math.abs(count - 2000) < 200, Arrays.toString(tenths));
    }
    // Rank correlation of i and its image: near 0 for a random order, 1 for the identity.
    long[] image = image(60_000, 3);
    double n = image.length;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (i - (n - 1) / 2) * (image[i] - (n - 1) / 2);
    }
    double correlation = sum / (n * (n * n - 1) / 12);
    assertTrue(Math.abs(correlation) < 0.02, "correlation " + correlation);
  }

  @Test
  void refusesPositionsOutsideItsSize() {
    Permutation p = new Permutation(10, 0);
    assertThrows(IndexOutOfBoundsException.class, () -> p.apply(10));
    assertThrows(IndexOutOfBoundsException.class, () -> p.apply(-1));
    assertThrows(IllegalArgumentException.class, () -> new Permutation(0, 0));
  }
}
