package org.sparkcnn.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.IfExists;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.Redaction;
import org.sparkcnn.report.LatestPointer;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunExistsException;
import org.sparkcnn.report.RunLock;

/**
 * What a new run does when the directory of its {@code run.id} exists ({@code run.if-exists}):
 * {@code refuse}, or {@code resume}: continue the run there as {@code --resume} does when it is
 * incomplete and of the same configuration, or nothing when it is complete. A scheduled job can
 * so be started again after any failure, and after a success, with the same command.
 */
final class ExistingRun {
  private static final Logger log = LoggerFactory.getLogger(ExistingRun.class);
  /**
   * Keys that may differ between the two runs besides {@code cluster.*}: what is done around the
   * run, not what it computes. The resumed run takes the new values.
   */
  static final Set<String> UPKEEP_KEYS = Set.of("run.if-exists", "run.lock-stale-seconds",
      "run.latest-pointer", "run.keep");

  private ExistingRun() {}

  /**
   * The request to carry out: {@code invocation} itself (a resume, or a new run whose directory
   * does not exist), the resumption of the existing run, or null when that run is complete and
   * there is nothing to do.
   *
   * @throws RunExistsException when the directory exists and may not be used
   * @throws org.sparkcnn.report.RunLockedException when another driver holds its lock
   */
  static RunRequest resolve(RunRequest invocation, Configuration hadoopConf) {
    JobConfig config = invocation.config();
    JobConfig.RunConfig run = config.run();
    if (invocation.resumeDir() != null || run.id().isEmpty()) {
      return invocation;
    }
    try {
      Path dir = new Path(run.outputRoot(), run.id());
      FileSystem fs = dir.getFileSystem(hadoopConf);
      dir = fs.makeQualified(dir);
      if (!fs.exists(dir)) {
        return invocation;
      }
      if (run.ifExists() == IfExists.REFUSE) {
        throw new RunExistsException("run directory " + dir + " exists already"
            + " (run.if-exists = refuse); nothing was written into it. Choose another run.id,"
            + " or set run.if-exists = resume to continue it if it is incomplete");
      }
      RunLock.requireUnlocked(fs, dir, run.lockStale());
      Path saved = new Path(dir, RunLayout.CONFIG);
      if (!fs.exists(saved)) {
        throw new RunExistsException("run directory " + dir + " exists but holds no "
            + RunLayout.CONFIG + ": it is not a run to resume. Remove it or choose another"
            + " run.id");
      }
      Config before = new ConfigLoader().savedRun(saved.toString(), hadoopConf).resolve();
      Optional<String> difference = firstDifference(before, config.resolved());
      if (difference.isPresent()) {
        String key = difference.get().substring(0, difference.get().indexOf(' '));
        String remedy = !ConfigLoader.earlierValue(before, key) ? "Choose another run.id"
            : "The run was saved before " + key + " existed and trained with "
                + before.getValue(key).render() + ": set " + key + " = "
                + before.getValue(key).render() + " to continue it, or choose another run.id";
        throw new RunExistsException("run directory " + dir + " holds a run of another"
            + " configuration (" + difference.get() + "); run.if-exists = resume continues"
            + " only the same configuration (" + RunLifecycle.RESUMABLE_PREFIX + "* and "
            + String.join(", ", new TreeSet<>(UPKEEP_KEYS)) + " aside). " + remedy);
      }
      if (fs.exists(new Path(dir, RunLayout.SUCCESS))) {
        log.info("run {} is already complete ({} is there): nothing to do", dir,
            RunLayout.SUCCESS);
        if (!run.latestPointer().isEmpty()) {
          // The pointer is written after _SUCCESS: a driver stopped in between left it behind.
          LatestPointer.update(run.outputRoot(), run.latestPointer(), run.id(), hadoopConf);
        }
        return null;
      }
      log.info("run {} exists and is incomplete: resuming it (run.if-exists = resume)", dir);
      return new RunRequest(config, dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at the run directory of " + run.id(), e);
    }
  }

  /**
   * The first key (in sorted order) whose value differs between the configurations, with both
   * values, ignoring {@code cluster.*} (where a run continues) and {@link #UPKEEP_KEYS}.
   */
  static Optional<String> firstDifference(Config before, Config now) {
    TreeSet<String> keys = new TreeSet<>();
    before.entrySet().forEach(e -> keys.add(e.getKey()));
    now.entrySet().forEach(e -> keys.add(e.getKey()));
    for (String key : keys) {
      if (key.startsWith(RunLifecycle.RESUMABLE_PREFIX) || UPKEEP_KEYS.contains(key)) {
        continue;
      }
      ConfigValue a = before.hasPath(key) ? before.getValue(key) : null;
      ConfigValue b = now.hasPath(key) ? now.getValue(key) : null;
      if (a == null || !a.equals(b)) {
        return Optional.of(key + " is " + render(key, a) + " there and " + render(key, b)
            + " now");
      }
    }
    return Optional.empty();
  }

  private static String render(String key, ConfigValue value) {
    return value == null ? "unset" : Redaction.redact(key, value.render());
  }
}
