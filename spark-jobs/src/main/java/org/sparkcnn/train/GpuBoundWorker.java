package org.sparkcnn.train;

import java.util.Collection;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.storage.StatsStorageRouterProvider;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.sparkcnn.backend.GpuBinding;

/**
 * DL4J's parameter-averaging worker that first binds its Spark task's thread to the GPU Spark
 * assigned the task ({@link GpuBinding#bindTaskGpu}), before the broadcast parameters are read
 * and the network is built, so that they are allocated on that GPU. On the CPU backend, or
 * without Spark GPU scheduling, it is DL4J's worker.
 */
final class GpuBoundWorker extends ParameterAveragingTrainingWorker {
  private static final long serialVersionUID = 1L;

  GpuBoundWorker(Broadcast<NetBroadcastTuple> broadcast, boolean saveUpdater,
      WorkerConfiguration configuration, Collection<TrainingHook> trainingHooks,
      Collection<TrainingListener> listeners, StatsStorageRouterProvider routerProvider) {
    super(broadcast, saveUpdater, configuration, trainingHooks, listeners, routerProvider);
  }

  @Override
  public MultiLayerNetwork getInitialModel() {
    GpuBinding.bindTaskGpu();
    return super.getInitialModel();
  }

  @Override
  public ComputationGraph getInitialModelGraph() {
    GpuBinding.bindTaskGpu();
    return super.getInitialModelGraph();
  }
}
