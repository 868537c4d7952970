package org.sparkcnn.train;

import org.apache.hadoop.conf.Configuration;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.report.LatestPointer;
import org.sparkcnn.report.Retention;

/**
 * What the job does once a run is complete ({@code _SUCCESS} written), in the output root, where
 * schedules look: points {@code run.latest-pointer} at the run, then prunes its series to {@code
 * run.keep} runs. Done by the driver through Hadoop's filesystem API, so it works on every
 * filesystem the run directory can be on.
 */
final class AfterSuccess {
  private AfterSuccess() {}

  /** Updates the pointer and prunes the series of the complete run {@code runId}. */
  static void apply(JobConfig.RunConfig run, String runId, Configuration hadoopConf) {
    if (!run.latestPointer().isEmpty()) {
      LatestPointer.update(run.outputRoot(), run.latestPointer(), runId, hadoopConf);
    }
    if (run.keep() > 0) {
      Retention.prune(run.outputRoot(), runId, run.keep(), run.latestPointer(),
          run.lockStale(), hadoopConf);
    }
  }
}
