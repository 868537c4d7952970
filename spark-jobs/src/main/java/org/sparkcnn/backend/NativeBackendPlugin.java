package org.sparkcnn.backend;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * A Spark plugin ({@code spark.plugins}) that, as each executor starts and before it runs a task,
 * selects the nd4j-native build for the executor's CPU, loads ND4J and logs the build it runs:
 * a CUDA or oneDNN load that falls back silently shows in every executor's log.
 */
public class NativeBackendPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        NativeBackend.selectAndLog("executor " + ctx.executorID() + " on " + hostName());
      }
    };
  }

  /**
   * This machine's name. Not {@code PluginContext.hostname()}: it reads the address of Spark's
   * RPC environment, which executors create in client mode without one, so on every cluster
   * (not in local mode) it throws a NullPointerException and the executor exits.
   */
  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "an unnamed host (" + e.getMessage() + ")";
    }
  }
}
