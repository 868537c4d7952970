package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.RunLayout;

/**
 * Writes this version's compatibility fixtures, which {@link CompatibilityTest} reads in every
 * later version: trains the default network (LeNet-5) for 2 epochs on the first 1,280 training
 * images of the bundled Fashion-MNIST subset with a checkpoint every epoch, evaluating on the
 * first 200 test images, and keeps {@code config.conf}, {@code model.zip}, {@code model-ema.zip},
 * {@code checkpoints/epoch-0001/}, {@code metrics.csv}, {@code rounds.csv}, {@code accuracy.csv}
 * and the models' {@value CompatibilityTest#PREDICTIONS}.
 *
 * <p>Usage (not a {@code *Test}: it runs only when asked for, once per version, from the
 * project's root): <pre>{@code
 * mvn -B -o -pl spark-jobs -am test -Dtest=CompatibilityFixtures \
 *     -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dspark-cnn.compat.out=$PWD/spark-jobs/src/test/resources/compat/VERSION
 * }</pre>
 */
class CompatibilityFixtures {
  /** System property naming the folder to write into (created when missing). */
  static final String OUT = "spark-cnn.compat.out";
  /** What the fixture run sets over the defaults besides its data and run directory. */
  static final List<String> SETTINGS = List.of("--set", "train.epochs=2",
      "--set", "train.checkpoint-every=1", "--set", "data.train-limit=1280",
      "--set", "data.test-limit=" + CompatibilityTest.IMAGES);

  @TempDir Path runs;

  @Test
  @EnabledIfSystemProperty(named = OUT, matches = ".+")
  void write() throws Exception {
    Path out = Path.of(System.getProperty(OUT));
    List<String> args = new ArrayList<>(TrainJobTest.subsetArgs(runs, "compat"));
    args.addAll(SETTINGS);
    TrainJobTest.Outcome outcome = TrainJobTest.execute(args);
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path run = runs.resolve("compat");
    Path checkpoint = Path.of(Checkpoints.DIR, CompatibilityTest.CHECKPOINT);
    Files.createDirectories(out.resolve(checkpoint));
    for (String file : List.of(RunLayout.CONFIG, RunLayout.MODEL, RunLayout.MODEL_EMA,
        RunLayout.METRICS, RunLayout.ROUNDS, RunLayout.ACCURACY)) {
      Files.copy(run.resolve(file), out.resolve(file));
    }
    for (String file : CompatibilityTest.files(run.resolve(checkpoint))) {
      Files.copy(run.resolve(checkpoint).resolve(file), out.resolve(checkpoint).resolve(file));
    }
    StringBuilder csv = new StringBuilder();
    CompatibilityTest.predictions(out).forEach(row -> csv.append(String.join(",", row))
        .append('\n'));
    Files.writeString(out.resolve(CompatibilityTest.PREDICTIONS), csv);
  }
}
