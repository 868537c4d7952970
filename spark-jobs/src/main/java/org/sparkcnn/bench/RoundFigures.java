package org.sparkcnn.bench;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.sparkcnn.train.ResidentTrainingMaster;

/**
 * Where the resident master's rounds of a Spark measurement spent their time beyond the workers'
 * fits, from {@link ResidentTrainingMaster#rounds()} of the timed fits (warm-up left out), in
 * milliseconds: the round overhead (round wall time minus the slowest worker's fit, issue 21's
 * measure) at the median and the 90th percentile, and the median broadcast, job and driver times.
 * Percentiles interpolate linearly between the sorted values (NumPy's default), so the median of
 * an even count is the mean of the middle two.
 *
 * @param rounds timed rounds the figures are taken from
 * @param workerResultBytes what one worker returns each round: 4 bytes (float) x (parameters +
 *     updater values)
 */
record RoundFigures(int rounds, double overheadMedianMs, double overheadP90Ms,
    double broadcastMedianMs, double jobMedianMs, double driverMedianMs,
    long workerResultBytes) {
  /** The CSV columns of {@link #cells()}, after {@code master} in {@code runs/throughput.csv}. */
  static final List<String> COLUMNS = List.of("timed_rounds", "round_overhead_median_ms",
      "round_overhead_p90_ms", "broadcast_median_ms", "job_median_ms", "driver_median_ms",
      "worker_result_bytes");

  /**
   * The figures of {@code timed}.
   *
   * @param parameters the network's parameters ({@code numParams()})
   * @param updaterValues the values of its updater state
   * @throws IllegalArgumentException when {@code timed} is empty
   */
  static RoundFigures of(List<ResidentTrainingMaster.Round> timed, long parameters,
      long updaterValues) {
    if (timed.isEmpty()) {
      throw new IllegalArgumentException("no timed rounds");
    }
    double[] overhead = values(timed, r -> r.wallMs() - r.maxFitMs());
    return new RoundFigures(timed.size(), percentile(overhead, 50), percentile(overhead, 90),
        percentile(values(timed, ResidentTrainingMaster.Round::broadcastMs), 50),
        percentile(values(timed, ResidentTrainingMaster.Round::jobMs), 50),
        percentile(values(timed, ResidentTrainingMaster.Round::driverMs), 50),
        Float.BYTES * (parameters + updaterValues));
  }

  /** Cells of {@link #COLUMNS}. */
  List<String> cells() {
    return List.of(Integer.toString(rounds), ms(overheadMedianMs), ms(overheadP90Ms),
        ms(broadcastMedianMs), ms(jobMedianMs), ms(driverMedianMs),
        Long.toString(workerResultBytes));
  }

  /** Empty cells of {@link #COLUMNS}, for a row without resident rounds. */
  static List<String> noCells() {
    return Collections.nCopies(COLUMNS.size(), "");
  }

  /** One line for the console. */
  String summary() {
    return String.format(Locale.ROOT, "%d timed rounds: overhead (wall - slowest fit) median %.2f"
        + " ms, p90 %.2f ms; median broadcast %.2f ms, job %.2f ms, driver %.2f ms; a worker"
        + " returns %,d bytes", rounds, overheadMedianMs, overheadP90Ms, broadcastMedianMs,
        jobMedianMs, driverMedianMs, workerResultBytes);
  }

  /**
   * The {@code p}-th percentile of {@code values}, interpolated linearly between the sorted
   * values (NumPy's default).
   *
   * @param p 0 to 100
   * @throws IllegalArgumentException when {@code values} is empty or {@code p} out of range
   */
  static double percentile(double[] values, double p) {
    if (values.length == 0 || !(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile " + p + " of " + values.length + " values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double rank = p / 100 * (sorted.length - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
  }

  private static double[] values(List<ResidentTrainingMaster.Round> rounds,
      ToDoubleFunction<ResidentTrainingMaster.Round> value) {
    return rounds.stream().mapToDouble(value).toArray();
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
