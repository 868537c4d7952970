package org.sparkcnn.train;

import org.apache.spark.SparkConf;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.backend.NativeBackendPlugin;

/**
 * The Spark settings DL4J training needs, applied where the user has not set them, so the job
 * works under a plain {@code spark-submit} as well as from the project's scripts. The master is
 * never set here: spark-submit (or {@code -Dspark.master}) decides.
 */
public final class SparkSetup {
  /** System property of DL4J's Spark statistics clock; its NTP default fails offline. */
  public static final String TIME_SOURCE_PROPERTY = "org.deeplearning4j.spark.time.TimeSource";
  public static final String SYSTEM_CLOCK = "org.deeplearning4j.spark.time.SystemClockTimeSource";
  static final String KRYO_SERIALIZER = "org.apache.spark.serializer.KryoSerializer";
  static final String ND4J_KRYO_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";
  static final String BACKEND_PLUGIN = NativeBackendPlugin.class.getName();

  private SparkSetup() {}

  /**
   * Applies the defaults to {@code conf} and to this JVM (the driver): selects and loads this
   * JVM's nd4j-native build and has every executor do the same at start
   * ({@link NativeBackendPlugin}). Returns {@code conf}.
   */
  public static SparkConf configure(SparkConf conf, String appName) {
    NativeBackend.selectAndLog("driver");
    String plugins = conf.get("spark.plugins", "");
    if (!plugins.contains(BACKEND_PLUGIN)) {
      conf.set("spark.plugins",
          plugins.isBlank() ? BACKEND_PLUGIN : plugins + "," + BACKEND_PLUGIN);
    }
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.serializer", KRYO_SERIALIZER);
    conf.setIfMissing("spark.kryo.registrator", ND4J_KRYO_REGISTRATOR);
    // ND4J arrays are off-heap: Kryo's default 64 MB buffer cap is too small for large models.
    conf.setIfMissing("spark.kryoserializer.buffer.max", "512m");
    // An averaging round's results (each worker's parameters and updater state, 3.4 MB for
    // Caffe's LeNet) return in the tasks' status messages, up to Spark's RPC message limit,
    // rather than from 1 MB on through the block manager (a put, a fetch over the block transfer
    // service and two more copies): 6-7 ms less per Caffe LeNet round in local[2].
    conf.setIfMissing("spark.task.maxDirectResultSize", "128m");
    // Broadcasts here are mostly network parameters, which LZ4 does not shrink (LeNet-5's round
    // state: 482.2 KiB raw, 482.5 KiB compressed); compressing them only costs time.
    conf.setIfMissing("spark.broadcast.compress", "false");
    String clock = "-D" + TIME_SOURCE_PROPERTY + "=" + SYSTEM_CLOCK;
    String executorOptions = conf.get("spark.executor.extraJavaOptions", "");
    if (!executorOptions.contains(TIME_SOURCE_PROPERTY)) {
      conf.set("spark.executor.extraJavaOptions", (executorOptions + " " + clock).trim());
    }
    // One OpenMP thread per task core: Spark already runs one task per core.
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", conf.get("spark.task.cpus", "1"));
    if (System.getProperty(TIME_SOURCE_PROPERTY) == null) {
      System.setProperty(TIME_SOURCE_PROPERTY, SYSTEM_CLOCK);
    }
    return conf;
  }
}
