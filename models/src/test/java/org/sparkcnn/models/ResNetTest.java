package org.sparkcnn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkcnn.activations.ActivationHardSwish;
import org.sparkcnn.activations.ActivationReLUHardSwish;
import org.sparkcnn.activations.ActivationReLUSwish;
import org.sparkcnn.models.ResNet.Shortcut;
import org.sparkcnn.models.ResNet.Stem;
import org.sparkcnn.models.layers.NativeConvolution;
import org.sparkcnn.models.layers.ZeroPadShortcut;

class ResNetTest {
  /** torchvision's published counts (trainable: BN's running statistics are buffers there). */
  private static final long TORCHVISION_RESNET18 = 11_689_512;
  private static final long TORCHVISION_RESNET34 = 21_797_672;

  static NetworkOptions options(int channels, int size, int classes, String activation,
      IUpdater updater, ConvolutionEngine engine) {
    return new NetworkOptions(new ImageShape(channels, size, size), classes, activation,
        WeightInit.RELU, 0.0, updater, 1L, engine);
  }

  static NetworkOptions options(int channels, int size, int classes) {
    return options(channels, size, classes, "relu", new Sgd(0.1), ConvolutionEngine.NATIVE);
  }

  /** A k x k convolution without bias. */
  static long conv(long inMaps, long outMaps, long k) {
    return inMaps * outMaps * k * k;
  }

  /** BN's trainable gamma and beta. */
  static long bn(long maps) {
    return 2 * maps;
  }

  /** A basic block's two 3x3 convolutions and BNs. */
  static long block(long inMaps, long outMaps) {
    return conv(inMaps, outMaps, 3) + bn(outMaps) + conv(outMaps, outMaps, 3) + bn(outMaps);
  }

  /** A projection shortcut: 1x1 convolution and BN. */
  static long projection(long inMaps, long outMaps) {
    return conv(inMaps, outMaps, 1) + bn(outMaps);
  }

  static long dense(long in, long out) {
    return in * out + out;
  }

  private static void assertCounts(long trainable, long bnChannels, GraphBuilder builder) {
    ComputationGraphConfiguration conf = builder.conf();
    assertEquals(trainable, ParameterCounts.trainableParams(conf));
    // DL4J adds BN's running mean and variance, one of each per channel.
    assertEquals(trainable + 2 * bnChannels, ParameterCounts.totalParams(conf));
  }

  @Test
  void resnet18HasTorchvisionsParameterCount() {
    long trainable = conv(3, 64, 7) + bn(64)
        + 2 * block(64, 64)
        + block(64, 128) + projection(64, 128) + block(128, 128)
        + block(128, 256) + projection(128, 256) + block(256, 256)
        + block(256, 512) + projection(256, 512) + block(512, 512)
        + dense(512, 1000);
    assertEquals(TORCHVISION_RESNET18, trainable);
    long bnChannels = 64 + 2 * 2 * 64 + (2 * 2 + 1) * 128 + (2 * 2 + 1) * 256 + (2 * 2 + 1) * 512;
    assertCounts(trainable, bnChannels, ResNet.resnet18(options(3, 224, 1000)));
    assertEquals(11_699_112, trainable + 2 * bnChannels);
  }

  @Test
  void resnet34HasTorchvisionsParameterCount() {
    long trainable = conv(3, 64, 7) + bn(64)
        + 3 * block(64, 64)
        + block(64, 128) + projection(64, 128) + 3 * block(128, 128)
        + block(128, 256) + projection(128, 256) + 5 * block(256, 256)
        + block(256, 512) + projection(256, 512) + 2 * block(512, 512)
        + dense(512, 1000);
    assertEquals(TORCHVISION_RESNET34, trainable);
    long bnChannels = 64 + 3 * 2 * 64 + (4 * 2 + 1) * 128 + (6 * 2 + 1) * 256 + (3 * 2 + 1) * 512;
    assertCounts(trainable, bnChannels, ResNet.resnet34(options(3, 224, 1000)));
    assertEquals(21_814_696, trainable + 2 * bnChannels);
  }

  @Test
  void resnet20HasThePapersParameterCountWithZeroPaddingShortcuts() {
    long trainable = conv(3, 16, 3) + bn(16)
        + 3 * block(16, 16)
        + block(16, 32) + 2 * block(32, 32)
        + block(32, 64) + 2 * block(64, 64)
        + dense(64, 10);
    assertEquals(269_722, trainable); // "0.27M" in the paper's table 6
    long bnChannels = 16 + 3 * 2 * (16 + 32 + 64);
    assertCounts(trainable, bnChannels, ResNet.resnet20(options(3, 32, 10)));
    assertCounts(trainable + projection(16, 32) + projection(32, 64), bnChannels + 32 + 64,
        ResNet.cifar(options(3, 32, 10), 20, Shortcut.PROJECTION));
  }

  @Test
  void resnet18And34RunAtTheirSmallestInput() {
    for (ResNet resnet : new ResNet[] {ResNet.resnet18(options(3, 32, 1000)),
        ResNet.resnet34(options(3, 32, 1000))}) {
      assertEquals(32, resnet.minInputSize());
      ComputationGraph net = resnet.init();
      // The counts do not depend on the input size: global pooling feeds the classifier.
      assertEquals(ParameterCounts.totalParams(resnet.conf()), net.numParams());
      Map<String, INDArray> activations = net.feedForward(Nd4j.rand(2, 3, 32, 32), false);
      assertArrayEquals(new long[] {2, 64, 8, 8}, activations.get("stem-pool").shape());
      assertArrayEquals(new long[] {2, 512, 1, 1}, activations.get("stage4-block2-act2").shape());
      assertArrayEquals(new long[] {2, 1000}, activations.get("output").shape());
    }
  }

  @Test
  void resnet20RunsAt32x32() {
    ResNet resnet = ResNet.resnet20(options(3, 32, 10));
    ComputationGraph net = resnet.init();
    assertEquals(271_098, net.numParams());
    Map<String, INDArray> activations = net.feedForward(Nd4j.rand(2, 3, 32, 32), false);
    assertArrayEquals(new long[] {2, 32, 16, 16},
        activations.get("stage2-block1-shortcut").shape());
    assertArrayEquals(new long[] {2, 64, 8, 8}, activations.get("stage3-block3-act2").shape());
    INDArray out = activations.get("output");
    assertArrayEquals(new long[] {2, 10}, out.shape());
    assertEquals(2.0, out.sumNumber().doubleValue(), 1e-5); // softmax rows
  }

  @Test
  void namesLayersAndUsesTheChosenShortcut() {
    Map<String, GraphVertex> zeroPad = ResNet.resnet20(options(3, 32, 10)).conf().getVertices();
    assertInstanceOf(ZeroPadShortcut.class, zeroPad.get("stage2-block1-shortcut"));
    assertEquals(new ZeroPadShortcut(2, 32), zeroPad.get("stage2-block1-shortcut"));
    assertFalse(zeroPad.containsKey("stage1-block1-shortcut")); // same shape: the identity
    assertInstanceOf(ElementWiseVertex.class, zeroPad.get("stage3-block3-add"));
    assertEquals(Set.of("stage2-block1-shortcut", "stage3-block1-shortcut"),
        zeroPad.keySet().stream().filter(n -> n.contains("shortcut")).collect(Collectors.toSet()));

    Map<String, GraphVertex> projection = ResNet.resnet18(options(3, 64, 10)).conf().getVertices();
    assertTrue(projection.keySet().containsAll(Set.of("stem-conv", "stem-bn", "stem-act",
        "stem-pool", "stage4-block1-conv1", "stage4-block1-bn1", "stage4-block1-act1",
        "stage4-block1-conv2", "stage4-block1-bn2", "stage4-block1-shortcut-conv",
        "stage4-block1-shortcut-bn", "stage4-block1-add", "stage4-block1-act2", "avgpool",
        "output")));
    ConvolutionLayer conv = (ConvolutionLayer) layer(projection, "stage4-block1-conv1");
    assertFalse(conv.hasBias());
    assertArrayEquals(new int[] {2, 2}, conv.getStride());
    assertInstanceOf(ActivationLayer.class, layer(projection, "stage4-block1-act1"));
  }

  private static org.deeplearning4j.nn.conf.layers.Layer layer(Map<String, GraphVertex> vertices,
      String name) {
    return ((LayerVertex) vertices.get(name)).getLayerConf().getLayer();
  }

  @Test
  void everyConfigurationRoundTripsThroughJson() {
    NetworkOptions cifar = options(3, 32, 10);
    NetworkOptions prelu = options(3, 32, 10, "prelu", new Sgd(0.1), ConvolutionEngine.NATIVE);
    for (ResNet resnet : new ResNet[] {ResNet.resnet18(options(3, 224, 1000)),
        ResNet.resnet34(options(3, 224, 1000)), ResNet.resnet20(cifar),
        ResNet.cifar(cifar, 20, Shortcut.PROJECTION), ResNet.cifar(cifar, 56, Shortcut.ZERO_PAD),
        ResNet.resnet20(prelu), ResNet.resnet20(cifar.withConvolutions(ConvolutionEngine.DL4J))}) {
      ComputationGraphConfiguration conf = resnet.conf();
      assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
    }
  }

  @Test
  void usesTheChosenConvolutionEngine() {
    NetworkOptions nativeOptions = options(3, 32, 10);
    var nativeConf = ResNet.resnet20(nativeOptions).conf().getVertices();
    assertInstanceOf(NativeConvolution.class, layer(nativeConf, "stage1-block1-conv1"));
    ResNet dl4j = ResNet.resnet20(nativeOptions.withConvolutions(ConvolutionEngine.DL4J));
    assertEquals(ConvolutionLayer.class,
        layer(dl4j.conf().getVertices(), "stage1-block1-conv1").getClass());
    assertArrayEquals(new long[] {2, 10}, dl4j.init().outputSingle(Nd4j.rand(2, 3, 32, 32))
        .shape());
  }

  @Test
  void preluPutsAPreluLayerWhereTheActivationWouldBe() {
    NetworkOptions prelu = options(3, 6, 3, "prelu", new Sgd(0.1), ConvolutionEngine.NATIVE);
    ResNet resnet = tiny(prelu, Shortcut.ZERO_PAD);
    var vertices = resnet.conf().getVertices();
    assertInstanceOf(PReLULayer.class, layer(vertices, "stem-act"));
    assertInstanceOf(PReLULayer.class, layer(vertices, "stage2-block1-act2"));
    ComputationGraph net = resnet.init();
    long slopes = 4 + 2 * 4 + 2 * 8; // one per map: stem, then two per block
    long trainable = conv(3, 4, 3) + bn(4) + block(4, 4) + block(4, 8) + dense(8, 3);
    assertEquals(trainable + slopes, ParameterCounts.trainableParams(resnet.conf()));
    assertEquals(trainable + slopes + 2 * (4 + 2 * 4 + 2 * 8), net.numParams());
    assertArrayEquals(new long[] {8, 1, 1},
        net.getLayer("stage2-block1-act2").getParam("W").shape());
  }

  @Test
  void rejectsInputsBelowTheTotalStrideAndBadDepths() {
    var small = assertThrows(IllegalArgumentException.class,
        () -> ResNet.resnet18(options(3, 31, 10)));
    assertEquals("this ResNet needs an input of at least 32x32, got [3, 31, 31]",
        small.getMessage());
    var cifar = assertThrows(IllegalArgumentException.class,
        () -> ResNet.resnet20(options(3, 3, 10)));
    assertEquals("this ResNet needs an input of at least 4x4, got [3, 3, 3]", cifar.getMessage());
    assertEquals(4, ResNet.resnet20(options(3, 4, 10)).minInputSize());
    assertThrows(IllegalArgumentException.class,
        () -> ResNet.cifar(options(3, 32, 10), 21, Shortcut.ZERO_PAD));
    assertThrows(IllegalArgumentException.class, () -> new ResNet(options(3, 32, 10), Stem.CIFAR,
        new int[] {1, 1}, new int[] {8, 4}, Shortcut.ZERO_PAD));
  }

  /** Stem, a block that keeps the shape, one that halves it and doubles the maps: 6x6 input. */
  static ResNet tiny(NetworkOptions options, Shortcut shortcut) {
    return new ResNet(options, Stem.CIFAR, new int[] {1, 1}, new int[] {4, 8}, shortcut);
  }

  /** Input of the gradient checks: small, as the check runs two forward passes per parameter. */
  private static final int GRADIENT_CHECK_CHANNELS = 1;
  private static final int GRADIENT_CHECK_SIZE = 6;

  static Stream<Arguments> gradientChecks() {
    return Stream.of(
        Arguments.of(Shortcut.ZERO_PAD, ActivationReLUSwish.NAME, ConvolutionEngine.NATIVE),
        Arguments.of(Shortcut.ZERO_PAD, ActivationReLUHardSwish.NAME, ConvolutionEngine.NATIVE),
        Arguments.of(Shortcut.ZERO_PAD, ActivationHardSwish.NAME, ConvolutionEngine.DL4J),
        Arguments.of(Shortcut.PROJECTION, ActivationReLUSwish.NAME, ConvolutionEngine.DL4J),
        Arguments.of(Shortcut.PROJECTION, ActivationReLUHardSwish.NAME, ConvolutionEngine.NATIVE),
        Arguments.of(Shortcut.PROJECTION, ActivationHardSwish.NAME, ConvolutionEngine.NATIVE));
  }

  /**
   * DL4J's gradient check of the tiny network in double precision, BN on batch statistics as in
   * training. BN's running mean and variance get no gradient but an update, which the check would
   * compare with their numerical gradient, 0; DL4J's own BN checks exclude them by name, but
   * GradientCheckUtil maps names to positions in paramTable() order (vertex insertion order),
   * while a ComputationGraph lays its parameters out in topological order, and the two differ
   * where a block branches into a projection. So the statistics are locked instead: with decay 1
   * their update is exactly 0.
   */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("gradientChecks")
  void passesDl4jGradientCheck(Shortcut shortcut, String activation, ConvolutionEngine engine) {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil requires it
    try {
      Nd4j.getRandom().setSeed(12345);
      ComputationGraphConfiguration conf = new ResNet(
          options(GRADIENT_CHECK_CHANNELS, GRADIENT_CHECK_SIZE, 3, activation, new NoOp(), engine),
          Stem.CIFAR, new int[] {1, 1}, new int[] {2, 4}, shortcut).conf();
      conf.setDataType(DataType.DOUBLE);
      int batchNorms = 0;
      for (GraphVertex vertex : conf.getVertices().values()) {
        if (vertex instanceof LayerVertex v && v.getLayerConf().getLayer() instanceof
            BatchNormalization bn) {
          bn.setDecay(1.0);
          batchNorms++;
        }
      }
      assertEquals(shortcut == Shortcut.PROJECTION ? 6 : 5, batchNorms);
      ComputationGraph net = new ComputationGraph(conf);
      net.init();
      int minibatch = 4;
      INDArray input = Nd4j.rand(DataType.DOUBLE, minibatch, GRADIENT_CHECK_CHANNELS,
          GRADIENT_CHECK_SIZE, GRADIENT_CHECK_SIZE).muli(2).subi(1);
      INDArray labels = Nd4j.zeros(DataType.DOUBLE, minibatch, 3);
      for (int i = 0; i < minibatch; i++) {
        labels.putScalar(i, i % 3, 1.0);
      }
      boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig()
          .net(net).inputs(new INDArray[] {input}).labels(new INDArray[] {labels})
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
      assertTrue(ok, "gradient check " + shortcut + " " + activation + " " + engine);
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }
}
