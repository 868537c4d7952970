package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatestPointerTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path root;

  boolean point(String runId) {
    return LatestPointer.update(root.toString(), "nightly.latest", runId, CONF);
  }

  String pointer() throws Exception {
    return Files.readString(root.resolve("nightly.latest"));
  }

  @Test
  void namesTheRunAndLeavesNoTemporaryOrChecksumFile() throws Exception {
    assertTrue(point("nightly-20260103"));
    assertEquals("nightly-20260103\n", pointer());
    assertTrue(point("nightly-20260104"));
    assertEquals("nightly-20260104\n", pointer());
    assertFalse(point("nightly-20260104"), "names it already");
    try (Stream<Path> files = Files.list(root)) {
      assertEquals(List.of("nightly.latest"),
          files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void neverMovesBackToAnOlderRunOfTheSeries() throws Exception {
    point("nightly-20260105");
    assertFalse(point("nightly-20260104"), "a re-run of a past date");
    assertEquals("nightly-20260105\n", pointer());
    assertTrue(point("nightly-20260105-0600"), "later the same day");
    assertTrue(point("manual-run"), "not of the series: the latest success");
    assertEquals("manual-run\n", pointer());
  }
}
