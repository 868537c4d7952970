package org.sparkcnn.train;

import java.util.List;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * Where a run's training time went, from DL4J's Spark training statistics: the driver's export of
 * each epoch's minibatches and its broadcasts of the parameters; inside each round's Spark job,
 * the workers' set-up (fetching the broadcast, building the network) and fitting, and the rest of
 * the job (task scheduling and launch, returning the workers' parameters and adding them up in
 * the tree aggregate of {@code train.aggregation-depth}); the driver's averaging of the sum and
 * setting it on its network, on the CPU driver in the hybrid placement; and what is left of the
 * training time on the driver. Worker times are summed over the workers' events and divided by
 * the number of workers (they run side by side).
 *
 * @param exportSeconds driver: writing the minibatches to the export directory
 * @param broadcastSeconds driver: creating the parameter broadcasts
 * @param workerInitSeconds per worker: getting the broadcast and building the network
 * @param workerFitSeconds per worker: fitting minibatches
 * @param roundOverheadSeconds the rounds' Spark jobs beyond the workers' set-up and fitting:
 *     scheduling, returning and tree-aggregating the workers' parameters
 * @param driverAveragingSeconds driver: dividing the aggregated sum by the workers and setting
 *     the averaged parameters and updater state on its network
 */
public record TimeSplit(double exportSeconds, double broadcastSeconds, double workerInitSeconds,
    double workerFitSeconds, double roundOverheadSeconds, double driverAveragingSeconds) {

  /** No statistics: all zero. */
  public static final TimeSplit NONE = new TimeSplit(0, 0, 0, 0, 0, 0);

  /** The split of {@code stats} (accumulated over a run's fits) for {@code workers} workers. */
  static TimeSplit of(SparkTrainingStats stats, int workers) {
    if (stats == null) {
      return NONE;
    }
    double init = (seconds(stats, ParameterAveragingTrainingWorkerStats
        .PARAMETER_AVERAGING_WORKER_BROADCAST_GET_VALUE_TIME_MS)
        + seconds(stats, ParameterAveragingTrainingWorkerStats
            .PARAMETER_AVERAGING_WORKER_INIT_TIME_MS)) / workers;
    double fit = seconds(stats, ParameterAveragingTrainingWorkerStats
        .PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS) / workers;
    // The aggregate is the action that runs each round's job, so its time holds the workers'.
    double rounds = seconds(stats, ParameterAveragingTrainingMasterStats
        .PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS);
    return new TimeSplit(
        seconds(stats, ParameterAveragingTrainingMasterStats
            .PARAMETER_AVERAGING_MASTER_EXPORT_RDD_TIMES_MS),
        seconds(stats, ParameterAveragingTrainingMasterStats
            .PARAMETER_AVERAGING_MASTER_BROADCAST_CREATE_TIMES_MS),
        init, fit, rounds - init - fit, seconds(stats, ParameterAveragingTrainingMasterStats
            .PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS));
  }

  /**
   * The split of the resident master's {@code rounds}: no export; the workers' set-up and fit
   * are their means per round.
   */
  static TimeSplit of(List<ResidentTrainingMaster.Round> rounds) {
    double broadcast = 0;
    double init = 0;
    double fit = 0;
    double jobs = 0;
    double driver = 0;
    for (ResidentTrainingMaster.Round r : rounds) {
      broadcast += r.broadcastMs();
      init += r.meanInitMs();
      fit += r.meanFitMs();
      jobs += r.jobMs();
      driver += r.driverMs();
    }
    return new TimeSplit(0, broadcast / 1000, init / 1000, fit / 1000, (jobs - init - fit) / 1000,
        driver / 1000);
  }

  /** Total duration of the events under {@code key}, wherever in the nested statistics. */
  private static double seconds(SparkTrainingStats stats, String key) {
    for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
      if (s.getKeySet().contains(key)) {
        List<EventStats> events = s.getValue(key);
        return events == null ? 0
            : events.stream().mapToLong(EventStats::getDurationMs).sum() / 1000.0;
      }
    }
    return 0;
  }

  /** Training time the parts above do not account for: the driver's work between rounds. */
  public double otherSeconds(double trainSeconds) {
    return trainSeconds - exportSeconds - broadcastSeconds - workerInitSeconds - workerFitSeconds
        - roundOverheadSeconds - driverAveragingSeconds;
  }
}
