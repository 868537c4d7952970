package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.LeNet5Test.conv;
import static org.sparkcnn.models.LeNet5Test.dense;
import static org.sparkcnn.models.LeNet5Test.options;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ModelSummaryTest {
  /** The multiply-adds per image the TensorFlow CIFAR-10 tutorial gives for its CNN. */
  static final double TUTORIAL_MULTIPLY_ADDS = 19.5e6;

  /** Multiply-adds of a k x k convolution giving out x out maps. */
  static long convMacs(long outSide, long k, long inMaps, long outMaps) {
    return outSide * outSide * k * k * inMaps * outMaps;
  }

  static List<String> names(ModelSummary summary) {
    return summary.rows().stream().map(ModelSummary.Row::name).toList();
  }

  static ModelSummary.Row row(ModelSummary summary, String name) {
    return summary.rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void leNet5LayersAddUpToItsParameterCountAndTheAllocatedNetwork() {
    LeNet5 builder = new LeNet5(options(1, 28, 10));
    ModelSummary summary = ModelSummary.of(builder.conf(), new ImageShape(1, 28, 28));
    assertEquals(List.of("c1", "s2", "c3", "s4", "c5", "f6", "output"), names(summary));
    MultiLayerNetwork net = builder.init();
    for (int i = 0; i < summary.rows().size(); i++) {
      assertEquals(net.getLayer(i).numParams(), summary.rows().get(i).parameters(),
          summary.rows().get(i).name());
    }
    assertEquals(61_706, summary.totals().parameters());
    assertEquals(net.numParams(), summary.totals().parameters());
    assertEquals(61_706, summary.totals().trainableParameters());

    ModelSummary.Row c1 = summary.rows().get(0);
    assertEquals(new ModelSummary.Row("c1", "NativeConvolution", "[6, 28, 28]", 156, 156,
        convMacs(28, 5, 1, 6)), c1);
    assertEquals("[16, 5, 5]", row(summary, "s4").outputShape());
    assertEquals("[84]", row(summary, "f6").outputShape());
    assertEquals(0, row(summary, "s2").multiplyAdds());
    long expectedMacs = convMacs(28, 5, 1, 6) + convMacs(10, 5, 6, 16) + convMacs(1, 5, 16, 120)
        + 120 * 84 + 84 * 10;
    assertEquals(416_520, expectedMacs);
    assertEquals(expectedMacs, summary.totals().multiplyAdds());
  }

  @Test
  void tutorialCnnHasItsParameterCountAndMultiplyAddsNearTheTutorials() {
    MultiLayerConfiguration conf = Models.builder("tf-cifar10", options(3, 24, 10)).conf();
    ModelSummary summary = ModelSummary.of(conf, new ImageShape(3, 24, 24));
    long expectedParams = conv(3, 64, 5) + conv(64, 64, 5) + dense(6 * 6 * 64, 384)
        + dense(384, 192) + dense(192, 10);
    assertEquals(1_068_298, expectedParams);
    assertEquals(expectedParams, summary.totals().parameters());
    assertEquals(expectedParams, summary.totals().trainableParameters());

    // conv1 at 24x24 (same padding), pool1 to 12x12, conv2 at 12x12, pool2 to 6x6x64 = 2,304.
    long expectedMacs = convMacs(24, 5, 3, 64) + convMacs(12, 5, 64, 64) + 2_304 * 384
        + 384 * 192 + 192 * 10;
    assertEquals(18_470_784, expectedMacs);
    assertEquals(expectedMacs, summary.totals().multiplyAdds());
    assertEquals(TUTORIAL_MULTIPLY_ADDS, summary.totals().multiplyAdds(),
        0.1 * TUTORIAL_MULTIPLY_ADDS);
    assertEquals(convMacs(12, 5, 64, 64), row(summary, "conv2").multiplyAdds());
    assertEquals("[64, 12, 12]", row(summary, "norm1").outputShape());
    assertEquals("NativeLocalResponseNormalization", row(summary, "norm1").type());
    assertEquals(0, row(summary, "norm1").parameters());
  }

  @Test
  void batchNormalizationTrainsScaleAndShiftButNotItsRunningStatistics() {
    int channels = 6;
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(channels).build())
        .layer(new BatchNormalization.Builder().name("bn").build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output")
            .activation(Activation.SOFTMAX).nOut(3).build())
        .setInputType(InputType.convolutional(8, 8, 2))
        .build();
    ModelSummary summary = ModelSummary.of(conf, new ImageShape(2, 8, 8));
    ModelSummary.Row bn = row(summary, "bn");
    assertEquals(new ModelSummary.Row("bn", "BatchNormalization", "[6, 6, 6]", 2 * channels,
        4 * channels, 0), bn);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertEquals(net.numParams(), summary.totals().parameters());
    assertEquals(net.numParams() - 2 * channels, summary.totals().trainableParameters());
    assertEquals(6 * 6 * 6 * 3, row(summary, "output").multiplyAdds());
  }

  @Test
  void depthwiseAndSeparableConvolutionsCountTheirOwnMultiplyAdds() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .convolutionMode(ConvolutionMode.Truncate)
        .list()
        .layer(new DepthwiseConvolution2D.Builder(3, 3).name("depthwise").depthMultiplier(2)
            .build())
        .layer(new SeparableConvolution2D.Builder(3, 3).name("separable").nOut(16).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output")
            .activation(Activation.SOFTMAX).nOut(3).build())
        .setInputType(InputType.convolutional(10, 10, 4))
        .build();
    ModelSummary summary = ModelSummary.of(conf, new ImageShape(4, 10, 10));

    // 10x10x4 -> depthwise 3x3, 2 maps per input map -> 8x8x8: one 3x3 kernel per output map.
    ModelSummary.Row depthwise = row(summary, "depthwise");
    assertEquals("[8, 8, 8]", depthwise.outputShape());
    assertEquals(8 * 8 * 3 * 3 * 4 * 2, depthwise.multiplyAdds());
    assertEquals(4 * 2 * 3 * 3 + 8, depthwise.parameters());
    // 8x8x8 -> separable 3x3 (depth multiplier 1) then 1x1 to 16 maps -> 6x6x16.
    ModelSummary.Row separable = row(summary, "separable");
    assertEquals("[16, 6, 6]", separable.outputShape());
    assertEquals(6 * 6 * (3 * 3 * 8 + 8 * 16), separable.multiplyAdds());
    assertEquals(8 * 3 * 3 + 8 * 16 + 16, separable.parameters());

    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    assertEquals(net.numParams(), summary.totals().parameters());
  }

  @Test
  void graphWithAResidualAddListsEveryVertex() {
    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
        .convolutionMode(ConvolutionMode.Same)
        .graphBuilder()
        .addInputs("image")
        .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(8).build(), "image")
        .addLayer("branch", new ConvolutionLayer.Builder(3, 3).nOut(8).build(), "stem")
        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "stem", "branch")
        .addLayer("bn", new BatchNormalization.Builder().build(), "add")
        .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "bn")
        .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
            .activation(Activation.SOFTMAX).nOut(10).build(), "pool")
        .setOutputs("output")
        .setInputTypes(InputType.convolutional(8, 8, 3))
        .build();
    String json = conf.toJson();
    ModelSummary summary = ModelSummary.of(conf, InputType.convolutional(8, 8, 3));
    // Another input shape sets other nIn values, on a copy of the configuration only.
    ModelSummary fourChannels = ModelSummary.of(conf, InputType.convolutional(8, 8, 4));
    assertEquals(conv(4, 8, 3), row(fourChannels, "stem").parameters());
    assertEquals(json, conf.toJson(), "the summary must not change the configuration");

    assertEquals(List.of("stem", "branch", "add", "bn", "pool", "output"), names(summary));
    assertEquals(new ModelSummary.Row("add", "ElementWiseVertex", "[8, 8, 8]", 0, 0, 0),
        row(summary, "add"));
    assertEquals(convMacs(8, 3, 3, 8), row(summary, "stem").multiplyAdds());
    assertEquals(convMacs(8, 3, 8, 8), row(summary, "branch").multiplyAdds());
    assertEquals(16, row(summary, "bn").trainableParameters());
    assertEquals(32, row(summary, "bn").parameters());
    assertEquals("[8]", row(summary, "pool").outputShape());
    assertEquals(8 * 10, row(summary, "output").multiplyAdds());
    long expected = conv(3, 8, 3) + conv(8, 8, 3) + 4 * 8 + dense(8, 10);
    assertEquals(expected, summary.totals().parameters());
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    assertEquals(graph.numParams(), summary.totals().parameters());
  }

  @Test
  void markdownHasTheHeaderOneRowPerLayerAndTheTotals() {
    MultiLayerConfiguration conf = new LeNet5(options(1, 28, 10)).conf();
    String table = ModelSummary.of(conf, new ImageShape(1, 28, 28)).toMarkdown();
    List<String> lines = table.lines().toList();
    assertEquals("| layer | type | output shape | trainable parameters | parameters"
        + " | multiply-adds per image |", lines.get(0));
    assertEquals("|---|---|---|---:|---:|---:|", lines.get(1));
    assertEquals("| c3 | NativeConvolution | [16, 10, 10] | 2,416 | 2,416 | 240,000 |",
        lines.get(4));
    assertEquals("| total |  |  | 61,706 | 61,706 | 416,520 |", lines.get(lines.size() - 1));
    assertEquals(2 + 7 + 1, lines.size());

    String page = ModelSummary.modelMarkdown("lenet5", new ImageShape(1, 28, 28), conf);
    assertTrue(page.startsWith("# Model lenet5, input [1, 28, 28]\n\n" + table), page);
  }

  @Test
  void commandLineDefaultsToTheModelsNaturalInput() {
    var tutorial = ModelSummary.Arguments.parse(new String[] {"tf-cifar10"});
    assertEquals(new ModelSummary.Arguments("tf-cifar10", new ImageShape(3, 24, 24), 10, "relu"),
        tutorial);
    var lenet = ModelSummary.Arguments.parse(new String[] {"--classes", "100", "lenet5",
        "--input", "3,32,32", "--activation", "elu"});
    assertEquals(new ModelSummary.Arguments("lenet5", new ImageShape(3, 32, 32), 100, "elu"),
        lenet);
    assertNull(ModelSummary.Arguments.parse(new String[] {"--help"}));

    String page = ModelSummary.run(new String[] {"lenet-caffe", "--activation", "prelu"});
    assertTrue(page.startsWith("# Model lenet-caffe, input [1, 28, 28]\n"), page);
    assertTrue(page.contains("| ip1-prelu | PReLULayer | [500] | 500 | 500 | 0 |"), page);
  }

  @Test
  void commandLineSummarisesGraphModelsAtTheirNaturalInput() {
    String page = ModelSummary.run(new String[] {"resnet20"});
    assertTrue(page.startsWith("# Model resnet20, input [3, 32, 32]"), page);
    assertTrue(page.contains("| total |  |  | 269,722 | 271,098 | "), page);
  }

  @Test
  void commandLineRejectsBadArguments() {
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {"lenet6"}));
    assertTrue(unknown.getMessage().startsWith("unknown model 'lenet6'; known: alexnet, "),
        unknown.getMessage());
    var shape = assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {"lenet5", "--input", "28,28"}));
    assertEquals("--input takes channels,height,width (e.g. 3,32,32), got '28,28'",
        shape.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {"lenet5", "--classes"}));
    assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {"lenet5", "--epochs", "2"}));
    assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {}));
  }

  @Test
  void helpListsTheOptionsAndModelsAndAnUnknownOptionIsNamed() {
    String help = ModelSummary.run(new String[] {"--help"});
    assertTrue(help.startsWith("Usage: ModelSummary "), help);
    for (String option : List.of("MODEL", "--input", "--classes", "--activation", "--help",
        "(default: 10)", "(default: relu)", "resnet20", "mobilenet-v1-cifar")) {
      assertTrue(help.contains(option), option + " missing from:\n" + help);
    }
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {"lenet5", "--epochs", "2"}));
    assertTrue(unknown.getMessage().contains("--epochs"), unknown.getMessage());
    var missing = assertThrows(IllegalArgumentException.class,
        () -> ModelSummary.Arguments.parse(new String[] {"lenet5", "--classes"}));
    assertTrue(missing.getMessage().contains("--classes"), missing.getMessage());
  }
}
