package org.sparkcnn.predict;

import java.io.Serializable;

/**
 * One scored image: its index in its input, its label (-1 when it has none) and its class
 * probabilities, by class index.
 *
 * <p>A plain class rather than a record: Kryo (Spark's serializer) cannot write the final fields
 * of a Java record on Java 17.
 */
public final class Scored implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The label of an image that has none. */
  public static final int NO_LABEL = -1;

  private long index;
  private int label;
  private float[] probabilities;

  /** For serializers only. */
  Scored() {}

  public Scored(long index, int label, float[] probabilities) {
    this.index = index;
    this.label = label;
    this.probabilities = probabilities;
  }

  /** Position of the image in its input (0-based). */
  public long index() {
    return index;
  }

  /** The image's class index, or {@link #NO_LABEL}. */
  public int label() {
    return label;
  }

  /** Probability of each class, by class index. Not copied. */
  public float[] probabilities() {
    return probabilities;
  }

  /** The most probable class; the lowest index among ties, as DL4J's evaluation breaks them. */
  public int predicted() {
    int best = 0;
    for (int c = 1; c < probabilities.length; c++) {
      if (probabilities[c] > probabilities[best]) {
        best = c;
      }
    }
    return best;
  }

  /** The {@code k} most probable classes, most probable first, ties by lower index. */
  public int[] topK(int k) {
    int n = Math.min(k, probabilities.length);
    Integer[] order = new Integer[probabilities.length];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    java.util.Arrays.sort(order, (a, b) -> probabilities[a] != probabilities[b]
        ? Float.compare(probabilities[b], probabilities[a]) : Integer.compare(a, b));
    int[] top = new int[n];
    for (int i = 0; i < n; i++) {
      top[i] = order[i];
    }
    return top;
  }
}
