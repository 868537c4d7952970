package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.report.RunDirectory;

/** The whole job in Spark local[2] on small data and odd settings a new user tries first. */
class EdgeCasesTrainJobTest {
  @TempDir Path runs;

  private List<String> args(String runId, String... more) {
    TrainJobTest t = new TrainJobTest();
    t.runs = runs;
    List<String> args = t.subsetArgs(runId);
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void manyPartitionsHoldingOneMinibatchEachTrainToTheEnd() throws Exception {
    var outcome = TrainJobTest.execute(args("many", "--set", "data.train-limit=1280",
        "--set", "data.partitions=20", "--set", "data.test-limit=200",
        "--set", "train.epochs=2"));
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    Path dir = runs.resolve("many");
    assertTrue(Files.exists(dir.resolve(RunDirectory.SUCCESS)));
    List<List<String>> metrics = TrainJobTest.csv(dir.resolve("metrics.csv"));
    assertEquals(List.of("2", "2"), metrics.subList(1, metrics.size()).stream()
        .map(row -> row.get(metrics.get(0).indexOf("averaging_rounds"))).toList());
  }

  /**
   * 20 exported minibatches, one per partition, for 2 workers averaging every 5: two rounds of
   * 10 each (DL4J's own split sent all 20 to one round and none to the other).
   */
  @Test
  void roundsOfAnEpochGetItsMinibatchesEvenlyWhenPartitionsHoldOneEach() {
    JavaSparkContext sc = LocalSpark.start();
    try {
      List<String> paths = IntStream.range(0, 20).mapToObj(i -> "batch-" + i).toList();
      JavaRDD<String> data = sc.parallelize(paths, 20);
      EpochSeededTrainingMaster master = new EpochSeededTrainingMaster(
          new ParameterAveragingTrainingMaster.Builder(2, 64).batchSizePerWorker(64)
              .averagingFrequency(5), 42);
      for (int epoch = 1; epoch <= 3; epoch++) {
        master.startEpoch(epoch);
        JavaRDD<String>[] splits = master.getSplitRDDs(data, 20, 64);
        assertEquals(2, splits.length);
        List<String> first = splits[0].collect();
        List<String> second = splits[1].collect();
        assertEquals(10, first.size(), first.toString());
        assertEquals(10, second.size(), second.toString());
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        assertEquals(new HashSet<>(paths), all);
      }
      master.startEpoch(1);
      List<String> again = master.getSplitRDDs(data, 20, 64)[0].collect();
      master.startEpoch(1);
      assertEquals(again, master.getSplitRDDs(data, 20, 64)[0].collect());
      // 25 minibatches make 2 rounds of 12 and 13
      JavaRDD<String> more = sc.parallelize(
          IntStream.range(0, 25).mapToObj(i -> "b" + i).toList(), 25);
      JavaRDD<String>[] uneven = master.getSplitRDDs(more, 25, 64);
      assertEquals(Set.of(12L, 13L), Set.of(uneven[0].count(), uneven[1].count()));
    } finally {
      sc.stop();
    }
  }

  /** A file as run.output-root, or above it: a configuration error naming it, before any work. */
  @Test
  void aFileAsOutputRootExitsWithUsageNamingTheKeyAndTheFile() throws Exception {
    Path file = runs.resolve("afile");
    Files.writeString(file, "");
    for (String root : List.of(file.toString(), file + "/sub", file + "/sub/deeper")) {
      List<String> args = args("x");
      args.addAll(List.of("--set", "run.output-root=" + root));
      var outcome = TrainJobTest.execute(args);
      assertEquals(ExitCode.USAGE, outcome.code(), outcome.err());
      assertEquals("error: run.output-root '" + root + "' "
          + (root.equals(file.toString()) ? "is a file"
              : "lies under file:" + file + ", which is a file")
          + ", not a directory; choose a folder (it is created when missing)\n", outcome.err());
      assertEquals("", Files.readString(file));
    }
    assertEquals(List.of(file), Files.list(runs).toList());
  }
}
