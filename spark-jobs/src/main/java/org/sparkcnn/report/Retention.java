package org.sparkcnn.report;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.RunSeries;

/**
 * {@code run.keep}: after a successful run of a series ({@code <name>-<stamp>}, see {@link
 * RunSeries}), deletes the older runs of the same name in the output root beyond the newest
 * {@code keep}, ordered by the stamp in their names.
 *
 * <p>Only runs that are over go: complete ({@code _SUCCESS}) or failed ({@code _FAILED}). Never
 * the run that prunes, the run the latest pointer names, a run with a fresh {@link RunLock} (being
 * resumed), or an incomplete one (its driver was killed: it may be resumed). Each run to delete is
 * locked first, so a driver that starts to resume it at that moment is refused rather than
 * finding its files vanish. A run that cannot be deleted is logged and left for the next run.
 */
public final class Retention {
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  private Retention() {}

  /**
   * Prunes the series of {@code runId} in {@code outputRoot} to its newest {@code keep} runs and
   * those that must stay; returns the ids of the runs deleted, newest first.
   *
   * @param pointer name of the latest-pointer file in {@code outputRoot}, or empty
   * @param stale age beyond which a run's lock is a dead driver's
   */
  public static List<String> prune(String outputRoot, String runId, int keep, String pointer,
      Duration stale, Configuration conf) {
    RunSeries series = RunSeries.of(runId).orElseThrow(() -> new IllegalArgumentException(
        "run " + runId + " is not of a series <name>-<yyyyMMdd>"));
    List<String> deleted = new ArrayList<>();
    Path root = new Path(outputRoot);
    List<String> runs;
    Optional<String> pointed;
    FileSystem fs;
    try {
      fs = root.getFileSystem(conf);
      root = fs.makeQualified(root);
      runs = Arrays.stream(fs.listStatus(root)).filter(FileStatus::isDirectory)
          .map(status -> status.getPath().getName()).filter(series::contains)
          .sorted(Comparator.comparing((String id) -> RunSeries.of(id).orElseThrow().stamp())
              .thenComparing(Comparator.naturalOrder()).reversed())
          .toList();
      pointed = pointer.isEmpty() ? Optional.empty()
          : LatestPointer.read(fs, new Path(root, pointer));
    } catch (IOException e) {
      log.warn("cannot list the runs of series {} in {} ({}); pruning skipped",
          series.name(), root, e.toString());
      return deleted;
    }
    for (String id : runs.subList(Math.min(keep, runs.size()), runs.size())) {
      if (id.equals(runId) || pointed.filter(id::equals).isPresent()) {
        continue;
      }
      Path run = new Path(root, id);
      try {
        String state = fs.exists(new Path(run, RunLayout.SUCCESS)) ? "complete"
            : fs.exists(new Path(run, RunLayout.FAILED)) ? "failed" : null;
        if (state == null) {
          log.info("keeping {}: incomplete (it may be resumed)", run);
          continue;
        }
        Optional<String> holder = RunLock.freshHolder(fs, run, stale);
        if (holder.isPresent()) {
          log.info("keeping {}: locked ({})", run, holder.get());
          continue;
        }
        Path lock = new Path(run, RunLayout.LOCK);
        if (!fs.exists(lock) && !RunLock.createNew(fs, lock, "pruning=" + runId + "\n")) {
          log.info("keeping {}: locked just now", run);
          continue;
        }
        if (!fs.delete(run, true)) {
          throw new IOException("delete returned false");
        }
        deleted.add(id);
        log.info("deleted {} ({}), beyond the newest {} runs of {}", run, state,
            keep, series.name());
      } catch (IOException e) {
        log.warn("cannot delete {} ({}); the next run tries again", run,
            e.toString());
      }
    }
    return deleted;
  }
}
