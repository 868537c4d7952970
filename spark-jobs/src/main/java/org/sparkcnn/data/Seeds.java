package org.sparkcnn.data;

/** Derives independent seeds from a run seed and coordinates such as (epoch, partition). */
public final class Seeds {
  private Seeds() {}

  /** A well-mixed 64-bit seed for the given coordinates (SplitMix64 finaliser over each). */
  public static long mix(long seed, long... coordinates) {
    long h = seed;
    for (long c : coordinates) {
      h = finalise(h ^ finalise(c + 0x9E3779B97F4A7C15L));
    }
    return finalise(h);
  }

  private static long finalise(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
