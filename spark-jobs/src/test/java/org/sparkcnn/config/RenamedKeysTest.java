package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LogCapture;

/**
 * The IDX keys under {@code data.idx}, and their former names directly under {@code data}: still
 * read, as the new keys, with a deprecation warning.
 */
class RenamedKeysTest {
  static final Configuration HADOOP = new Configuration();
  @TempDir Path dir;

  @Test
  void idxKeysAreReadFromTheirSection() {
    JobConfig c = JobConfig.from(new ConfigLoader()
        .set("data.idx.train-images=hdfs://nn:8020/train-images.gz")
        .set("data.idx.test-labels=/data/t10k-labels.gz").resolve());
    assertEquals("hdfs://nn:8020/train-images.gz", c.data().idx().trainImages());
    assertEquals("/data/t10k-labels.gz", c.data().testLabels());
    assertTrue(c.data().idx().trainLabels().endsWith("train-labels-idx1-ubyte.gz"));
  }

  @Test
  void formerKeysInASetGiveTheSameConfigurationWithAWarning() {
    JobConfig now = JobConfig.from(new ConfigLoader()
        .set("data.idx.train-images=/d/train-images.gz")
        .set("data.idx.test-labels=/d/test-labels.gz").resolve());
    JobConfig before;
    String log;
    try (LogCapture capture = new LogCapture()) {
      before = JobConfig.from(new ConfigLoader()
          .set("data.train-images=/d/train-images.gz")
          .set("data.test-labels=/d/test-labels.gz").resolve());
      log = capture.text();
    }
    assertEquals(now.data(), before.data());
    assertEquals(now.resolved(), before.resolved());
    assertFalse(before.resolved().hasPath("data.train-images"), "moved, not copied");
    assertTrue(log.contains("WARN RenamedKeys: data.train-images is deprecated: use"
        + " data.idx.train-images (set in --set data.train-images)"), log);
    assertTrue(log.contains("data.test-labels is deprecated: use data.idx.test-labels"), log);
    assertFalse(log.contains("data.train-labels is deprecated"), log);
  }

  @Test
  void formerKeysInAJobFileGiveTheSameConfiguration() throws Exception {
    Path job = Files.writeString(dir.resolve("old.conf"), "data {\n  name = mnist\n"
        + "  train-images = \"/d/a.gz\"\n  train-labels = \"/d/b.gz\"\n"
        + "  test-images = \"/d/c.gz\"\n  test-labels = \"/d/d.gz\"\n}\n");
    String log;
    JobConfig before;
    try (LogCapture capture = new LogCapture()) {
      before = JobConfig.from(new ConfigLoader().file(job.toString(), HADOOP).resolve());
      log = capture.text();
    }
    assertEquals(new IdxConfig("/d/a.gz", "/d/b.gz", "/d/c.gz", "/d/d.gz"), before.data().idx());
    assertEquals("mnist", before.data().name());
    assertTrue(log.contains("data.train-images is deprecated: use data.idx.train-images (set in "
        + job + ": 3)"), log);
  }

  @Test
  void bothNamesMayBeSetOnlyToOneValue() {
    JobConfig same = JobConfig.from(new ConfigLoader().set("data.train-images=/d/a.gz")
        .set("data.idx.train-images=/d/a.gz").resolve());
    assertEquals("/d/a.gz", same.data().trainImages());
    var e = assertThrows(InvalidConfigException.class, () -> new ConfigLoader()
        .set("data.idx.train-images=/d/a.gz").set("data.train-images=/d/b.gz").resolve());
    assertEquals("data.train-images is deprecated (use data.idx.train-images) and both are set,"
        + " to different values: data.train-images = \"/d/b.gz\" (--set data.train-images),"
        + " data.idx.train-images = \"/d/a.gz\" (--set data.idx.train-images). Set only"
        + " data.idx.train-images", e.getMessage());
  }

  @Test
  void aMisspeltIdxKeyIsNamedWithTheNewSpelling() {
    var old = assertThrows(InvalidConfigException.class,
        () -> new ConfigLoader().set("data.train-image=x"));
    assertEquals("unknown configuration key 'data.train-image' (--set data.train-image=x); did"
        + " you mean 'data.idx.train-images'?", old.getMessage());
    var now = assertThrows(InvalidConfigException.class,
        () -> new ConfigLoader().set("data.idx.test-label=x"));
    assertEquals("unknown configuration key 'data.idx.test-label' (--set data.idx.test-label=x);"
        + " did you mean 'data.idx.test-labels'?", now.getMessage());
  }

  @Test
  void everyFormerKeyNamesAKeyOfTheReference() {
    RenamedKeys.NEW_NAMES.forEach((old, now) -> {
      assertTrue(ConfigLoader.reference().hasPath(now), now);
      assertFalse(ConfigLoader.reference().hasPath(old), old);
    });
  }
}
