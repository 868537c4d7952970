package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.RunExistsException;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunLock;
import org.sparkcnn.report.RunLockedException;

/** run.if-exists on the files alone, without Spark. */
class ExistingRunTest {
  static final Configuration CONF = new Configuration();
  static final String ID = "nightly-20260105";
  @TempDir Path root;

  RunRequest invocation(String... sets) {
    List<String> args = new ArrayList<>(List.of("--set", "run.output-root=" + root,
        "--set", "run.id=" + ID));
    for (String set : sets) {
      args.addAll(List.of("--set", set));
    }
    return TrainJob.parse(args.toArray(String[]::new));
  }

  /** A run directory as a run with {@code sets} leaves it, plus {@code files}. */
  Path existing(RunRequest run, String... files) throws Exception {
    Path dir = Files.createDirectories(root.resolve(ID));
    Files.writeString(dir.resolve(RunLayout.CONFIG), run.config().render());
    for (String f : files) {
      Files.writeString(dir.resolve(f), "");
    }
    return dir;
  }

  List<String> files(Path dir) throws Exception {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.map(p -> dir.relativize(p) + "@" + p.toFile().lastModified()).sorted()
          .toList();
    }
  }

  @Test
  void aNewRunIdOrAnExplicitResumeIsLeftAsItIs() {
    RunRequest fresh = invocation("run.if-exists=resume");
    assertSame(fresh, ExistingRun.resolve(fresh, CONF));
    RunRequest resume = new RunRequest(fresh.config(), "/somewhere");
    assertSame(resume, ExistingRun.resolve(resume, CONF));
  }

  @Test
  void refuseNamesTheDirectoryAndWritesNothing() throws Exception {
    Path dir = existing(invocation(), "_FAILED");
    List<String> before = files(dir);
    var e = assertThrows(RunExistsException.class,
        () -> ExistingRun.resolve(invocation(), CONF));
    assertEquals("run directory file:" + dir + " exists already (run.if-exists = refuse);"
        + " nothing was written into it. Choose another run.id, or set run.if-exists = resume"
        + " to continue it if it is incomplete", e.getMessage());
    assertEquals(before, files(dir));
  }

  @Test
  void resumeContinuesAnIncompleteRunOfTheSameConfiguration() throws Exception {
    Path dir = existing(invocation("run.if-exists=refuse", "cluster.placement=gpu"), "_FAILED");
    RunRequest now = invocation("run.if-exists=resume", "cluster.placement=cpu");
    RunRequest resolved = ExistingRun.resolve(now, CONF);
    assertEquals("file:" + dir, resolved.resumeDir());
    assertSame(now.config(), resolved.config());
  }

  @Test
  void resumeRefusesAnotherConfigurationNamingTheFirstDifferentKey() throws Exception {
    Path dir = existing(invocation("train.epochs=2", "train.learning-rate=0.1"));
    List<String> before = files(dir);
    var e = assertThrows(RunExistsException.class, () -> ExistingRun.resolve(
        invocation("run.if-exists=resume", "train.epochs=3", "train.learning-rate=0.1"), CONF));
    assertTrue(e.getMessage().startsWith("run directory file:" + dir + " holds a run of another"
        + " configuration (train.epochs is 2 there and 3 now); run.if-exists = resume continues"
        + " only the same configuration"), e.getMessage());
    assertEquals(before, files(dir));
  }

  @Test
  void aRunSavedBeforeTheTrainingMasterKeyIsRefusedWithTheSettingThatContinuesIt()
      throws Exception {
    Path dir = existing(invocation(), "_FAILED");
    String saved = Files.readString(dir.resolve(RunLayout.CONFIG));
    Files.writeString(dir.resolve(RunLayout.CONFIG),
        saved.replaceAll("(?m)^\\s*master\\s*=.*$", ""));
    assertFalse(Files.readString(dir.resolve(RunLayout.CONFIG)).contains("master"));
    var e = assertThrows(RunExistsException.class,
        () -> ExistingRun.resolve(invocation("run.if-exists=resume"), CONF));
    assertTrue(e.getMessage().contains("(train.master is \"dl4j\" there and \"resident\" now)"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("The run was saved before train.master existed and"
        + " trained with \"dl4j\": set train.master = \"dl4j\" to continue it, or choose"
        + " another run.id"), e.getMessage());
    RunRequest continued = ExistingRun.resolve(
        invocation("run.if-exists=resume", "train.master=dl4j"), CONF);
    assertEquals("file:" + dir, continued.resumeDir());
  }

  @Test
  void resumeRefusesADirectoryThatIsNotARun() throws Exception {
    Files.createDirectories(root.resolve(ID));
    var e = assertThrows(RunExistsException.class,
        () -> ExistingRun.resolve(invocation("run.if-exists=resume"), CONF));
    assertTrue(e.getMessage().endsWith(" exists but holds no config.conf: it is not a run to"
        + " resume. Remove it or choose another run.id"), e.getMessage());
  }

  @Test
  void resumeRefusesARunAnotherDriverHolds() throws Exception {
    Path dir = existing(invocation(), RunLock.FILE);
    Files.writeString(dir.resolve(RunLock.FILE), "host=h\npid=9\nspark-application-id=a-9\n");
    var e = assertThrows(RunLockedException.class,
        () -> ExistingRun.resolve(invocation("run.if-exists=resume"), CONF));
    assertTrue(e.getMessage().contains("(host h, pid 9, Spark application a-9, started ?;"),
        e.getMessage());
  }

  @Test
  void aCompleteRunIsNothingToDoAndOnlyTheLaggingPointerIsWritten() throws Exception {
    Path dir = existing(invocation(), "_SUCCESS", "model.zip");
    List<String> before = files(dir);
    assertNull(ExistingRun.resolve(invocation("run.if-exists=resume"), CONF));
    assertEquals(before, files(dir));
    assertTrue(Files.notExists(root.resolve("nightly.latest")));

    // The driver stopped between _SUCCESS and the pointer: the re-run completes the pointer.
    assertNull(ExistingRun.resolve(invocation("run.if-exists=resume",
        "run.latest-pointer=nightly.latest"), CONF));
    assertEquals(ID + "\n", Files.readString(root.resolve("nightly.latest")));
    assertEquals(before, files(dir));
  }

  @Test
  void configurationsDifferOnlyInKeysThatChangeWhatIsComputed() {
    var a = ConfigFactory.parseString("run { id = x, if-exists = refuse, keep = 0 },"
        + " cluster.placement = gpu, train { epochs = 2, rate = 1 }");
    var b = ConfigFactory.parseString("run { id = x, if-exists = resume, keep = 7,"
        + " latest-pointer = x.latest, lock-stale-seconds = 900 }, cluster.placement = cpu,"
        + " train { epochs = 2, rate = 1.0 }");
    assertEquals(Optional.empty(), ExistingRun.firstDifference(a, b));
    var c = ConfigFactory.parseString("run { id = x, if-exists = refuse }, train { epochs = 2 }");
    assertEquals(Optional.of("train.rate is 1 there and unset now"),
        ExistingRun.firstDifference(a, c));
  }
}
