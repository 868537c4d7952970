package org.sparkcnn;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkcnn.train.SparkSetup;

/** A real Spark context in local mode for tests, set up as the jobs set theirs up. */
public final class LocalSpark {
  private LocalSpark() {}

  /** A new context on {@code local[2]} (two executor threads), without the web UI. */
  public static JavaSparkContext start() {
    return new JavaSparkContext(conf());
  }

  /** The settings {@link #start} uses, for a test that changes some before starting. */
  public static SparkConf conf() {
    return SparkSetup.configure(new SparkConf(), "spark-cnn test")
        .setMaster("local[2]")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
  }
}
