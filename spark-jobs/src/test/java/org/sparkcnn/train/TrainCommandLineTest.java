package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.train.TrainCommandLine.Source;

/** The training job's command line: order of the layers, --resume, help and errors. */
class TrainCommandLineTest {
  static Source conf(String file) {
    return new Source(Source.Kind.FILE, file);
  }

  static Source set(String assignment) {
    return new Source(Source.Kind.SET, assignment);
  }

  @Test
  void filesAndOverridesKeepTheirOrder() {
    TrainCommandLine.Options o = TrainCommandLine.parse(new String[] {"--set", "train.epochs=2",
        "--conf", "conf/a.conf", "--set", "run.id=x", "--conf", "hdfs:///b.conf"});
    assertEquals(List.of(set("train.epochs=2"), conf("conf/a.conf"), set("run.id=x"),
        conf("hdfs:///b.conf")), o.sources());
    assertNull(o.resumeDir());
    assertFalse(o.resuming());
    assertEquals("--conf conf/a.conf", o.sources().get(1).toString());
    assertEquals(List.of(), TrainCommandLine.parse(new String[0]).sources());
    // a value that starts with '@' is a file location, not a picocli argument file
    assertEquals(List.of(conf("@job.conf")),
        TrainCommandLine.parse(new String[] {"--conf", "@job.conf"}).sources());
  }

  @Test
  void resumeTakesOnlyClusterOverrides() {
    TrainCommandLine.Options o = TrainCommandLine.parse(new String[] {"--resume", "runs/a",
        "--set", "cluster.placement=cpu"});
    assertEquals("runs/a", o.resumeDir());
    assertTrue(o.resuming());
    assertEquals(List.of(set("cluster.placement=cpu")), o.sources());
    InvalidConfigException epochs = assertThrows(InvalidConfigException.class,
        () -> TrainCommandLine.parse(new String[] {"--resume", "runs/a", "--set",
            "train.epochs=4"}));
    assertTrue(epochs.getMessage().endsWith("not --set train.epochs=4"), epochs.getMessage());
    InvalidConfigException file = assertThrows(InvalidConfigException.class,
        () -> TrainCommandLine.parse(new String[] {"--conf", "a.conf", "--resume", "runs/a"}));
    assertTrue(file.getMessage().endsWith("not --conf a.conf"), file.getMessage());
  }

  @Test
  void helpIsNullAndListsEveryOption() {
    assertNull(TrainCommandLine.parse(new String[] {"--help"}));
    assertNull(TrainCommandLine.parse(new String[] {"--set", "a=b", "-h"}));
    String usage = TrainCommandLine.usage();
    assertTrue(usage.startsWith("Usage: TrainJob [--conf FILE]... [--set key=value]...\n"),
        usage);
    for (String option : List.of("--conf", "--set", "--resume", "--help", "reference.conf")) {
      assertTrue(usage.contains(option), option + " missing from\n" + usage);
    }
    usage.lines().forEach(l -> assertTrue(l.length() <= 100, l));
  }

  @Test
  void badArgumentsAreConfigErrorsNamingTheOption() {
    for (String[] args : List.of(new String[] {"--epochs", "2"}, new String[] {"train.conf"},
        new String[] {"--conf"}, new String[] {"--set", "a=b", "--set"},
        new String[] {"--resume"})) {
      InvalidConfigException e = assertThrows(InvalidConfigException.class,
          () -> TrainCommandLine.parse(args), String.join(" ", args));
      String named = args[args.length - 1].equals("2") ? "--epochs" : args[args.length - 1];
      assertTrue(e.getMessage().contains(named), e.getMessage());
      assertEquals(ExitCode.USAGE, ExitCode.of(e));
    }
  }
}
