package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LogCapture;
import org.sparkcnn.config.Redaction;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunLock;
import org.sparkcnn.report.SparkConfReport;

/**
 * Scheduled runs through the whole job on Spark local[2]: re-running a run id (run.if-exists),
 * the run directory's lock, the latest pointer and retention, and secrets kept out of the run's
 * files and log.
 */
class BatchRunTest {
  @TempDir Path runs;

  /** A fast job (1,280 / 200 images, one epoch) on the Fashion-MNIST subset under {@code runs}. */
  List<String> args(String runId, String... sets) {
    Path subset = TrainJobTest.SUBSET;
    List<String> args = new ArrayList<>(List.of(
        "--set", "data.train-images=" + subset.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.train-labels=" + subset.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.test-images=" + subset.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.test-labels=" + subset.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=1280", "--set", "data.test-limit=200",
        "--set", "train.epochs=1", "--set", "run.output-root=" + runs,
        "--set", "run.id=" + runId));
    for (String set : sets) {
      args.addAll(List.of("--set", set));
    }
    return args;
  }

  /** A run directory left by a driver that stopped before its first checkpoint. */
  Path interruptedRun(String runId, String... sets) throws Exception {
    Path dir = Files.createDirectories(runs.resolve(runId));
    Files.writeString(dir.resolve(RunLayout.CONFIG),
        TrainJob.parseArgs(args(runId, sets).toArray(String[]::new)).render());
    return dir;
  }

  /** Every file under {@code dir} with its size and modification time. */
  static List<String> snapshot(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.map(p -> dir.relativize(p) + " " + p.toFile().length() + " "
          + p.toFile().lastModified()).sorted().toList();
    }
  }

  static List<String> names(Path dir) throws Exception {
    try (Stream<Path> all = Files.list(dir)) {
      return all.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anExistingRunIdIsRefusedWithRunExistsAndNothingIsWrittenIntoIt() throws Exception {
    Path dir = interruptedRun("nightly-20260105");
    Files.writeString(dir.resolve(RunLayout.FAILED), "killed\n");
    List<String> before = snapshot(dir);
    TrainJobTest.Outcome outcome = TrainJobTest.execute(args("nightly-20260105"));
    assertEquals(ExitCode.RUN_EXISTS, outcome.code(), outcome.err());
    assertEquals(6, ExitCode.RUN_EXISTS.code());
    assertEquals("error: run directory file:" + dir + " exists already (run.if-exists ="
        + " refuse); nothing was written into it. Choose another run.id, or set run.if-exists ="
        + " resume to continue it if it is incomplete\n", outcome.err());
    assertEquals(before, snapshot(dir));
  }

  @Test
  void aFreshLockRefusesAResumeAndAStaleOneIsTakenOverAndReleased() throws Exception {
    Path dir = interruptedRun("locked");
    Path lock = dir.resolve(RunLock.FILE);
    Files.writeString(lock, "host=other-host\npid=4242\nstarted=2026-01-05T02:00:00Z\n"
        + "spark-application-id=app-other\nlock-id=x\n");
    List<String> before = snapshot(dir);

    TrainJobTest.Outcome refused = TrainJobTest.execute(List.of("--resume", dir.toString()));
    assertEquals(ExitCode.LOCKED, refused.code(), refused.err());
    assertEquals(7, ExitCode.LOCKED.code());
    assertTrue(refused.err().startsWith("error: run directory file:" + dir + " is locked by"
        + " another driver (host other-host, pid 4242, Spark application app-other, started"
        + " 2026-01-05T02:00:00Z; lock refreshed "), refused.err());
    assertEquals(before, snapshot(dir), "nothing written");

    // The holder was killed an hour ago: its lock is stale.
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(3600)));
    List<String> heldWhileTraining = new ArrayList<>();
    EpochListener readLock = metrics -> {
      try {
        heldWhileTraining.add(Files.readString(lock));
      } catch (java.io.IOException e) {
        heldWhileTraining.add("no lock: " + e);
      }
    };
    TrainJobTest.Outcome resumed;
    String log;
    try (LogCapture capture = new LogCapture()) {
      resumed = TrainJobTest.execute(List.of("--resume", dir.toString()), readLock);
      log = capture.text();
    }
    assertEquals(ExitCode.OK, resumed.code(), resumed.err());
    assertTrue(log.contains("WARN RunLock: taking over the stale lock file:" + lock + " (host"
        + " other-host, pid 4242"), log);
    assertEquals(1, heldWhileTraining.size());
    assertTrue(heldWhileTraining.get(0).contains("\npid=" + ProcessHandle.current().pid()
        + "\n") && heldWhileTraining.get(0).contains("\nspark-application-id=local-"),
        heldWhileTraining.get(0));
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertFalse(Files.exists(lock), "released at the end");
  }

  @Test
  void ifExistsResumeContinuesAnInterruptedRunAndThenHasNothingToDo() throws Exception {
    List<String> args = args("nightly-20260106", "train.epochs=2", "run.if-exists=resume");
    Path dir = runs.resolve("nightly-20260106");
    assertEquals(ExitCode.FAILURE, TrainJobTest.execute(args, metrics -> {
      if (metrics.epoch() == 1) {
        throw new IllegalStateException("stopped by the test after epoch 1");
      }
    }).code());
    assertTrue(Files.exists(dir.resolve(RunLayout.FAILED)));
    assertFalse(Files.exists(dir.resolve(RunLock.FILE)), "released after a failure too");

    TrainJobTest.Outcome again = TrainJobTest.execute(args);
    assertEquals(ExitCode.OK, again.code(), again.err());
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    assertFalse(Files.exists(dir.resolve(RunLayout.FAILED)));
    assertEquals("1", TrainJobTest.csv(dir.resolve("timing.csv")).get(1).get(18),
        "resumed from the checkpoint of epoch 1");
    assertEquals(3, TrainJobTest.csv(dir.resolve("metrics.csv")).size());

    List<String> complete = snapshot(dir);
    String log;
    TrainJobTest.Outcome idle;
    try (LogCapture capture = new LogCapture()) {
      idle = TrainJobTest.execute(args);
      log = capture.text();
    }
    assertEquals(ExitCode.OK, idle.code(), idle.err());
    assertTrue(log.contains("INFO ExistingRun: run file:" + dir + " is already complete"
        + " (_SUCCESS is there): nothing to do"), log);
    assertEquals(complete, snapshot(dir), "nothing written");

    List<String> other = new ArrayList<>(args);
    other.addAll(List.of("--set", "train.epochs=3"));
    TrainJobTest.Outcome refused = TrainJobTest.execute(other);
    assertEquals(ExitCode.RUN_EXISTS, refused.code(), refused.err());
    assertTrue(refused.err().contains("holds a run of another configuration (train.epochs is 2"
        + " there and 3 now)"), refused.err());
    assertEquals(complete, snapshot(dir), "nothing written");
  }

  @Test
  void aSuccessfulRunMovesTheLatestPointerAndPrunesItsSeries() throws Exception {
    for (String[] run : new String[][] {{"nightly-20260101", RunDirectory.SUCCESS},
        {"nightly-20260102", RunLayout.FAILED}, {"other-20260101", RunDirectory.SUCCESS}}) {
      Files.writeString(interruptedRun(run[0]).resolve(run[1]), "");
    }
    Files.writeString(runs.resolve("nightly.latest"), "nightly-20260101\n");
    List<String> sets = List.of("run.latest-pointer=nightly.latest", "run.keep=1");

    // A failed run moves nothing and deletes nothing.
    List<String> diverging = args("nightly-20260103", "train.updater=sgd",
        "train.learning-rate=1e6");
    sets.forEach(set -> diverging.addAll(List.of("--set", set)));
    assertEquals(ExitCode.DIVERGED, TrainJobTest.execute(diverging).code());
    assertEquals("nightly-20260101\n", Files.readString(runs.resolve("nightly.latest")));
    assertEquals(List.of("nightly-20260101", "nightly-20260102", "nightly-20260103",
        "nightly.latest", "other-20260101"), names(runs));

    TrainJobTest.Outcome ok = TrainJobTest.execute(args("nightly-20260104",
        sets.toArray(String[]::new)));
    assertEquals(ExitCode.OK, ok.code(), ok.err());
    assertEquals("nightly-20260104\n", Files.readString(runs.resolve("nightly.latest")));
    assertEquals(List.of("nightly-20260104", "nightly.latest", "other-20260101"), names(runs),
        "the series kept to its newest run; another series untouched");
  }

  @Test
  void secretsOfTheSparkConfigurationAreInNoFileOfTheRunAndNoLogLine() throws Exception {
    String authSecret = "auth-Secret-7f3a91";
    String s3aSecret = "s3a-Secret-9b2c44";
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ExitCode code;
    String log;
    try (LogCapture capture = new LogCapture()) {
      code = TrainJob.execute(args("secrets").toArray(String[]::new),
          () -> new JavaSparkContext(SparkSetup.configure(new SparkConf(), "spark-cnn test")
              .setMaster("local[2]")
              .set("spark.ui.enabled", "false")
              .set("spark.driver.host", "127.0.0.1")
              .set("spark.driver.bindAddress", "127.0.0.1")
              .set("spark.authenticate.secret", authSecret)
              .set("spark.hadoop.fs.s3a.secret.key", s3aSecret)),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      log = capture.text();
    }
    assertEquals(ExitCode.OK, code, err.toString(StandardCharsets.UTF_8));
    Path dir = runs.resolve("secrets");
    List<Path> files;
    try (Stream<Path> all = Files.walk(dir)) {
      files = all.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() > 10, files.toString());
    for (Path file : files) {
      String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertFalse(content.contains(authSecret) || content.contains(s3aSecret), file.toString());
    }
    String sparkConf = Files.readString(dir.resolve(SparkConfReport.FILE));
    assertTrue(sparkConf.contains("\nspark.authenticate.secret=" + Redaction.REDACTED + "\n"),
        sparkConf);
    assertTrue(sparkConf.contains("\nspark.hadoop.fs.s3a.secret.key=" + Redaction.REDACTED
        + "\n"), sparkConf);
    assertTrue(sparkConf.contains("\nspark.master=local[2]\n"), sparkConf);

    assertTrue(log.contains("INFO TrainJob: configuration:"), log);
    assertTrue(log.contains("INFO TrainJob: run complete: "), log);
    assertFalse(log.contains(authSecret) || log.contains(s3aSecret), log);
    assertFalse(err.toString(StandardCharsets.UTF_8).contains(authSecret));
  }
}
