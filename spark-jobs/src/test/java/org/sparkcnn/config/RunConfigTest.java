package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The run section's keys of scheduled runs, and the series their ids name. */
class RunConfigTest {
  static JobConfig.RunConfig run(String id, String ifExists, long staleSeconds, String pointer,
      int keep) {
    return new JobConfig.RunConfig("runs", id, 42, 1, ifExists, staleSeconds, pointer, keep);
  }

  static String error(Runnable r) {
    return assertThrows(InvalidConfigException.class, r::run).getMessage();
  }

  @Test
  void defaultsRefuseAnExistingRunAndKeepEverything() {
    JobConfig.RunConfig run = JobConfig.from(new ConfigLoader().resolve()).run();
    assertEquals("refuse", run.ifExists().configValue());
    assertEquals(600, run.lockStaleSeconds());
    assertEquals("", run.latestPointer());
    assertEquals(0, run.keep());
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    assertEquals("run.if-exists must be one of [refuse, resume], got 'overwrite'",
        error(() -> run("a", "overwrite", 600, "", 0)));
    assertTrue(error(() -> run("a", "refuse", 30, "", 0))
        .startsWith("run.lock-stale-seconds must be >= 90"));
    assertTrue(error(() -> run("a", "refuse", 600, "../x", 0))
        .startsWith("run.latest-pointer must be empty or a file name"));
    assertTrue(error(() -> run("a", "refuse", 600, ".latest", 0))
        .startsWith("run.latest-pointer must be empty or a file name"));
    assertTrue(error(() -> run("a", "refuse", 600, "a", 0))
        .startsWith("run.latest-pointer must differ from run.id"));
    assertTrue(error(() -> run("a", "refuse", 600, "", -1)).startsWith("run.keep must be >= 0"));
    assertTrue(error(() -> run("nightly", "refuse", 600, "", 3)).startsWith(
        "run.keep needs run.id of a series, <name>-<yyyyMMdd>[-HHmm[ss]]"));
    assertEquals(3, run("nightly-20260105", "resume", 600, "nightly.latest", 3).keep());
  }

  @Test
  void aSeriesIsTheNameBeforeADateAndOptionalTime() {
    assertEquals(Optional.of(new RunSeries("nightly", "20260105")),
        RunSeries.of("nightly-20260105"));
    assertEquals(Optional.of(new RunSeries("cifar-nightly", "20260105-0230")),
        RunSeries.of("cifar-nightly-20260105-0230"));
    assertEquals(Optional.of(new RunSeries("lenet5-fashion-mnist", "20260105-023000")),
        RunSeries.of("lenet5-fashion-mnist-20260105-023000"));
    for (String id : new String[] {"nightly", "nightly-2026015", "nightly-20260105-2", "-x",
        "20260105"}) {
      assertEquals(Optional.empty(), RunSeries.of(id), id);
    }
  }

  @Test
  void runsOfASeriesCompareByTheirStamps() {
    RunSeries nightly = RunSeries.of("nightly-20260105").orElseThrow();
    assertTrue(nightly.contains("nightly-20260101"));
    assertTrue(nightly.contains("nightly-20260101-1200"));
    assertFalse(nightly.contains("nightly-cifar-20260101"), "another series");
    assertFalse(nightly.contains("nightly"));
    assertTrue(nightly.isNewerThan(RunSeries.of("nightly-20260104-2359").orElseThrow()));
    assertFalse(nightly.isNewerThan(RunSeries.of("nightly-20260105-0000").orElseThrow()));
    assertTrue(RunSeries.of("n-20260105-1230").orElseThrow()
        .isNewerThan(RunSeries.of("n-20260105-120000").orElseThrow()));
  }
}
