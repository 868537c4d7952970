package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  static final Configuration CONF = new Configuration();
  static final Duration STALE = Duration.ofSeconds(600);
  @TempDir Path root;

  Path run(String id, String... files) throws Exception {
    Path dir = Files.createDirectories(root.resolve(id));
    Files.writeString(dir.resolve("config.conf"), "");
    for (String f : files) {
      Files.writeString(dir.resolve(f), "");
    }
    return dir;
  }

  List<String> left() throws Exception {
    try (Stream<Path> files = Files.list(root)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void prunesOnlyFinishedUnlockedRunsOfTheSeriesBeyondTheNewest() throws Exception {
    run("nightly-20251230", "_SUCCESS", RunLock.FILE); // stale lock: a dead driver's
    Files.setLastModifiedTime(root.resolve("nightly-20251230").resolve(RunLock.FILE),
        FileTime.from(Instant.now().minusSeconds(3600)));
    run("nightly-20251231", "_FAILED");
    run("nightly-20260101", "_SUCCESS"); // the pointer names it
    run("nightly-20260102", "_FAILED", RunLock.FILE); // being resumed
    run("nightly-20260103"); // incomplete: a killed driver, may be resumed
    run("nightly-20260104", "_SUCCESS");
    run("nightly-20260105", "_SUCCESS"); // the run pruning
    run("nightly-cifar-20260101", "_SUCCESS"); // another series
    run("manual", "_SUCCESS");
    Files.writeString(root.resolve("nightly.latest"), "nightly-20260101\n");

    List<String> deleted = Retention.prune(root.toString(), "nightly-20260105", 2,
        "nightly.latest", STALE, CONF);

    assertEquals(List.of("nightly-20251231", "nightly-20251230"), deleted);
    assertEquals(List.of("manual", "nightly-20260101", "nightly-20260102", "nightly-20260103",
        "nightly-20260104", "nightly-20260105", "nightly-cifar-20260101", "nightly.latest"),
        left());
  }

  @Test
  void aBackfilledRunIsNeverPrunedByItselfAndTimesOrderAfterTheirDate() throws Exception {
    run("n-20260101", "_SUCCESS");
    run("n-20260102-0600", "_SUCCESS");
    run("n-20260102", "_SUCCESS");
    run("n-20260103", "_SUCCESS");
    // A re-run of an old date that keeps 1: the newest is 20260103, the run itself stays too.
    List<String> deleted = Retention.prune(root.toString(), "n-20260101", 1, "", STALE, CONF);
    assertEquals(List.of("n-20260102-0600", "n-20260102"), deleted);
    assertEquals(List.of("n-20260101", "n-20260103"), left());
  }
}
