package org.sparkcnn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
  static final Configuration CONF = new Configuration();
  static final Duration STALE = Duration.ofSeconds(600);
  @TempDir Path root;

  RunDirectory dir() {
    return RunDirectory.create(root.toString(), "run", CONF);
  }

  Path lockFile() {
    return root.resolve("run").resolve(RunLock.FILE);
  }

  static RunLock acquire(RunDirectory dir, String app) {
    return RunLock.acquire(dir, CONF, STALE, app, d -> { });
  }

  @Test
  void holdsHostPidStartAndApplicationUntilReleased() throws Exception {
    RunDirectory dir = dir();
    RunLock lock = RunLock.acquire(dir, CONF, STALE, "app-1",
        d -> d.write("config.conf", "x = 1\n"));
    String content = Files.readString(lockFile());
    assertTrue(content.startsWith("host="), content);
    assertTrue(content.contains("\npid=" + ProcessHandle.current().pid() + "\n"), content);
    assertTrue(content.contains("\nstarted=20"), content);
    assertTrue(content.contains("\nspark-application-id=app-1\n"), content);
    assertTrue(Files.exists(root.resolve("run/config.conf")));
    assertTrue(lock.held());
    lock.release();
    assertFalse(Files.exists(lockFile()));
    assertFalse(lock.held());
    lock.release(); // twice is harmless
  }

  @Test
  void aFreshLockIsRefusedNamingItsHolderAndNothingRunsUnderIt() throws Exception {
    RunDirectory dir = dir();
    RunLock first = acquire(dir, "app-first");
    List<String> ran = new ArrayList<>();
    var e = assertThrows(RunLockedException.class, () -> RunLock.acquire(dir, CONF, STALE,
        "app-second", d -> ran.add("then")));
    assertTrue(e.getMessage().startsWith("run directory " + dir.path() + " is locked by another"
        + " driver (host "), e.getMessage());
    assertTrue(e.getMessage().contains(", Spark application app-first, started "),
        e.getMessage());
    assertTrue(e.getMessage().contains("run.lock-stale-seconds (600)"), e.getMessage());
    assertEquals(List.of(), ran);
    assertTrue(Files.readString(lockFile()).contains("app-first"), "the holder's lock stays");
    first.release();
  }

  @Test
  void aStaleLockIsTakenOver() throws Exception {
    RunDirectory dir = dir();
    Files.writeString(lockFile(), "host=gone\npid=1\nspark-application-id=app-dead\n");
    Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minusSeconds(601)));
    RunLock lock = acquire(dir, "app-new");
    assertTrue(Files.readString(lockFile()).contains("spark-application-id=app-new"));
    lock.release();
    assertFalse(Files.exists(lockFile()));
  }

  @Test
  void aFreshLockOfAProcessGoneFromThisHostIsTakenOverAtOnce() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor();
    String host = java.net.InetAddress.getLocalHost().getHostName();
    String dead = "host=" + host + "\npid=" + done.pid() + "\nspark-application-id=app-killed\n";
    assertTrue(RunLock.holderDeadOnThisHost(dead));
    assertFalse(RunLock.holderDeadOnThisHost("host=" + host + "\npid="
        + ProcessHandle.current().pid() + "\n"), "this process runs");
    assertFalse(RunLock.holderDeadOnThisHost("host=elsewhere\npid=" + done.pid() + "\n"),
        "another host's process cannot be seen from here");
    assertFalse(RunLock.holderDeadOnThisHost("garbage"));

    RunDirectory dir = dir();
    Files.writeString(lockFile(), dead); // fresh: written just now
    RunLock lock = acquire(dir, "app-resumed");
    assertTrue(Files.readString(lockFile()).contains("spark-application-id=app-resumed"));
    lock.release();
  }

  @Test
  void aFailureUnderTheLockReleasesIt() {
    RunDirectory dir = dir();
    var e = assertThrows(IllegalStateException.class, () -> RunLock.acquire(dir, CONF, STALE,
        "app", d -> {
          throw new IllegalStateException("complete already");
        }));
    assertEquals("complete already", e.getMessage());
    assertFalse(Files.exists(lockFile()));
  }

  @Test
  void theHeartbeatRenewsTheModificationTime() throws Exception {
    RunLock lock = acquire(dir(), "app");
    Instant old = Instant.now().minusSeconds(3600);
    Files.setLastModifiedTime(lockFile(), FileTime.from(old));
    assertTrue(lock.refresh());
    long age = Duration.between(Files.getLastModifiedTime(lockFile()).toInstant(),
        Instant.now()).toSeconds();
    assertTrue(age < 60, "refreshed " + age + " s ago");
    lock.release();
  }

  @Test
  void aLockTakenOverByAnotherDriverIsLostAndLeftToIt() throws Exception {
    RunLock lock = acquire(dir(), "app-slow");
    Files.writeString(lockFile(), "host=h2\npid=2\nspark-application-id=app-other\n");
    assertFalse(lock.refresh());
    assertFalse(lock.held());
    lock.release();
    assertTrue(Files.readString(lockFile()).contains("app-other"), "the other driver's lock");

    Files.delete(lockFile());
    RunLock deleted = acquire(RunDirectory.open(root.resolve("run").toString(), CONF), "app-3");
    Files.delete(lockFile());
    assertFalse(deleted.refresh(), "a deleted lock is lost");
  }

  @Test
  void ofDriversStartingTogetherExactlyOneGetsTheLock() throws Exception {
    RunDirectory dir = dir();
    int drivers = 8;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(drivers);
    try {
      List<Future<RunLock>> attempts = new ArrayList<>();
      for (int i = 0; i < drivers; i++) {
        String app = "app-" + i;
        Callable<RunLock> attempt = () -> {
          start.await();
          try {
            return acquire(dir, app);
          } catch (RunLockedException e) {
            return null;
          }
        };
        attempts.add(pool.submit(attempt));
      }
      start.countDown();
      List<RunLock> won = new ArrayList<>();
      for (Future<RunLock> f : attempts) {
        if (f.get() != null) {
          won.add(f.get());
        }
      }
      assertEquals(1, won.size());
      won.get(0).release();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void freshHolderSeesOnlyFreshLocks() throws Exception {
    RunDirectory dir = dir();
    var fs = dir.path().getFileSystem(CONF);
    assertTrue(RunLock.freshHolder(fs, dir.path(), STALE).isEmpty());
    RunLock lock = acquire(dir, "app-x");
    assertTrue(RunLock.freshHolder(fs, dir.path(), STALE).orElseThrow()
        .contains("Spark application app-x"));
    assertThrows(RunLockedException.class, () -> RunLock.requireUnlocked(fs, dir.path(), STALE));
    Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minusSeconds(700)));
    assertTrue(RunLock.freshHolder(fs, dir.path(), STALE).isEmpty());
    RunLock.requireUnlocked(fs, dir.path(), STALE);
    lock.release();
  }
}
