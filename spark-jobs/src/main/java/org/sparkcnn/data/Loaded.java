package org.sparkcnn.data;

import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;

/**
 * A dataset read into the executors' memory.
 *
 * @param examples the cached examples; {@link JavaRDD#unpersist} them when done
 * @param count how many examples were read
 * @param skipped inputs left out (sorted by path), each with its reason
 */
public record Loaded(JavaRDD<LabeledImage> examples, long count, List<SkippedInput> skipped) {
  /**
   * Fails when more than {@code maxFraction} of the inputs were skipped.
   *
   * @param where what the inputs are, for the message (e.g. the folder)
   * @param listedIn where the full list of skipped inputs was written, for the message
   * @throws BadInputException naming the count, the limit and the first skipped input
   */
  public void requireSkippedAtMost(double maxFraction, String where, String listedIn) {
    long total = count + skipped.size();
    if (skipped.isEmpty() || skipped.size() <= maxFraction * total) {
      return;
    }
    SkippedInput first = skipped.get(0);
    throw new BadInputException(String.format(Locale.ROOT,
        "%d of the %d images in %s (%.2f%%) could not be used, more than"
            + " data.max-skipped-fraction = %s; all are listed in %s; the first: %s: %s",
        skipped.size(), total, where, 100.0 * skipped.size() / total, maxFraction, listedIn,
        first.path(), first.reason()));
  }
}
