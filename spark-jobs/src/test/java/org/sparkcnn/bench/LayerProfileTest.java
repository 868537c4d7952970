package org.sparkcnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.report.Table;

/** The per-layer profile of a layer stack and of a computation graph, and its type summary. */
class LayerProfileTest {
  static LayerProfile.Options parse(String... args) {
    return LayerProfile.parse(args);
  }

  /** The shares of a type table, in percent. */
  static double shareSum(Table types) {
    int share = types.columns().indexOf("share_percent");
    return types.rows().stream().mapToDouble(r -> Double.parseDouble(r.get(share))).sum();
  }

  static int layerSum(Table types) {
    int layers = types.columns().indexOf("layers");
    return types.rows().stream().mapToInt(r -> Integer.parseInt(r.get(layers))).sum();
  }

  @Test
  void parsesOptionsWithASpecHoldingCommasAndTheEarlierPositionalForm() {
    LayerProfile.Options o = parse("--model", "mobilenet-v1-cifar(alpha=0.5, unit=rhs)",
        "--iterations", "3", "--batch", "4", "--input", "3x16x16");
    assertEquals(List.of("mobilenet-v1-cifar(alpha=0.5, unit=rhs)"), o.benchmark().models());
    assertEquals(ConvolutionEngine.NATIVE, o.engine());
    assertEquals(3, o.iterations());
    assertEquals(4, ThroughputBenchmark.cases(o.benchmark()).get(0).batch());
    LayerProfile.Options positional = parse("lenet-caffe", "native", "7");
    assertEquals(List.of("lenet-caffe"), positional.benchmark().models());
    assertEquals(7, positional.iterations());
    assertEquals(ConvolutionEngine.DL4J, parse("lenet-caffe").engine());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> parse("--model", "lenet6"));
    assertTrue(e.getMessage().contains("known:"), e.getMessage());
  }

  @Test
  void layerStackGivesOneRowPerLayerAndSharesSummingTo100() {
    ThroughputBenchmark.Case c = ThroughputBenchmark.cases(
        parse("--model", "mobilenet-v1-cifar(alpha=0.25, unit=rhs)", "--batch", "2")
            .benchmark()).get(0);
    List<LayerProfile.Timing> timings = LayerProfile.profile(c, ConvolutionEngine.NATIVE, 2, 1);
    MultiLayerNetwork net =
        (MultiLayerNetwork) ThroughputBenchmark.network(c, ConvolutionEngine.NATIVE);
    assertEquals(net.getnLayers(), timings.size());
    for (int i = 0; i < timings.size(); i++) {
      assertEquals(net.getLayer(i).conf().getLayer().getLayerName(), timings.get(i).name());
      assertTrue(timings.get(i).forwardMillis() > 0 && timings.get(i).backwardMillis() > 0,
          timings.get(i).toString());
    }
    Table layers = LayerProfile.layerTable(timings);
    assertEquals(timings.size() + 1, layers.rows().size()); // and the total
    Table types = LayerProfile.typeTable(timings);
    assertEquals(timings.size(), layerSum(types));
    assertEquals(100, shareSum(types), 0.5);
    Set<String> classes = types.rows().stream().map(r -> r.get(0)).collect(Collectors.toSet());
    assertTrue(classes.containsAll(List.of("NativeBatchNormalizationLayer",
        "NativeDepthwiseConvolutionLayer", "NativeConvolutionLayer", "NativeActivationLayer",
        "OutputLayer")), classes.toString());
    // 13 units with rhs: conv0 BN and activation, each unit's two BNs and one activation
    int bn = Integer.parseInt(types.rows().stream().filter(r -> r.get(0).equals(
        "NativeBatchNormalizationLayer")).findFirst().orElseThrow().get(1));
    assertEquals(27, bn);
  }

  @Test
  void resNet20GivesOneRowPerVertexAndSharesSummingTo100() {
    ThroughputBenchmark.Case c = ThroughputBenchmark.cases(
        parse("--model", "resnet20", "--batch", "2").benchmark()).get(0);
    List<LayerProfile.Timing> timings = LayerProfile.profile(c, ConvolutionEngine.NATIVE, 2, 1);
    ComputationGraph graph =
        (ComputationGraph) ThroughputBenchmark.network(c, ConvolutionEngine.NATIVE);
    List<String> vertices = Arrays.stream(graph.getVertices()).filter(v -> !v.isInputVertex())
        .map(v -> v.getVertexName()).sorted().toList();
    assertEquals(vertices, timings.stream().map(LayerProfile.Timing::name).sorted().toList());
    List<String> order = timings.stream().map(LayerProfile.Timing::name).toList();
    assertTrue(order.indexOf("stage2-block1-shortcut") < order.indexOf("stage2-block1-add"));
    assertEquals("output", order.get(order.size() - 1));
    Table types = LayerProfile.typeTable(timings);
    assertEquals(timings.size(), layerSum(types));
    assertEquals(100, shareSum(types), 0.5);
    Set<String> classes = types.rows().stream().map(r -> r.get(0)).collect(Collectors.toSet());
    assertTrue(classes.containsAll(List.of("ElementWiseVertex", "ZeroPadShortcutVertex",
        "NativeBatchNormalizationLayer", "NativeConvolutionLayer")), classes.toString());
  }
}
