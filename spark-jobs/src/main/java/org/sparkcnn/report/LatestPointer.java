package org.sparkcnn.report;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.RunSeries;

/**
 * {@code run.latest-pointer}: a file in the output root holding the id of the latest successful
 * run (one line), for whatever consumes the runs (e.g.
 * {@code $(cat runs/nightly.latest)/model.zip}).
 *
 * <p>It is written under a temporary name and renamed over the old one in one step (HDFS and
 * local disks; S3A copies), so a reader sees the old id or the new one. It never moves back to
 * an older run of the same series: a re-run of a past date leaves it on the newer run.
 */
public final class LatestPointer {
  private static final Logger log = LoggerFactory.getLogger(LatestPointer.class);

  private LatestPointer() {}

  /**
   * Points {@code outputRoot/pointer} at {@code runId}, unless it names that run or a newer one
   * of its series already. Returns whether it wrote.
   */
  public static boolean update(String outputRoot, String pointer, String runId,
      Configuration conf) {
    Path file = new Path(outputRoot, pointer);
    try {
      FileSystem fs = file.getFileSystem(conf);
      Optional<String> current = read(fs, file);
      if (current.isPresent()) {
        if (current.get().equals(runId)) {
          return false;
        }
        Optional<RunSeries> previous = RunSeries.of(current.get());
        Optional<RunSeries> next = RunSeries.of(runId);
        if (previous.isPresent() && next.isPresent()
            && previous.get().name().equals(next.get().name())
            && previous.get().isNewerThan(next.get())) {
          log.info("{} stays on {}: it is newer than {}", file, current.get(), runId);
          return false;
        }
      }
      Path temp = new Path(file.getParent(), "." + pointer + "." + UUID.randomUUID() + ".tmp");
      fs.setWriteChecksum(false);
      try (FSDataOutputStream out = fs.create(temp, false)) {
        out.write((runId + "\n").getBytes(StandardCharsets.UTF_8));
      }
      try {
        FileContext.getFileContext(fs.getUri(), conf)
            .rename(temp, file, Options.Rename.OVERWRITE);
      } catch (IOException e) {
        fs.delete(temp, false);
        throw e;
      }
      log.info("{} now names {}", fs.makeQualified(file), runId);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot point " + file + " at " + runId, e);
    }
  }

  /** The run id the pointer file holds, or empty when there is no such file. */
  public static Optional<String> read(FileSystem fs, Path file) throws IOException {
    try (var in = fs.open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }
}
