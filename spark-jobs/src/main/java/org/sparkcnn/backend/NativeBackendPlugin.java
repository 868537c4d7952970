package org.sparkcnn.backend;

import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark plugin ({@code spark.plugins}) that, as each executor starts and before it runs a task,
 * selects the nd4j-native build for the executor's CPU, loads ND4J and logs the build it runs:
 * a CUDA or oneDNN load that falls back silently shows in every executor's log.
 *
 * <p>Where ND4J would try CUDA on a GPU the CUDA build has no kernels for ({@link CudaDevices}),
 * it logs why and leaves ND4J unloaded instead: the job's backend probe then fails with that
 * message, where loading would have crashed the executor.
 */
public class NativeBackendPlugin implements SparkPlugin {
  private static final Logger log = LoggerFactory.getLogger(NativeBackendPlugin.class);

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        // Not PluginContext.hostname(): it reads the address of Spark's RPC environment, which
        // executors create in client mode without one, so on every cluster (not in local mode)
        // it throws a NullPointerException and the executor exits.
        String host = JvmEnvironment.hostName();
        String where = "executor " + ctx.executorID() + " on " + host;
        try {
          CudaDevices.checkBeforeNd4j(host, false, CudaDevices.NVIDIA_SMI);
        } catch (BackendUnavailableException e) {
          log.error("{}: ND4J not loaded: {}", where, e.getMessage());
          return;
        }
        NativeBackend.selectAndLog(where);
      }
    };
  }
}
