package org.sparkcnn.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.backend.NativeBackend;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.report.Table;

/**
 * Milliseconds per minibatch of each layer's forward and backward pass during training, on the
 * ND4J build this JVM runs (see {@link NativeBackend}), without workspaces.
 *
 * <pre>LayerProfile [model=lenet-caffe] [engine=dl4j] [iterations=30]</pre>
 */
public final class LayerProfile {
  private LayerProfile() {}

  public static void main(String[] args) {
    String model = args.length > 0 ? args[0] : "lenet-caffe";
    ConvolutionEngine engine = ConvolutionEngine.parse(args.length > 1 ? args[1] : "dl4j");
    int iterations = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    String nd4j = NativeBackend.selectAndLog("profile");

    MultiLayerNetwork net = ThroughputBenchmark.network(model, engine);
    net.initGradientsView();
    DataSet batch = ThroughputBenchmark.randomBatch(model, 1);
    int n = net.getnLayers();
    double[] forward = new double[n];
    double[] backward = new double[n];
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    int minibatch = batch.numExamples();
    for (int it = -5; it < iterations; it++) { // 5 warm-up passes
      List<INDArray> inputs = new ArrayList<>();
      INDArray x = batch.getFeatures();
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
        if (pre != null) {
          x = pre.preProcess(x, minibatch, mgr);
        }
        Layer layer = net.getLayer(i);
        layer.setInput(x, mgr);
        inputs.add(x);
        if (layer instanceof BaseOutputLayer<?> out) {
          out.setLabels(batch.getLabels());
          out.computeScore(0, true, mgr);
        } else {
          x = layer.activate(true, mgr);
        }
        add(forward, i, it, t);
      }
      INDArray epsilon = null;
      for (int i = n - 1; i >= 0; i--) {
        long t = System.nanoTime();
        net.getLayer(i).setInput(inputs.get(i), mgr);
        epsilon = net.getLayer(i).backpropGradient(epsilon, mgr).getSecond();
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
        if (pre != null) {
          epsilon = pre.backprop(epsilon, minibatch, mgr);
        }
        add(backward, i, it, t);
      }
    }
    Table table = new Table("layer", "class", "forward_ms", "backward_ms", "total_ms");
    double total = 0;
    for (int i = 0; i < n; i++) {
      double f = forward[i] / iterations;
      double b = backward[i] / iterations;
      total += f + b;
      table.add(net.getLayer(i).conf().getLayer().getLayerName(),
          net.getLayer(i).getClass().getSimpleName(), ms(f), ms(b), ms(f + b));
    }
    table.add("all", "", "", "", ms(total));
    System.out.println("# " + model + ", " + engine.configName() + " convolutions, batch "
        + minibatch + ", " + nd4j + ", OMP_NUM_THREADS="
        + System.getenv().getOrDefault("OMP_NUM_THREADS", "default") + "\n");
    System.out.println(table.toMarkdown());
  }

  private static void add(double[] sums, int i, int iteration, long startNanos) {
    if (iteration >= 0) {
      sums[i] += (System.nanoTime() - startNanos) / 1e6;
    }
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
