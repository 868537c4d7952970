package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Test;
import org.sparkcnn.LocalSpark;

/** The Spark settings the jobs apply where the user has not set them. */
class SparkSetupTest {
  @Test
  void setsItsDefaultsAndKeepsTheUsers() {
    SparkConf defaults = SparkSetup.configure(new SparkConf(false), "test");
    assertEquals("128m", defaults.get("spark.task.maxDirectResultSize"));
    assertEquals("false", defaults.get("spark.broadcast.compress"));
    assertEquals(SparkSetup.KRYO_SERIALIZER, defaults.get("spark.serializer"));
    SparkConf users = SparkSetup.configure(new SparkConf(false)
        .set("spark.task.maxDirectResultSize", "1m")
        .set("spark.broadcast.compress", "true"), "test");
    assertEquals("1m", users.get("spark.task.maxDirectResultSize"));
    assertEquals("true", users.get("spark.broadcast.compress"));
  }

  /**
   * A task result of 3 MB (a round's, for a network of 400k parameters) comes back in the task's
   * status message: the driver does not fetch it from the block manager, as it does with Spark's
   * own 1 MB limit (Spark gives the tasks whose results it fetches a time of getting them).
   */
  @Test
  void resultsOfSomeMegabytesReturnDirectly() throws TimeoutException {
    try (JavaSparkContext sc = LocalSpark.start()) {
      assertEquals("128m", sc.getConf().get("spark.task.maxDirectResultSize"));
      assertEquals(List.of(0L, 0L), gettingResultTimes(sc));
    }
    SparkConf sparks = LocalSpark.conf().set("spark.task.maxDirectResultSize", "1m");
    try (JavaSparkContext sc = new JavaSparkContext(sparks)) {
      assertTrue(gettingResultTimes(sc).stream().allMatch(t -> t > 0),
          "with Spark's 1 MB the driver fetches the results");
    }
  }

  /** The times two tasks returning 3 MB each spent getting their results (0: direct). */
  private static List<Long> gettingResultTimes(JavaSparkContext sc) throws TimeoutException {
    List<Long> times = new CopyOnWriteArrayList<>();
    sc.sc().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        times.add(end.taskInfo().gettingResultTime());
      }
    });
    List<float[]> results = sc.parallelize(List.of(1, 2), 2)
        .map(i -> new float[750_000 + i]).collect();
    assertEquals(2, results.size());
    sc.sc().listenerBus().waitUntilEmpty();
    assertEquals(2, times.size(), "task ends seen");
    return times;
  }
}
