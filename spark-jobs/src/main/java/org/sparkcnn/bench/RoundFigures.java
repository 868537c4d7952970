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
 * <p>The rounds' wall time also splits into three shares that add up to 1: the workers fitting
 * (mean fit), waiting at the round's barrier for the slowest worker (slowest fit minus mean fit:
 * parameter averaging is synchronous) and the overhead. The barrier is the straggler cost of
 * synchronous training; docs/performance.md ("A cost model of a round") carries it to more
 * workers.
 *
 * @param rounds timed rounds the figures are taken from
 * @param workerResultBytes what one worker returns each round: 4 bytes (float) x (parameters +
 *     updater values)
 * @param barrierMedianMs median of the slowest worker's fit minus the workers' mean fit
 * @param barrierShare the rounds' summed barrier (slowest minus mean fit) over their summed wall
 *     time
 * @param overheadShare the rounds' summed overhead over their summed wall time
 */
record RoundFigures(int rounds, double overheadMedianMs, double overheadP90Ms,
    double broadcastMedianMs, double jobMedianMs, double driverMedianMs,
    long workerResultBytes, double barrierMedianMs, double barrierShare, double overheadShare) {
  /** The CSV columns of {@link #cells()}, after {@code master} in {@code runs/throughput.csv}. */
  static final List<String> COLUMNS = List.of("timed_rounds", "round_overhead_median_ms",
      "round_overhead_p90_ms", "broadcast_median_ms", "job_median_ms", "driver_median_ms",
      "worker_result_bytes", "barrier_median_ms", "barrier_share", "overhead_share");

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
    double[] barrier = values(timed, r -> r.maxFitMs() - r.meanFitMs());
    double wall = sum(values(timed, ResidentTrainingMaster.Round::wallMs));
    return new RoundFigures(timed.size(), percentile(overhead, 50), percentile(overhead, 90),
        percentile(values(timed, ResidentTrainingMaster.Round::broadcastMs), 50),
        percentile(values(timed, ResidentTrainingMaster.Round::jobMs), 50),
        percentile(values(timed, ResidentTrainingMaster.Round::driverMs), 50),
        Float.BYTES * (parameters + updaterValues), percentile(barrier, 50),
        sum(barrier) / wall, sum(overhead) / wall);
  }

  /** The share of the rounds' wall time the workers spent fitting: 1 - barrier - overhead. */
  double fitShare() {
    return 1 - barrierShare - overheadShare;
  }

  /** Cells of {@link #COLUMNS}. */
  List<String> cells() {
    return List.of(Integer.toString(rounds), ms(overheadMedianMs), ms(overheadP90Ms),
        ms(broadcastMedianMs), ms(jobMedianMs), ms(driverMedianMs),
        Long.toString(workerResultBytes), ms(barrierMedianMs), share(barrierShare),
        share(overheadShare));
  }

  /** Empty cells of {@link #COLUMNS}, for a row without resident rounds. */
  static List<String> noCells() {
    return Collections.nCopies(COLUMNS.size(), "");
  }

  /** One line for the console. */
  String summary() {
    return String.format(Locale.ROOT, "%d timed rounds: overhead (wall - slowest fit) median %.2f"
        + " ms, p90 %.2f ms; median broadcast %.2f ms, job %.2f ms, driver %.2f ms; a worker"
        + " returns %,d bytes; of the rounds' wall time, the workers fit %.1f%%, wait for the"
        + " slowest %.1f%% (median %.2f ms a round) and the overhead takes %.1f%%", rounds,
        overheadMedianMs, overheadP90Ms, broadcastMedianMs, jobMedianMs, driverMedianMs,
        workerResultBytes, 100 * fitShare(), 100 * barrierShare, barrierMedianMs,
        100 * overheadShare);
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

  private static double sum(double[] values) {
    return Arrays.stream(values).sum();
  }

  private static String ms(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String share(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
