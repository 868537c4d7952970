package org.sparkcnn;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the test classes that share one {@link LocalSpark} context across their tests. */
public abstract class SparkTest {
  protected static JavaSparkContext sc;

  @BeforeAll
  static void startSpark() {
    sc = LocalSpark.start();
  }

  @AfterAll
  static void stopSpark() {
    sc.stop();
  }
}
