package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.train.TrainJobTest.csv;
import static org.sparkcnn.train.TrainJobTest.execute;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The resident training master ({@code train.master = "resident"}) in Spark local[2] on the
 * Fashion-MNIST subset: runs repeat exactly, a resumed run equals the uninterrupted one, networks
 * stay resident across rounds and epochs, and it learns as DL4J's master does.
 */
class ResidentTrainingMasterTest {
  @TempDir Path runs;

  private List<String> args(String runId, String... settings) {
    List<String> args = TrainJobTest.subsetArgs(runs, runId);
    args.addAll(List.of("--set", "train.master=resident", "--set", "data.train-limit=1280",
        "--set", "data.test-limit=200", "--set", "train.augment=[\"random-crop(size=28,"
            + " padding=2)\", flip, scale]"));
    for (String setting : settings) {
      args.addAll(List.of("--set", setting));
    }
    return args;
  }

  @Test
  void runsRepeatExactlyAndAResumedRunEqualsTheUninterruptedOne() throws Exception {
    String[] settings = {"train.epochs=3", "train.learning-rate-decay=0.7"};
    for (String id : List.of("whole", "again")) {
      TrainJobTest.Outcome run = execute(args(id, settings));
      assertEquals(ExitCode.OK, run.code(), run.err());
    }
    TrainJobTest.Outcome stopped = execute(args("cut", settings), metrics -> {
      if (metrics.epoch() == 1) {
        throw new IllegalStateException("stopped by the test after epoch 1");
      }
    });
    assertEquals(ExitCode.FAILURE, stopped.code(), stopped.err());
    Path cut = runs.resolve("cut");
    assertFalse(Files.exists(cut.resolve(RunDirectory.SUCCESS)));
    TrainJobTest.Outcome resumed = execute(List.of("--resume", cut.toString()));
    assertEquals(ExitCode.OK, resumed.code(), resumed.err());

    Path whole = runs.resolve("whole");
    for (String other : List.of("again", "cut")) {
      Path dir = runs.resolve(other);
      List<List<String>> a = csv(whole.resolve(RunLayout.METRICS));
      List<List<String>> b = csv(dir.resolve(RunLayout.METRICS));
      assertEquals(4, b.size());
      for (int row = 0; row < a.size(); row++) {
        assertEquals(a.get(row).subList(0, 6), b.get(row).subList(0, 6), other + " row " + row);
        assertEquals(a.get(row).subList(9, 12), b.get(row).subList(9, 12), other + " row " + row);
      }
      List<List<String>> roundsA = csv(whole.resolve(RunLayout.ROUNDS));
      List<List<String>> roundsB = csv(dir.resolve(RunLayout.ROUNDS));
      assertEquals(roundsA.size(), roundsB.size());
      for (int row = 0; row < roundsA.size(); row++) {
        assertEquals(roundsA.get(row).subList(0, 4), roundsB.get(row).subList(0, 4),
            other + " rounds row " + row);
      }
      for (String model : List.of(RunLayout.MODEL, RunLayout.MODEL_EMA)) {
        assertEquals(
            ModelSerializer.restoreMultiLayerNetwork(whole.resolve(model).toFile()).params(),
            ModelSerializer.restoreMultiLayerNetwork(dir.resolve(model).toFile()).params(),
            other + " " + model);
      }
    }
    // round-times.csv holds every round, those of the process before the resume too
    List<List<String>> times = csv(cut.resolve(RunLayout.ROUND_TIMES));
    assertEquals(csv(cut.resolve(RunLayout.ROUNDS)).size(), times.size());
    assertEquals(List.of("1", "1", "2", "2", "3", "3"),
        times.subList(1, times.size()).stream().map(row -> row.get(0)).toList());
    // 1,280 examples in minibatches of 64 (20) and rounds of 2 workers x 5: 2 rounds an epoch.
    List<List<String>> metrics = csv(whole.resolve(RunLayout.METRICS));
    assertEquals("2", metrics.get(1).get(2), "averaging_rounds");
    assertTrue(Double.parseDouble(metrics.get(3).get(5)) >= 0.6, "accuracy " + metrics);
  }

  @Test
  void networksStayResidentAcrossRoundsAndTheRoundTimesAreWritten() throws Exception {
    TrainJobTest.Outcome run = execute(args("times", "train.epochs=2",
        "train.averaging-frequency=2"));
    assertEquals(ExitCode.OK, run.code(), run.err());
    Path dir = runs.resolve("times");
    List<List<String>> times = csv(dir.resolve(RunLayout.ROUND_TIMES));
    assertEquals(RunLayout.ROUND_TIMES_COLUMNS, times.get(0));
    // 20 minibatches in rounds of 2 workers x 2: 5 rounds an epoch, every minibatch fitted once
    assertEquals(11, times.size());
    List<List<String>> rounds = csv(dir.resolve(RunLayout.ROUNDS));
    assertEquals(rounds.size(), times.size());
    for (List<String> row : rounds.subList(1, rounds.size())) { // examples/s of what it fitted
      double examples = Double.parseDouble(row.get(4)) * Double.parseDouble(row.get(5));
      assertEquals(4 * 64, examples, 0.03 * 4 * 64, "rounds.csv " + row); // 3 decimals of s
    }
    int builds = 0;
    for (List<String> row : times.subList(1, times.size())) {
      assertEquals("2", row.get(2), "workers " + row);
      assertEquals("4", row.get(3), "minibatches " + row);
      double wall = Double.parseDouble(row.get(4));
      double maxFit = Double.parseDouble(row.get(8));
      assertTrue(maxFit > 0 && maxFit < wall, "fit inside the round " + row);
      assertEquals(wall - maxFit, Double.parseDouble(row.get(12)), 0.011, "overhead " + row);
      builds += Integer.parseInt(row.get(13));
    }
    // DL4J's master builds 2 networks every round (20 here); resident ones are built once per
    // task slot, and local[2] runs 2 tasks at once.
    assertTrue(builds >= 1 && builds <= 2, "networks built " + builds);
    assertEquals(0, ResidentSlots.freeSlots(), "the training's networks are closed at its end");
    List<List<String>> timing = csv(dir.resolve(RunLayout.TIMING));
    int export = RunLayout.TIMING_COLUMNS.indexOf("export_seconds");
    assertEquals("0.0", timing.get(1).get(export));
    assertEquals("resident", timing.get(1).get(
        RunLayout.TIMING_COLUMNS.indexOf("training_master")));
    assertFalse(Files.exists(dir.resolve(RunLayout.EXPORT)), "nothing exported");
  }

  @Test
  void sumsOnTheDriverOrThroughSparksTreeAlike() throws Exception {
    // The loop condition of Spark 3.5's treeAggregate: a level between workers and driver?
    assertFalse(RoundSum.treeHasLevels(2, 2));
    assertFalse(RoundSum.treeHasLevels(5, 2));
    assertTrue(RoundSum.treeHasLevels(6, 2));
    assertFalse(RoundSum.treeHasLevels(64, 1));
    assertTrue(RoundSum.treeHasLevels(64, 2));
    assertTrue(RoundSum.treeHasLevels(9, 3));
    // 6 workers: depth 1 sums on the driver in one job per round, depth 2 through Spark's tree
    // (a shuffle): the same sums up to the order of the float additions.
    List<double[]> params = new ArrayList<>();
    for (int depth : new int[] {1, 2}) {
      String id = "depth" + depth;
      TrainJobTest.Outcome run = execute(args(id, "train.epochs=2", "train.workers=6",
          "train.aggregation-depth=" + depth, "train.averaging-frequency=2"));
      assertEquals(ExitCode.OK, run.code(), run.err());
      // 20 minibatches in rounds of 6 workers x 2: 2 rounds an epoch
      assertEquals(5, csv(runs.resolve(id).resolve(RunLayout.ROUND_TIMES)).size());
      params.add(ModelSerializer.restoreMultiLayerNetwork(
          runs.resolve(id).resolve(RunLayout.MODEL).toFile()).params().toDoubleVector());
    }
    double largest = 0;
    for (int i = 0; i < params.get(0).length; i++) {
      assertEquals(params.get(0)[i], params.get(1)[i], 1e-4, "parameter " + i);
      largest = Math.max(largest, Math.abs(params.get(0)[i]));
    }
    assertTrue(largest > 0.01, "trained parameters " + largest);
  }

  @Test
  void barrierRoundsTrainBitwiseAsOneJobPerRound() throws Exception {
    // 20 minibatches, 2 workers x 3: 4 rounds an epoch, the last ones short (7 / 7 / 6 ... split)
    String[] settings = {"train.epochs=2", "train.averaging-frequency=3",
        "train.learning-rate-decay=0.7"};
    for (String scheduling : List.of("job", "barrier")) {
      List<String> args = args(scheduling, settings);
      args.addAll(List.of("--set", "train.round-scheduling=" + scheduling));
      TrainJobTest.Outcome run = execute(args);
      assertEquals(ExitCode.OK, run.code(), run.err());
    }
    Path job = runs.resolve("job");
    Path barrier = runs.resolve("barrier");
    assertEquals(
        ModelSerializer.restoreMultiLayerNetwork(job.resolve(RunLayout.MODEL).toFile()).params(),
        ModelSerializer.restoreMultiLayerNetwork(barrier.resolve(RunLayout.MODEL).toFile())
            .params());
    List<List<String>> a = csv(job.resolve(RunLayout.METRICS));
    List<List<String>> b = csv(barrier.resolve(RunLayout.METRICS));
    assertEquals(3, b.size());
    for (int row = 1; row < a.size(); row++) {
      assertEquals(a.get(row).subList(0, 6), b.get(row).subList(0, 6), "metrics row " + row);
    }
    List<List<String>> rounds = csv(barrier.resolve(RunLayout.ROUNDS));
    assertEquals(csv(job.resolve(RunLayout.ROUNDS)).stream().map(r -> r.subList(0, 4)).toList(),
        rounds.stream().map(r -> r.subList(0, 4)).toList(), "rounds.csv: epoch, round, loss");
    List<List<String>> times = csv(barrier.resolve(RunLayout.ROUND_TIMES));
    assertEquals(9, times.size(), "4 rounds an epoch: " + times);
    int builds = 0;
    for (List<String> row : times.subList(1, times.size())) {
      assertEquals("2", row.get(2), "workers " + row);
      double wall = Double.parseDouble(row.get(4));
      double maxFit = Double.parseDouble(row.get(8));
      assertTrue(maxFit > 0 && maxFit < wall, "fit inside the round " + row);
      builds += Integer.parseInt(row.get(13));
    }
    assertTrue(builds <= 2, "networks built " + builds);
    assertEquals(0, ResidentSlots.freeSlots(), "the training's networks are closed at its end");
    List<List<String>> timing = csv(barrier.resolve(RunLayout.TIMING));
    assertEquals("0.0", timing.get(1).get(RunLayout.TIMING_COLUMNS.indexOf("export_seconds")));
    // no thread left that would keep a JVM from exiting after its main method (Spark's
    // BarrierTaskContext timer, started by BarrierTaskContext.get())
    assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.isDaemon() && t.getName().toLowerCase().contains("barrier"))
        .map(Thread::getName).toList());
  }

  /**
   * A barrier task fails before the 13th minibatch of the JVM (local mode: executor "driver";
   * epoch 1, round 3 of 4): Spark reruns every task of the epoch's barrier stage, which resume at
   * the round the driver has reached, and the run ends with the parameters of an undisturbed one.
   */
  @Test
  void aFailedBarrierTaskIsRerunAndTheTrainingIsUndisturbed() throws Exception {
    String[] settings = {"train.epochs=2", "train.averaging-frequency=3",
        "train.round-scheduling=barrier"};
    TrainJobTest.Outcome plain = execute(args("undisturbed", settings));
    assertEquals(ExitCode.OK, plain.code(), plain.err());
    int faults = ExecutorHalt.thrown();
    System.setProperty(ExecutorHalt.PROPERTY, "driver:13:throw");
    try {
      TrainJobTest.Outcome run = execute(args("task-failed", settings));
      assertEquals(ExitCode.OK, run.code(), run.err());
    } finally {
      System.clearProperty(ExecutorHalt.PROPERTY);
    }
    assertEquals(faults + 1, ExecutorHalt.thrown(), "the test hook failed one task");
    for (String file : List.of(RunLayout.METRICS, RunLayout.ROUNDS)) {
      assertEquals(
          csv(runs.resolve("undisturbed").resolve(file)).stream().map(r -> r.subList(0, 4))
              .toList(),
          csv(runs.resolve("task-failed").resolve(file)).stream().map(r -> r.subList(0, 4))
              .toList(), file);
    }
    assertEquals(
        ModelSerializer.restoreMultiLayerNetwork(
            runs.resolve("undisturbed").resolve(RunLayout.MODEL).toFile()).params(),
        ModelSerializer.restoreMultiLayerNetwork(
            runs.resolve("task-failed").resolve(RunLayout.MODEL).toFile()).params());
  }

  @Test
  void barrierRoundsNeedATaskSlotPerWorker() {
    List<String> args = args("slots", "train.epochs=1", "train.workers=3",
        "train.round-scheduling=barrier");
    TrainJobTest.Outcome run = execute(args);
    assertEquals(ExitCode.USAGE, run.code(), run.err());
    assertTrue(run.err().contains("train.workers = 3 needs 3 task slots, local mode"),
        run.err());
    TrainJobTest.Outcome dl4j = execute(args("dl4j-barrier", "train.master=dl4j",
        "train.round-scheduling=barrier"));
    assertEquals(ExitCode.USAGE, dl4j.code(), dl4j.err());
    assertTrue(dl4j.err().contains("train.round-scheduling must be \"job\" with train.master"
        + " = \"dl4j\", got barrier"), dl4j.err());
  }

  @Test
  void learnsAsDl4jsMasterDoes() throws Exception {
    List<Double> accuracy = new ArrayList<>();
    for (String master : List.of("dl4j", "resident")) {
      List<String> args = args(master, "train.epochs=2", "train.master=" + master,
          "data.train-limit=0", "data.test-limit=0");
      TrainJobTest.Outcome run = execute(args);
      assertEquals(ExitCode.OK, run.code(), run.err());
      accuracy.add(Double.parseDouble(
          csv(runs.resolve(master).resolve(RunLayout.METRICS)).get(2).get(5)));
    }
    assertTrue(accuracy.get(1) >= 0.7, "resident: " + accuracy);
    assertEquals(accuracy.get(0), accuracy.get(1), 0.04, "dl4j vs resident " + accuracy);
  }
}
