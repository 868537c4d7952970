package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
  static final Configuration CONF = new Configuration();
  @TempDir Path root;

  @Test
  void writesReplacesAndLeavesNoTemporaryOrChecksumFiles() throws Exception {
    RunDirectory dir = RunDirectory.create(root.toString(), "run-1", CONF);
    dir.write("metrics.csv", "epoch\n1\n");
    dir.write("metrics.csv", "epoch\n1\n2\n");
    dir.markSuccess();
    Path run = root.resolve("run-1");
    assertEquals("epoch\n1\n2\n", Files.readString(run.resolve("metrics.csv")));
    try (Stream<Path> files = Files.list(run)) {
      assertEquals(List.of("_SUCCESS", "metrics.csv"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void neverReusesAnExistingDirectory() throws Exception {
    Files.createDirectories(root.resolve("taken"));
    var e = assertThrows(IllegalStateException.class,
        () -> RunDirectory.create(root.toString(), "taken", CONF));
    assertTrue(e.getMessage().endsWith("taken already exists; choose another run.id or remove"
        + " it"), e.getMessage());
  }

  @Test
  void aFailedWriteKeepsThePreviousVersion() throws Exception {
    RunDirectory dir = RunDirectory.create(root.toString(), "run", CONF);
    dir.write("accuracy.csv", "old\n");
    assertThrows(UncheckedIOException.class, () -> dir.write("accuracy.csv", out -> {
      out.write("half".getBytes());
      throw new IOException("disk full");
    }));
    assertEquals("old\n", Files.readString(root.resolve("run/accuracy.csv")));
    assertFalse(dir.exists(RunDirectory.SUCCESS));
  }
}
