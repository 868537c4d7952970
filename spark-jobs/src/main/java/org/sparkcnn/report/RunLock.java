package org.sparkcnn.report;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.backend.JvmEnvironment;

/**
 * The lock of a run directory, {@code _LOCK}, held by the driver that trains the run so that no
 * second driver (a run with the same id, a {@code --resume}, a scheduled re-run) writes into it.
 *
 * <p>The file is created only where there is none, in one step where the filesystem can: HDFS
 * creates without overwriting atomically, the local filesystem with {@code O_CREAT | O_EXCL}. S3A
 * cannot: it checks that the object is absent and then writes it, so two drivers starting within
 * that moment could both take the lock there (S3 has no create-if-absent through Hadoop 3.3).
 *
 * <p>It holds its holder's host, pid, start time, Spark application id and a random lock id. A
 * daemon thread refreshes its modification time every {@link #HEARTBEAT} (rewriting the file on
 * object stores, which ignore {@code setTimes}) and checks that the file is still this driver's;
 * {@link #release} deletes it when the run ends, successfully or not. A driver that is killed
 * cannot delete it: a lock not refreshed for {@code run.lock-stale-seconds} is taken for such a
 * leftover and taken over with a warning. Staleness compares the filesystem's modification time
 * with the driver's clock, so the limit must exceed their skew.
 */
public final class RunLock implements AutoCloseable {
  /** Name of the lock file in the run directory. */
  public static final String FILE = RunLayout.LOCK;
  /** Interval of the refreshes of a held lock. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(30);
  /** Attempts to take a lock that disappears or goes stale between two looks at it. */
  private static final int ATTEMPTS = 3;
  private static final Logger log = LoggerFactory.getLogger(RunLock.class);

  private final RunDirectory directory;
  private final FileSystem fs;
  private final Path file;
  private final String content;
  private final Duration stale;
  private final ScheduledExecutorService heartbeat;
  private volatile boolean held = true;

  private RunLock(RunDirectory directory, FileSystem fs, String content, Duration stale) {
    this.directory = directory;
    this.fs = fs;
    this.file = directory.resolve(FILE);
    this.content = content;
    this.stale = stale;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "run-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Takes the lock of {@code directory} for the driver of Spark application {@code
   * applicationId}, starts refreshing it, and then calls {@code then} (the first writes into the
   * directory); releases it when {@code then} fails.
   *
   * @param stale age beyond which another driver's lock is taken over
   * @throws RunLockedException when another driver holds a lock younger than {@code stale}
   */
  public static RunLock acquire(RunDirectory directory, Configuration conf, Duration stale,
      String applicationId, Consumer<RunDirectory> then) {
    RunLock lock;
    try {
      lock = new RunLock(directory, directory.path().getFileSystem(conf),
          content(applicationId), stale);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + directory.path(), e);
    }
    try {
      lock.take();
    } catch (IOException e) {
      lock.heartbeat.shutdownNow();
      throw new UncheckedIOException("cannot lock " + directory.path(), e);
    } catch (RuntimeException e) {
      lock.heartbeat.shutdownNow();
      throw e;
    }
    lock.heartbeat.scheduleWithFixedDelay(lock::refresh, HEARTBEAT.toMillis(),
        HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      then.accept(directory);
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    }
    return lock;
  }

  private void take() throws IOException {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      if (createNew(fs, file, content)) {
        log.info("locked {} ({})", file, describe(content));
        return;
      }
      Optional<FileStatus> status = status(fs, file);
      if (status.isEmpty()) {
        continue; // released meanwhile
      }
      long ageSeconds = ageSeconds(status.get());
      String content = readOrEmpty(fs, file);
      String holder = describe(content);
      boolean deadHere = holderDeadOnThisHost(content);
      if (ageSeconds <= stale.toSeconds() && !deadHere) {
        throw locked(directory.path(), holder + "; lock refreshed " + ageSeconds + " s ago",
            stale);
      }
      if (deadHere) {
        log.warn("taking over the lock {} ({}): its driver ran on this host and its process is"
            + " gone", file, holder);
      } else {
        log.warn("taking over the stale lock {} ({}; last refreshed {} s ago, more than"
            + " run.lock-stale-seconds = {}): its driver stopped without releasing it", file,
            holder, ageSeconds, stale.toSeconds());
      }
      fs.delete(file, false);
    }
    throw new RunLockedException("cannot take the lock " + file + ": other drivers keep"
        + " taking it");
  }

  static RunLockedException locked(Path runDirectory, String holder, Duration stale) {
    return new RunLockedException("run directory " + runDirectory + " is locked by another"
        + " driver (" + holder + "): it is training this run, or stopped less than"
        + " run.lock-stale-seconds (" + stale.toSeconds() + ") ago. A killed driver's " + FILE
        + " is taken over once it is that old, or at once from its own host.");
  }

  /** The directory this lock is on. */
  public RunDirectory directory() {
    return directory;
  }

  /** Whether this driver still holds the lock: false once released or taken over by another. */
  public boolean held() {
    return held;
  }

  /**
   * One heartbeat: checks the file is still this lock's and renews its modification time.
   * Returns false when the lock is lost (deleted, or another driver's now); IO errors are logged
   * and retried at the next heartbeat.
   */
  boolean refresh() {
    if (!held) {
      return false;
    }
    try {
      String found = read(fs, file);
      if (!found.equals(content)) {
        lose("another driver holds it now (" + describe(found) + ")");
        return false;
      }
      long now = System.currentTimeMillis();
      fs.setTimes(file, now, -1);
      if (fs.getFileStatus(file).getModificationTime() < now - 1000) {
        // An object store ignores setTimes; a new version of the object has a new time.
        try (FSDataOutputStream out = fs.create(file, true)) {
          out.write(content.getBytes(StandardCharsets.UTF_8));
        }
      }
      return true;
    } catch (FileNotFoundException e) {
      lose("it was deleted");
      return false;
    } catch (IOException | RuntimeException e) {
      log.warn("cannot refresh the lock {} ({}); retrying in {} s", file, e.toString(),
          HEARTBEAT.toSeconds());
      return true;
    }
  }

  private void lose(String why) {
    held = false;
    heartbeat.shutdown();
    log.error("this driver no longer holds the lock {}: {}. Two drivers may be writing into {}",
        file, why, directory.path());
  }

  /** Stops the heartbeat and deletes the lock file if it is still this lock's. */
  public void release() {
    heartbeat.shutdownNow();
    if (!held) {
      return;
    }
    held = false;
    try {
      if (content.equals(read(fs, file))) {
        fs.delete(file, false);
      } else {
        log.warn("not deleting {}: another driver holds it now", file);
      }
    } catch (FileNotFoundException e) {
      log.warn("the lock {} was deleted while this driver held it", file);
    } catch (IOException e) {
      log.warn("cannot delete the lock {} ({}); another driver takes it over once it is {} s"
          + " old (run.lock-stale-seconds)", file, e.toString(), stale.toSeconds());
    }
  }

  @Override
  public void close() {
    release();
  }

  /**
   * Who holds a lock on {@code runDirectory} younger than {@code stale}, or empty when there is
   * none (no lock, or a stale one).
   */
  public static Optional<String> freshHolder(FileSystem fs, Path runDirectory, Duration stale)
      throws IOException {
    Path file = new Path(runDirectory, FILE);
    Optional<FileStatus> status = status(fs, file);
    if (status.isEmpty() || ageSeconds(status.get()) > stale.toSeconds()) {
      return Optional.empty();
    }
    String content = readOrEmpty(fs, file);
    if (holderDeadOnThisHost(content)) {
      return Optional.empty();
    }
    return Optional.of(describe(content) + "; lock refreshed " + ageSeconds(status.get())
        + " s ago");
  }

  /**
   * Throws {@link RunLockedException} when another driver holds a fresh lock on {@code
   * runDirectory}.
   */
  public static void requireUnlocked(FileSystem fs, Path runDirectory, Duration stale)
      throws IOException {
    Optional<String> holder = freshHolder(fs, runDirectory, stale);
    if (holder.isPresent()) {
      throw locked(runDirectory, holder.get(), stale);
    }
  }

  /**
   * Creates {@code file} holding {@code content} unless it exists; false when it does. Atomic on
   * HDFS and local disks, not on object stores (see the class comment).
   */
  static boolean createNew(FileSystem fs, Path file, String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    java.io.File local = fs instanceof LocalFileSystem checksummed ? checksummed.pathToFile(file)
        : fs instanceof RawLocalFileSystem raw ? raw.pathToFile(file) : null;
    if (local != null) {
      // Hadoop's local create checks for the file and then opens it: two steps.
      try {
        Files.write(local.toPath(), bytes, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) { // some filesystems report an existing file as a plain IOException
        return false;
      }
      throw e;
    }
  }

  /**
   * Whether a lock's holder (by its content) ran on this host in a process that no longer runs:
   * a driver killed here, whose lock need not wait to go stale.
   */
  static boolean holderDeadOnThisHost(String content) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(content));
      long pid = Long.parseLong(p.getProperty("pid", ""));
      return p.getProperty("host", "").equals(JvmEnvironment.hostName())
          && pid != ProcessHandle.current().pid()
          && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  static String content(String applicationId) {
    return "host=" + JvmEnvironment.hostName() + "\n"
        + "pid=" + ProcessHandle.current().pid() + "\n"
        + "started=" + Instant.now() + "\n"
        + "spark-application-id=" + applicationId + "\n"
        + "lock-id=" + UUID.randomUUID() + "\n";
  }

  /** The holder a lock file's content names, for messages. */
  static String describe(String content) {
    Properties p = new Properties();
    try {
      p.load(new StringReader(content));
    } catch (IOException | IllegalArgumentException e) {
      return "holder unreadable";
    }
    if (p.isEmpty()) {
      return "holder unknown: the lock is empty";
    }
    return "host " + p.getProperty("host", "?") + ", pid " + p.getProperty("pid", "?")
        + ", Spark application " + p.getProperty("spark-application-id", "?") + ", started "
        + p.getProperty("started", "?");
  }

  private static long ageSeconds(FileStatus status) {
    return (System.currentTimeMillis() - status.getModificationTime()) / 1000;
  }

  private static Optional<FileStatus> status(FileSystem fs, Path file) throws IOException {
    try {
      return Optional.of(fs.getFileStatus(file));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  private static String read(FileSystem fs, Path file) throws IOException {
    try (var in = fs.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String readOrEmpty(FileSystem fs, Path file) throws IOException {
    try {
      return read(fs, file);
    } catch (FileNotFoundException e) {
      return "";
    }
  }
}
