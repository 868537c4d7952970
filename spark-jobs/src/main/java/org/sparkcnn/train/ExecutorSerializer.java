package org.sparkcnn.train;

import java.io.Serializable;
import org.apache.spark.SparkEnv;
import org.apache.spark.serializer.Serializer;
import org.apache.spark.serializer.SerializerInstance;

/**
 * The serializer of the JVM it runs in ({@code SparkEnv}'s, {@code spark.serializer}: Kryo here),
 * for the shuffle that deals an epoch into rounds. It writes the same bytes as the serializer a
 * shuffle gets by default, but costs no new Kryo instance per task: Spark gives a shuffle's
 * dependency a copy of its serializer, which travels in every task of the stage reading it, so
 * each round's task deserialised a serializer with an empty pool and built a Kryo instance
 * (registering every class, ND4J's registrator included) before reading its examples, and each
 * map task of the deal built one per round it wrote to. This one holds nothing and asks the
 * JVM's serializer, whose pool of Kryo instances lives as long as the JVM.
 */
final class ExecutorSerializer extends Serializer implements Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public SerializerInstance newInstance() {
    return jvmSerializer().newInstance();
  }

  /** As the JVM's serializer: Kryo's bytes can be moved (its shuffle needs no deserialising). */
  @Override
  public boolean supportsRelocationOfSerializedObjects() {
    return jvmSerializer().supportsRelocationOfSerializedObjects();
  }

  private static Serializer jvmSerializer() {
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      throw new IllegalStateException("no Spark environment in this JVM: the epoch's deal runs"
          + " on a Spark driver or executor");
    }
    return env.serializer();
  }
}
