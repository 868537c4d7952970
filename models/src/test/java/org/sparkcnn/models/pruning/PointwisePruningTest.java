package org.sparkcnn.models.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.LeNet5;
import org.sparkcnn.models.MobileNetV1;
import org.sparkcnn.models.NetworkOptions;
import org.sparkcnn.models.layers.NativeConvolution;
import org.sparkcnn.models.layers.NativeDepthwiseConvolution;

class PointwisePruningTest {
  private static final ImageShape CIFAR = new ImageShape(3, 32, 32);
  private static final ImageShape SMALL = new ImageShape(3, 16, 16);

  static NetworkOptions options(ImageShape input, int classes, String activation,
      ConvolutionEngine engine) {
    return new NetworkOptions(input, classes, activation, WeightInit.RELU, 0.0,
        new Nesterovs(1e-4, 0.9), 1L, engine);
  }

  static MultiLayerNetwork mobileNet(ImageShape input, int classes, double alpha, boolean rhs,
      MobileNetV1.Form form, ConvolutionEngine engine, DataType dataType) {
    return mobileNet(input, classes, alpha, rhs, rhs ? "relu-h-swish" : "relu", form, engine,
        dataType);
  }

  static MultiLayerNetwork mobileNet(ImageShape input, int classes, double alpha, boolean rhs,
      String activation, MobileNetV1.Form form, ConvolutionEngine engine, DataType dataType) {
    MultiLayerConfiguration conf = new MobileNetV1(options(input, classes, activation, engine),
        alpha, rhs, form).conf();
    conf.setDataType(dataType);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * {@code steps} small SGD steps on random batches of 8: weights move a little, and batch
   * normalisation's running statistics (which move by a fixed 10% per step, whatever the learning
   * rate) approach those of the data, so the outputs in inference depend on the input.
   */
  static void train(MultiLayerNetwork net, ImageShape input, int classes, int steps) {
    Nd4j.getRandom().setSeed(11);
    DataType dataType = net.getLayerWiseConfigurations().getDataType();
    for (int s = 0; s < steps; s++) {
      INDArray x = images(dataType, 8, input);
      INDArray labels = Nd4j.zeros(dataType, 8, classes);
      for (int i = 0; i < 8; i++) {
        labels.putScalar(i, (i + s) % classes, 1.0);
      }
      net.fit(x, labels);
    }
  }

  /**
   * {@code n} random images that differ in what survives 16x downsampling: uniform noise plus a
   * brightness per image and channel and a horizontal ramp per image (plain noise images all
   * look alike to the deep layers).
   */
  static INDArray images(DataType dataType, int n, ImageShape input) {
    INDArray x = Nd4j.rand(dataType, n, input.channels(), input.height(), input.width());
    INDArray ramp = Nd4j.linspace(-1, 1, input.width(), dataType).reshape(1, input.width());
    for (int i = 0; i < n; i++) {
      double slope = 2 * Nd4j.getRandom().nextGaussian();
      for (int c = 0; c < input.channels(); c++) {
        INDArray plane = x.get(NDArrayIndex.point(i), NDArrayIndex.point(c));
        plane.addi(2 * Nd4j.getRandom().nextGaussian()).addiRowVector(ramp.mul(slope));
      }
    }
    return x;
  }

  @Test
  void paperScheduleRemovesThePapersParameterCounts() {
    MultiLayerNetwork net = mobileNet(CIFAR, 100, 1.0, true, MobileNetV1.Form.CIFAR,
        ConvolutionEngine.NATIVE, DataType.FLOAT);
    long unpruned = PointwisePruning.trainableParameters(net);
    assertEquals(3_315_428, unpruned);
    String[] layers = {"unit13-pw", "unit12-pw", "unit11-pw", "unit10-pw", "unit9-pw"};
    int[] filters = {256, 128, 64, 32, 16};
    long[] removedAfter = {288_512, 454_144, 545_152, 576_320, 592_416};
    String[] shares = {"8.70", "13.70", "16.44", "17.38", "17.87"};
    StringBuilder table = new StringBuilder("step | layer | removed | share | mult-adds\n");
    table.append("0 | - | 0 | 0.00 | ")
        .append(PointwisePruning.multiplyAdds(net, CIFAR)).append('\n');
    for (int step = 0; step < layers.length; step++) {
      net = PointwisePruning.pruneSmallest(net, layers[step], filters[step], FilterNorm.L1);
      long removed = unpruned - PointwisePruning.trainableParameters(net);
      String share = String.format(Locale.ROOT, "%.2f", 100.0 * removed / unpruned);
      table.append(step + 1).append(" | ").append(layers[step]).append(" | ").append(removed)
          .append(" | ").append(share).append(" | ")
          .append(PointwisePruning.multiplyAdds(net, CIFAR)).append('\n');
      assertEquals(removedAfter[step], removed, layers[step]);
      assertEquals(shares[step], share, layers[step]);
    }
    System.out.print(table);
    assertArrayEquals(new long[] {1, 100}, net.output(Nd4j.rand(1, 3, 32, 32)).shape());
  }

  @ParameterizedTest(name = "rhs={0} {1} unit={2} {3} {4}")
  @CsvSource({
      "false, relu, 13, CIFAR, NATIVE", "true, relu-h-swish, 13, CIFAR, NATIVE",
      "false, relu, 6, CIFAR, NATIVE", "true, relu-h-swish, 6, CIFAR, NATIVE",
      "true, relu-h-swish, 12, IMAGENET, NATIVE", "false, relu, 11, CIFAR, DL4J",
      "true, relu-h-swish, 13, IMAGENET, DL4J", "false, prelu, 2, CIFAR, NATIVE",
      "false, prelu, 1, CIFAR, DL4J"})
  void channelsCarryingZeroArePrunedWithoutChangingTheOutputs(boolean rhs, String activation,
      int unit, MobileNetV1.Form form, ConvolutionEngine engine) {
    ImageShape input = form == MobileNetV1.Form.CIFAR ? SMALL : new ImageShape(3, 32, 32);
    MultiLayerNetwork net = mobileNet(input, 10, 0.25, rhs, activation, form, engine,
        DataType.DOUBLE);
    train(net, input, 10, 20);
    int[] channels = {0, 3, 4, 9};
    for (int c : channels) {
      silence(net, "unit" + unit + "-pw-bn", c);
      if (unit < 13) {
        silence(net, "unit" + (unit + 1) + "-dw-bn", c);
      }
    }
    MultiLayerNetwork pruned = PointwisePruning.prune(net, "unit" + unit + "-pw", channels);
    assertEquals(net.numParams() - expectedRemoved(net, unit, channels.length),
        pruned.numParams());
    Nd4j.getRandom().setSeed(5);
    INDArray x = images(DataType.DOUBLE, 3, input);
    // Every activation from the layer that reads the pruned channels on: the next pointwise
    // convolution (strongly input-dependent) up to the softmax.
    String reader = unit < 13 ? "unit" + (unit + 1) + "-pw" : "output";
    int first = indexOf(net, reader);
    List<INDArray> expected = net.feedForward(x, false);
    List<INDArray> actual = pruned.feedForward(x, false);
    INDArray read = readerOutput(expected, first);
    // Deep layers of a barely trained network map all inputs to almost the same point, so the
    // check is that the kept channels still meet the right weights: the reader's outputs are
    // far from 0, equal to the unpruned ones, and wrong when channels carrying signal go.
    assertTrue(read.amaxNumber().doubleValue() > 0.1, reader + " outputs nearly 0");
    double readError = difference(read, readerOutput(actual, first))
        / Math.max(1, read.amaxNumber().doubleValue());
    assertTrue(readError <= 1e-6, reader + ": largest relative difference " + readError);
    INDArray probabilities = expected.get(expected.size() - 1);
    assertTrue(probabilities.maxNumber().doubleValue() < 0.9, "softmax not saturated");
    for (int i = first + 1; i < expected.size(); i++) {
      double error = difference(expected.get(i), actual.get(i))
          / Math.max(1, expected.get(i).amaxNumber().doubleValue());
      assertTrue(error <= 1e-6, "layer " + (i - 1) + ": largest relative difference " + error);
    }
    INDArray readerInput = Transforms.abs(expected.get(first), true);
    INDArray perChannel = readerInput.rank() == 4 ? readerInput.sum(0, 2, 3)
        : readerInput.sum(0);
    int loudest = perChannel.argMax().getInt(0);
    List<INDArray> signalPruned = PointwisePruning.prune(net, "unit" + unit + "-pw",
        new int[] {loudest}).feedForward(x, false);
    double change = difference(read, readerOutput(signalPruned, first));
    assertTrue(change > 1e-3, "pruning channels that carry signal changes " + reader + ": "
        + change);
    if (activation.equals("prelu")) { // the sliced slopes train on
      train(pruned, input, 10, 2);
      assertTrue(Double.isFinite(pruned.score()), "score " + pruned.score());
    }
  }

  /**
   * The linear output of the layer reading the pruned channels: the activations of a pointwise
   * convolution (before its batch normalisation), or the output layer's log-probabilities (the
   * logits less a constant per example; the probabilities squash differences), from feed-forward
   * {@code activations}.
   */
  private static INDArray readerOutput(List<INDArray> activations, int reader) {
    if (reader + 2 < activations.size()) {
      return activations.get(reader + 1);
    }
    INDArray probabilities = activations.get(reader + 1);
    return Transforms.log(probabilities, true);
  }

  private static int indexOf(MultiLayerNetwork net, String layer) {
    int index = indexOrNone(net, layer);
    assertTrue(index >= 0, "no layer " + layer);
    return index;
  }

  private static double difference(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }

  /** Gamma and beta 0 at {@code channel} of batch normalisation {@code layer}: it outputs 0. */
  private static void silence(MultiLayerNetwork net, String layer, int channel) {
    net.getLayer(layer).getParam("gamma").putScalar(channel, 0.0);
    net.getLayer(layer).getParam("beta").putScalar(channel, 0.0);
  }

  /** All parameters (DL4J's count) that pruning {@code count} filters of {@code unit} drops. */
  private static long expectedRemoved(MultiLayerNetwork net, int unit, int count) {
    String pw = "unit" + unit + "-pw";
    long perFilter = net.getLayer(pw).getParam("W").length() / filters(net, pw)
        + (net.getLayer(pw).paramTable().containsKey("b") ? 1 : 0) + 4 // BN: 2 + 2 statistics
        + slopes(net, pw + "-act");
    if (unit < 13) {
      String next = "unit" + (unit + 1);
      perFilter += 9 + 4 + slopes(net, next + "-dw-act") + filters(net, next + "-pw");
    } else {
      perFilter += net.getLayer("output").getParam("W").size(1);
    }
    return perFilter * count;
  }

  /** 1 if {@code layer} exists and is a PReLU layer (a slope per channel), else 0. */
  private static long slopes(MultiLayerNetwork net, String layer) {
    int index = indexOrNone(net, layer);
    return index >= 0 && net.getLayer(index).conf().getLayer() instanceof PReLULayer ? 1 : 0;
  }

  private static int indexOrNone(MultiLayerNetwork net, String layer) {
    for (int i = 0; i < net.getnLayers(); i++) {
      if (layer.equals(net.getLayer(i).conf().getLayer().getLayerName())) {
        return i;
      }
    }
    return -1;
  }

  private static long filters(MultiLayerNetwork net, String layer) {
    return net.getLayer(layer).getParam("W").size(0);
  }

  @Test
  void smallestFiltersAreRemovedByL1OrL2() {
    MultiLayerNetwork net = mobileNet(SMALL, 10, 0.25, true, MobileNetV1.Form.CIFAR,
        ConvolutionEngine.NATIVE, DataType.DOUBLE);
    INDArray weights = net.getLayer("unit12-pw").getParam("W"); // [256, 128, 1, 1]
    long inputs = weights.size(1);
    for (long f = 0; f < weights.size(0); f++) {
      weights.get(NDArrayIndex.point(f)).assign(f % 2 == 0 ? 1.0 + f : -1.0 - f);
    }
    // filter 7: every weight 0.01 (L1 1.28, L2 0.113); filter 200: one weight 0.5 (both 0.5)
    weights.get(NDArrayIndex.point(7)).assign(0.01);
    weights.get(NDArrayIndex.point(200)).assign(0.0).putScalar(new long[] {0, 0, 0}, 0.5);
    // filter 30: every weight 0.03 (L1 3.84, L2 0.34); L1 ranks it after filters 200 and 7
    weights.get(NDArrayIndex.point(30)).assign(-0.03);
    assertEquals(128, inputs);
    assertArrayEquals(new int[] {7, 200},
        PointwisePruning.smallestFilters(net, "unit12-pw", 2, FilterNorm.L1));
    assertArrayEquals(new int[] {7, 30},
        PointwisePruning.smallestFilters(net, "unit12-pw", 2, FilterNorm.L2));
    assertArrayEquals(new int[] {7, 30, 200},
        PointwisePruning.smallestFilters(net, "unit12-pw", 3, FilterNorm.L1));

    MultiLayerNetwork pruned = PointwisePruning.pruneSmallest(net, "unit12-pw", 2, FilterNorm.L2);
    INDArray kept = pruned.getLayer("unit12-pw").getParam("W");
    assertEquals(254, kept.size(0));
    assertEquals(weights.get(NDArrayIndex.point(6)), kept.get(NDArrayIndex.point(6)));
    assertEquals(weights.get(NDArrayIndex.point(8)), kept.get(NDArrayIndex.point(7)));
    assertEquals(weights.get(NDArrayIndex.point(31)), kept.get(NDArrayIndex.point(29)));
    assertEquals(weights.get(NDArrayIndex.point(200)), kept.get(NDArrayIndex.point(198)));
    assertEquals(254, pruned.getLayer("unit13-dw").getParam("W").size(2));
    assertEquals(254, pruned.getLayer("unit13-pw").getParam("W").size(1));
  }

  @Test
  void filterNormsOfAHandMadeArray() {
    INDArray weights = Nd4j.createFromArray(new double[][] {{3, -4}, {1, 1}, {-2, 0}})
        .reshape(3, 2, 1, 1);
    assertArrayEquals(new double[] {7, 2, 2}, FilterNorm.L1.filterNorms(weights), 1e-12);
    assertArrayEquals(new double[] {5, Math.sqrt(2), 2}, FilterNorm.L2.filterNorms(weights),
        1e-12);
    assertArrayEquals(new int[] {1, 2}, FilterNorm.L1.smallest(weights, 2)); // tie: lower first
    assertArrayEquals(new int[] {1}, FilterNorm.L2.smallest(weights, 1));
  }

  @Test
  void prunedNetworkSavesReloadsAndTrains(@TempDir Path dir) throws Exception {
    MultiLayerNetwork net = mobileNet(SMALL, 10, 0.25, true, MobileNetV1.Form.CIFAR,
        ConvolutionEngine.NATIVE, DataType.FLOAT);
    train(net, SMALL, 10, 1);
    MultiLayerNetwork pruned = PointwisePruning.pruneSmallest(
        PointwisePruning.pruneSmallest(net, "unit13-pw", 64, FilterNorm.L1),
        "unit12-pw", 32, FilterNorm.L1);
    assertEquals(1, net.getLayerWiseConfigurations().getIterationCount());
    assertEquals(1, pruned.getLayerWiseConfigurations().getIterationCount(),
        "the learning-rate schedule continues where it was");
    File file = dir.resolve("pruned.zip").toFile();
    ModelSerializer.writeModel(pruned, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertEquals(pruned.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
    assertEquals(NativeConvolution.class, restored.getLayer("unit13-pw").conf().getLayer()
        .getClass());
    assertEquals(NativeDepthwiseConvolution.class, restored.getLayer("unit13-dw").conf()
        .getLayer().getClass());
    assertEquals(192, ((NativeConvolution) restored.getLayer("unit13-pw").conf().getLayer())
        .getNOut());
    assertEquals(PointwisePruning.trainableParameters(pruned),
        PointwisePruning.trainableParameters(restored));
    Nd4j.getRandom().setSeed(7);
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
    assertEquals(pruned.output(x), restored.output(x));
    INDArray before = restored.params().dup();
    train(restored, SMALL, 10, 3);
    assertNotEquals(before, restored.params());
    assertTrue(Double.isFinite(restored.score()));
  }

  @Test
  void badRequestsAreRefusedNamingLayerAndNumbers() {
    MultiLayerNetwork net = mobileNet(SMALL, 10, 0.25, false, MobileNetV1.Form.CIFAR,
        ConvolutionEngine.NATIVE, DataType.FLOAT);
    MultiLayerNetwork lenet = new LeNet5(new NetworkOptions(new ImageShape(1, 28, 28), 10,
        "relu", WeightInit.RELU, 0, new Nesterovs(), 1L, ConvolutionEngine.NATIVE)).init();
    assertMessage("not a MobileNet V1", () -> PointwisePruning.pruneSmallest(lenet, "unit13-pw",
        1, FilterNorm.L1));
    assertMessage("unknown pointwise layer \"unit14-pw\"", () -> PointwisePruning.pruneSmallest(
        net, "unit14-pw", 1, FilterNorm.L1));
    assertMessage("unknown pointwise layer \"unit3-dw\"", () -> PointwisePruning.prune(net,
        "unit3-dw", new int[] {1}));
    for (int count : new int[] {256, 300, 0, -1}) {
      assertMessage("cannot remove " + count + " filters of unit13-pw, which has 256",
          () -> PointwisePruning.pruneSmallest(net, "unit13-pw", count, FilterNorm.L1));
    }
    assertMessage("filter 3 of unit2-pw (32 filters)", () -> PointwisePruning.prune(net,
        "unit2-pw", new int[] {3, 3}));
    assertMessage("filter 32 of unit2-pw (32 filters)", () -> PointwisePruning.prune(net,
        "unit2-pw", new int[] {32}));
    assertMessage("cannot remove 0 filters of unit2-pw", () -> PointwisePruning.prune(net,
        "unit2-pw", new int[0]));
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
