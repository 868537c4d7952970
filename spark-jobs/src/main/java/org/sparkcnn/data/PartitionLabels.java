package org.sparkcnn.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The class labels of each partition of a training set: as the cached data is stored (the
 * dataset's own order, often class by class) and as an epoch deals it out ({@link EpochOrder}),
 * with each partition's distance from the whole set's label distribution.
 *
 * <p>The distance is the total variation distance {@code 1/2 sum_c |q_c - p_c|} between the
 * partition's label frequencies q and the whole set's p: 0 when a partition holds the classes in
 * the set's proportions, near 1 when it holds one class of many. A uniform random sample of m
 * examples is expected to lie at about {@code 1/2 sum_c sqrt(2 p_c (1 - p_c) / (pi m))} (the mean
 * absolute deviation of a binomial count, normal approximation); a partition is <em>far</em> from
 * the whole when its distance exceeds {@value #FAR_FACTOR} times that.
 *
 * <p>Summed in place on the way to the driver. A plain class rather than a record: Kryo, which
 * returns task results, cannot write the final fields of a record on Java 17.
 */
public final class PartitionLabels implements Serializable {
  private static final long serialVersionUID = 1L;
  /** How many times the distance expected of a random sample makes a partition "far". */
  public static final double FAR_FACTOR = 3.0;

  /** Largest [partition x class] matrix written out in full in {@code dataset-stats.json}. */
  static final int MAX_CELLS_WRITTEN = 10_000;

  private long[][] stored;
  private long[][] dealt;

  /** For serializers only. */
  PartitionLabels() {}

  /**
   * @param stored label counts [partition][class] of the cached partitions
   * @param dealt label counts [partition][class] of an epoch's training partitions
   */
  public PartitionLabels(long[][] stored, long[][] dealt) {
    this.stored = stored;
    this.dealt = dealt;
  }

  /** Label counts [partition][class] of the cached partitions. Not copied. */
  public long[][] stored() {
    return stored;
  }

  /** Label counts [partition][class] of an epoch's training partitions. Not copied. */
  public long[][] dealt() {
    return dealt;
  }

  /** The sums of two partial counts (adds {@code other} into this). */
  public PartitionLabels plus(PartitionLabels other) {
    add(stored, other.stored);
    add(dealt, other.dealt);
    return this;
  }

  private static void add(long[][] into, long[][] from) {
    for (int p = 0; p < into.length; p++) {
      for (int c = 0; c < into[p].length; c++) {
        into[p][c] += from[p][c];
      }
    }
  }

  /** Label counts of the whole set. */
  public long[] whole() {
    int classes = stored.length == 0 ? 0 : stored[0].length;
    long[] whole = new long[classes];
    for (long[] partition : stored) {
      for (int c = 0; c < classes; c++) {
        whole[c] += partition[c];
      }
    }
    return whole;
  }

  /** Total variation distance of each partition of {@code counts} from the whole set. */
  public double[] distances(long[][] counts) {
    long[] whole = whole();
    return Arrays.stream(counts).mapToDouble(partition -> distance(partition, whole)).toArray();
  }

  /** Partitions of {@code counts} that are far from the whole set (see the class comment). */
  public int[] far(long[][] counts) {
    long[] whole = whole();
    return IntStream.range(0, counts.length)
        .filter(p -> distance(counts[p], whole) > FAR_FACTOR * expectedDistance(sum(counts[p]),
            whole))
        .toArray();
  }

  /** Total variation distance between the label frequencies of two count vectors. */
  static double distance(long[] partition, long[] whole) {
    long m = sum(partition);
    long n = sum(whole);
    if (m == 0 || n == 0) {
      return 0;
    }
    double d = 0;
    for (int c = 0; c < whole.length; c++) {
      d += Math.abs((double) partition[c] / m - (double) whole[c] / n);
    }
    return d / 2;
  }

  /** Distance a uniform random sample of {@code m} examples is expected to have. */
  static double expectedDistance(long m, long[] whole) {
    long n = sum(whole);
    if (m == 0 || n == 0) {
      return 0;
    }
    double d = 0;
    for (long count : whole) {
      double p = (double) count / n;
      d += Math.sqrt(2 * p * (1 - p) / (Math.PI * m));
    }
    return Math.min(1, d / 2);
  }

  private static long sum(long[] counts) {
    return Arrays.stream(counts).sum();
  }

  /**
   * A JSON object: the whole set's label counts, and for the stored and the dealt partitions each
   * one's size, distance and whether it is far, plus the counts themselves unless the matrix has
   * more than {@value #MAX_CELLS_WRITTEN} cells.
   */
  public String toJson(int epoch) {
    return String.format(Locale.ROOT, "{%n    \"classes\": %s,%n    \"stored\": %s,%n"
            + "    \"epoch_%d\": %s%n  }", json(whole()), json(stored), epoch, json(dealt));
  }

  private String json(long[][] counts) {
    double[] distances = distances(counts);
    String far = Arrays.stream(far(counts)).mapToObj(Integer::toString)
        .collect(Collectors.joining(", ", "[", "]"));
    String sizes = Arrays.stream(counts).map(c -> Long.toString(sum(c)))
        .collect(Collectors.joining(", ", "[", "]"));
    String distanceList = Arrays.stream(distances)
        .mapToObj(d -> String.format(Locale.ROOT, "%.4f", d))
        .collect(Collectors.joining(", ", "[", "]"));
    boolean small = counts.length * (long) whole().length <= MAX_CELLS_WRITTEN;
    return String.format(Locale.ROOT, "{\"examples\": %s, \"distance\": %s, \"far\": %s%s}",
        sizes, distanceList, far, small ? ", \"labels\": " + Arrays.stream(counts)
            .map(PartitionLabels::json).collect(Collectors.joining(", ", "[", "]")) : "");
  }

  private static String json(long[] counts) {
    return Arrays.stream(counts).mapToObj(Long::toString)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  /** The largest distance of any partition of {@code counts} (0 when there are none). */
  public double maxDistance(long[][] counts) {
    return Arrays.stream(distances(counts)).max().orElse(0);
  }
}
