package org.sparkcnn.models.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.models.layers.NativeConvolutionTest.assertClose;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link NativeBatchNormalization} against DL4J's {@link BatchNormalization}: same parameters and
 * inputs give the same training and inference outputs, parameter gradients (including the running
 * statistics' updates), input gradients, and the same parameters after training steps.
 */
class NativeBatchNormalizationTest {
  private static final int IN_CHANNELS = 3;
  private static final int MAPS = 5;
  private static final int MINIBATCH = 4;
  private static final int SIDE = 6;

  /** One batch normalisation setting. */
  record Setting(CNN2DFormat format, boolean logStd, double decay) {
    @Override
    public String toString() {
      return format + (logStd ? " log10 std" : " variance") + " decay " + decay;
    }
  }

  static Stream<Arguments> settings() {
    List<Arguments> all = new ArrayList<>();
    for (CNN2DFormat format : CNN2DFormat.values()) {
      for (boolean logStd : new boolean[] {true, false}) {
        all.add(Arguments.of(new Setting(format, logStd, 0.9)));
      }
    }
    all.add(Arguments.of(new Setting(CNN2DFormat.NCHW, true, 0.5)));
    return all.stream();
  }

  /** Convolution, batch normalisation (DL4J's or native), ReLU, dense output. */
  static MultiLayerNetwork network(boolean nativeLayer, Setting s, DataType dataType,
      IUpdater updater) {
    BatchNormalization bn = new BatchNormalization.Builder().decay(s.decay()).eps(1e-3)
        .useLogStd(s.logStd()).build();
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(7)
        .dataType(dataType)
        .updater(updater)
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(MAPS).dataFormat(s.format())
            .activation(Activation.IDENTITY).build())
        .layer(nativeLayer ? new NativeBatchNormalization(bn) : bn)
        .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY).nOut(3).build())
        .setInputType(InputType.convolutional(SIDE, SIDE, IN_CHANNELS, s.format()))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Input with a mean far from 0 and a spread far from 1, so the statistics matter. */
  static INDArray input(Setting s, DataType dataType, long seed) {
    Nd4j.getRandom().setSeed(seed);
    long[] shape = s.format() == CNN2DFormat.NCHW
        ? new long[] {MINIBATCH, IN_CHANNELS, SIDE, SIDE}
        : new long[] {MINIBATCH, SIDE, SIDE, IN_CHANNELS};
    return Nd4j.randn(dataType, shape).muli(3).addi(2);
  }

  static double tolerance(DataType dataType) {
    return dataType == DataType.FLOAT ? 1e-5 : 1e-10;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void matchesBatchNormalizationInFloatAndDouble(Setting s) {
    for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      String what = s + " " + dataType;
      MultiLayerNetwork reference = network(false, s, dataType, new NoOp());
      MultiLayerNetwork fast = network(true, s, dataType, new NoOp());
      assertInstanceOf(NativeBatchNormalizationLayer.class, fast.getLayer(1));
      fast.setParams(reference.params());
      INDArray x = input(s, dataType, 11);
      double tolerance = tolerance(dataType);

      List<INDArray> expectedTraining = reference.feedForward(x, true);
      List<INDArray> actualTraining = fast.feedForward(x, true);
      assertClose(expectedTraining.get(2), actualTraining.get(2), tolerance,
          what + " training output");
      INDArray labels = Nd4j.randn(dataType, reference.output(x).shape());
      Pair<Gradient, INDArray> expected = reference.calculateGradients(x, labels, null, null);
      Pair<Gradient, INDArray> actual = fast.calculateGradients(x, labels, null, null);
      assertEquals(expected.getFirst().gradientForVariable().keySet(),
          actual.getFirst().gradientForVariable().keySet(), what);
      for (String key : expected.getFirst().gradientForVariable().keySet()) {
        assertClose(expected.getFirst().getGradientFor(key),
            actual.getFirst().getGradientFor(key), tolerance, what + " gradient " + key);
      }
      assertClose(expected.getSecond(), actual.getSecond(), tolerance, what + " input gradient");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void trainsAndInfersLikeBatchNormalization(Setting s) {
    for (DataType dataType : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      String what = s + " " + dataType;
      MultiLayerNetwork reference = network(false, s, dataType, new Nesterovs(0.05, 0.9));
      MultiLayerNetwork fast = network(true, s, dataType, new Nesterovs(0.05, 0.9));
      fast.setParams(reference.params());
      INDArray labels = Nd4j.randn(dataType, MINIBATCH, 3);
      for (int step = 0; step < 5; step++) {
        INDArray x = input(s, dataType, 100 + step); // new statistics every step
        reference.fit(x, labels);
        fast.fit(x, labels);
      }
      double tolerance = 10 * tolerance(dataType); // five steps of rounding
      assertNotEquals(0.0, reference.score());
      assertClose(reference.getLayer(1).params(), fast.getLayer(1).params(), tolerance,
          what + " batch normalisation parameters after 5 steps");
      assertClose(reference.params(), fast.params(), tolerance, what + " all parameters");
      INDArray x = input(s, dataType, 999);
      assertClose(reference.output(x), fast.output(x), tolerance, what + " inference output");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("settings")
  void passesDl4jGradientCheck(Setting s) {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil requires it
    try {
      MultiLayerNetwork net = network(true, s, DataType.DOUBLE, new NoOp());
      INDArray x = input(s, DataType.DOUBLE, 5);
      INDArray labels = Nd4j.randn(DataType.DOUBLE, net.output(x).shape());
      boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
          .net(net).input(x).labels(labels)
          // the running statistics are not trained by gradients (DL4J's own tests skip them)
          .excludeParams(Set.of("1_mean", "1_var", "1_log10stdev"))
          .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
      assertTrue(ok, "gradient check " + s);
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }

  @Test
  void keepsEverySettingOfTheLayerItReplaces() {
    BatchNormalization bn = new BatchNormalization.Builder().name("bn").decay(0.8).eps(1e-4)
        .useLogStd(false).minibatch(true).nOut(7).nIn(7).dataFormat(CNN2DFormat.NHWC)
        .updater(new Nesterovs(0.3, 0.5)).l2(1e-3).build();
    NativeBatchNormalization fast = new NativeBatchNormalization(bn);
    String expected = bn.toString().replace("BatchNormalization(", "");
    assertEquals(expected, fast.toString().replace("NativeBatchNormalization(", "")
        .replace("BatchNormalization(", ""));
    assertNotEquals(bn, fast);
    assertNotEquals(fast, bn);
    assertEquals(fast, fast.clone());
    assertEquals(fast.hashCode(), fast.clone().hashCode());
  }

  @Test
  void configurationSurvivesJsonAndModelSerializer(@TempDir Path dir) throws Exception {
    Setting s = new Setting(CNN2DFormat.NHWC, false, 0.7);
    MultiLayerNetwork net = network(true, s, DataType.FLOAT, new Nesterovs(0.01, 0.9));
    net.fit(input(s, DataType.FLOAT, 3), Nd4j.randn(DataType.FLOAT, MINIBATCH, 3));
    MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
    MultiLayerConfiguration parsed = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(conf, parsed);
    NativeBatchNormalization layer =
        assertInstanceOf(NativeBatchNormalization.class, parsed.getConf(1).getLayer());
    assertEquals(0.7, layer.getDecay());
    assertEquals(CNN2DFormat.NHWC, layer.getCnn2DFormat());

    File file = dir.resolve("net.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertInstanceOf(NativeBatchNormalizationLayer.class, restored.getLayer(1));
    INDArray x = input(s, DataType.FLOAT, 4);
    assertEquals(net.output(x), restored.output(x));
    assertEquals(net.params(), restored.params());
  }

  @Test
  void modelWithDl4jsLayerStillLoadsAsDl4jsLayer(@TempDir Path dir) throws Exception {
    Setting s = new Setting(CNN2DFormat.NCHW, true, 0.9);
    MultiLayerNetwork net = network(false, s, DataType.FLOAT, new NoOp());
    File file = dir.resolve("old.zip").toFile();
    ModelSerializer.writeModel(net, file, true);
    MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file);
    assertEquals(org.deeplearning4j.nn.layers.normalization.BatchNormalization.class,
        restored.getLayer(1).getClass());
    INDArray x = input(s, DataType.FLOAT, 4);
    assertEquals(net.output(x), restored.output(x));
  }
}
