package org.sparkcnn.models.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/** What the native layers share: wiring a layer up as DL4J's configurations do, running an op. */
final class NativeOps {
  private NativeOps() {}

  /** Sets up {@code layer} as DL4J's own {@code Layer.instantiate} implementations do. */
  static <L extends Layer> L wire(L layer, NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int layerIndex, INDArray layerParamsView,
      boolean initializeParams, ParamInitializer initializer) {
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    layer.setParamTable(initializer.init(conf, layerParamsView, initializeParams));
    layer.setConf(conf);
    return layer;
  }

  /**
   * Runs libnd4j's op {@code op}; {@code allowHelpers = false} keeps it off the platform
   * (oneDNN) implementation. Failures name the op and {@code where}.
   */
  static void exec(String op, boolean allowHelpers, INDArray[] inputs, INDArray[] outputs,
      double[] floatArgs, long[] intArgs, String where) {
    try (OpContext context = Nd4j.getExecutioner().buildContext()) {
      context.allowHelpers(allowHelpers);
      context.setInputArrays(inputs);
      context.setOutputArrays(outputs);
      if (floatArgs.length > 0) {
        context.setTArguments(floatArgs);
      }
      context.setIArguments(intArgs);
      Nd4j.exec(DynamicCustomOp.builder(op).build(), context);
    } catch (Exception e) {
      throw new IllegalStateException(op + " failed in layer " + where + ": " + e.getMessage(), e);
    }
  }
}
