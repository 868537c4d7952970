package org.sparkcnn.data;

import java.io.Serializable;

/**
 * A seeded pseudo-random permutation of the positions {@code 0 .. size - 1}, computed one position
 * at a time in constant memory, so that any task can tell where an example goes without the
 * permutation ever being stored or shipped.
 *
 * <p>A balanced Feistel network of {@value #ROUNDS} rounds over the smallest even number of bits
 * that holds {@code size - 1} (a bijection on {@code 0 .. 2^bits - 1}; Luby and Rackoff, "How to
 * construct pseudorandom permutations from pseudorandom functions", SIAM J. Comput. 17(2), 1988),
 * restricted to {@code 0 .. size - 1} by cycle walking (Black and Rogaway, "Ciphers with arbitrary
 * finite domains", CT-RSA 2002, section 3): a position that lands outside is encrypted again until
 * it lands inside. The domain is less than four times {@code size}, so a position takes fewer than
 * four encryptions on average. The round function is {@link Seeds#mix}, keyed per round from the
 * seed.
 */
public final class Permutation implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Feistel rounds: four make a strong pseudo-random permutation of a random round function. */
  static final int ROUNDS = 6;

  private final long size;
  private final int halfBits;
  private final long halfMask;
  private final long[] roundKeys;

  /**
   * @param size how many positions (at least 1, at most 2^62)
   * @param seed selects the permutation
   * @throws IllegalArgumentException if {@code size} is out of range
   */
  public Permutation(long size, long seed) {
    if (size < 1 || size > 1L << 62) {
      throw new IllegalArgumentException("size must be in 1..2^62, got " + size);
    }
    this.size = size;
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
    bits += bits & 1;
    halfBits = bits / 2;
    halfMask = (1L << halfBits) - 1;
    roundKeys = new long[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      roundKeys[round] = Seeds.mix(seed, round);
    }
  }

  public long size() {
    return size;
  }

  /**
   * Where {@code position} goes.
   *
   * @throws IndexOutOfBoundsException if {@code position} is not in {@code 0 .. size - 1}
   */
  public long apply(long position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("position " + position + " outside 0.." + (size - 1));
    }
    long x = position;
    do {
      x = encrypt(x);
    } while (x >= size);
    return x;
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (long key : roundKeys) {
      long next = left ^ (Seeds.mix(key, right) & halfMask);
      left = right;
      right = next;
    }
    return left << halfBits | right;
  }
}
