package org.sparkcnn.train;

import org.sparkcnn.config.JobConfig;

/**
 * What a run is asked to be: a new run with {@code config}, or the resumption of the run in
 * {@code resumeDir} with the configuration saved there ({@code config} is then that saved
 * configuration, with any {@code cluster.*} keys set anew).
 *
 * @param resumeDir the run directory to continue; null for a new run
 */
public record RunRequest(JobConfig config, String resumeDir) {
  /** A new run of {@code config}. */
  public static RunRequest newRun(JobConfig config) {
    return new RunRequest(config, null);
  }
}
