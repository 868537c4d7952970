package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.report.RunDirectory;

/** Where DL4J's export goes for run directories of every name, and the default run ids. */
class ExportDirectoryTest {
  @TempDir Path tmp;

  static org.apache.hadoop.fs.Path hadoop(String path) {
    return new org.apache.hadoop.fs.Path(path);
  }

  @Test
  void safePathsKeepTheExportInsideTheRunDirectory() {
    assertEquals(hadoop("file:/work/runs/lenet5-fashion-mnist-20260105-023000/_export"),
        ExportDirectory.of(hadoop("file:/work/runs/lenet5-fashion-mnist-20260105-023000")));
    assertEquals(hadoop("hdfs://nn:8020/runs/a_b.c~d+e=f@g/_export"),
        ExportDirectory.of(hadoop("hdfs://nn:8020/runs/a_b.c~d+e=f@g")));
  }

  @Test
  void everyOtherCharacterMovesItBesideTheNearestSafeAncestor() {
    for (String name : new String[] {"out dir", "a#1", "50%", "[x]", "x:1", "f(1)", "a,b", "café",
        "日本", "{a}*?"}) {
      org.apache.hadoop.fs.Path run = hadoop("file:/work/runs/" + name + "/run-1");
      org.apache.hadoop.fs.Path export = ExportDirectory.of(run);
      assertFalse(ExportDirectory.isSafe(run), name);
      assertEquals(hadoop("file:/work/runs"), export.getParent(), name);
      assertTrue(export.getName().matches("_spark-cnn-export-[0-9a-f]{16}"), export.toString());
      assertTrue(ExportDirectory.isSafe(export), export.toString());
      assertEquals(export, ExportDirectory.of(hadoop("file:/work/runs/" + name + "/run-1")),
          "the same place on every call, so a resumed run deletes it");
    }
    assertNotEquals(ExportDirectory.of(hadoop("file:/r/a b/1")),
        ExportDirectory.of(hadoop("file:/r/a b/2")));
    assertEquals(hadoop("hdfs://nn:8020/"),
        ExportDirectory.of(hadoop("hdfs://nn:8020/out dir/run")).getParent());
  }

  @Test
  void createsAndDeletesItBesideARunDirectoryWithASpace() {
    RunDirectory dir = RunDirectory.create(tmp.resolve("out dir #1 [x]").toString(), "run (1)",
        new Configuration());
    org.apache.hadoop.fs.Path export = ExportDirectory.create(dir);
    Path local = Path.of(export.toUri());
    assertEquals(tmp, local.getParent());
    assertTrue(Files.isDirectory(local));
    ExportDirectory.delete(dir);
    assertFalse(Files.exists(local));
    assertTrue(Files.isDirectory(tmp.resolve("out dir #1 [x]/run (1)")));
  }

  @Test
  void aPlaceItCannotBeCreatedIsAConfigurationErrorNamingTheCharacter() throws Exception {
    RunDirectory dir = RunDirectory.create(tmp.resolve("out dir").toString(), "run",
        new Configuration());
    Path blocked = Path.of(ExportDirectory.of(dir.path()).toUri());
    Files.writeString(blocked, "a file where the export directory would go");
    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> ExportDirectory.create(dir));
    assertTrue(e.getMessage().startsWith("cannot create file:" + blocked + ", where the"
        + " minibatches of run directory file:" + tmp.resolve("out dir/run") + " are exported"
        + " because its path holds ' ' (DL4J's export carries only ASCII letters, digits and"
        + " . _ - ~ + = @ /); choose a run.output-root whose path holds only those: "),
        e.getMessage());
  }

  @Test
  void defaultRunIdsAreBuiltFromSafeCharacters() {
    ZonedDateTime at = ZonedDateTime.of(2026, 1, 5, 2, 30, 0, 0, ZoneOffset.UTC);
    Path shipped = SubmitScriptsTest.HOME.resolve("conf/cifar100-mobilenet-rhs.conf");
    assertEquals("mobilenet-v1-cifar-alpha-1.0-unit-rhs-cifar100-20260105-023000",
        RunLifecycle.runId(TrainJob.parseArgs(new String[] {"--conf", shipped.toString()}), at));
    assertEquals("lenet5-fashion-mnist-20260105-023000",
        RunLifecycle.runId(TrainJob.parseArgs(new String[0]), at));
    assertEquals("given (1)", RunLifecycle.runId(
        TrainJob.parseArgs(new String[] {"--set", "run.id=given (1)"}), at));
  }
}
