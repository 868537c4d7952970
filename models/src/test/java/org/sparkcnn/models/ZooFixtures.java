package org.sparkcnn.models;

import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/** Options, parameter arithmetic and gradient checks shared by the model zoo tests. */
final class ZooFixtures {
  private ZooFixtures() {}

  static NetworkOptions options(ImageShape input, int classes, String activation) {
    return new NetworkOptions(input, classes, activation, WeightInit.RELU, 0.0, new Sgd(0.1), 1L,
        ConvolutionEngine.NATIVE);
  }

  /** Parameters of a k x k convolution, with or without biases. */
  static long conv(long in, long out, long k, boolean bias) {
    return in * out * k * k + (bias ? out : 0);
  }

  /** Trained parameters of batch normalization over {@code channels}: gamma and beta. */
  static long batchNorm(long channels) {
    return 2 * channels;
  }

  /**
   * DL4J's gradient check in double precision over every parameter (batch normalization's running
   * statistics excluded: they are not trained by gradients). The absolute tolerance is 1e-7: a
   * bias followed by batch normalization has a true gradient of 0, and the numerical one is
   * rounding noise of about 2e-8.
   */
  static boolean gradientCheck(MultiLayerConfiguration conf, ImageShape input, long seed) {
    DataType defaultType = Nd4j.defaultFloatingPointType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      conf.setDataType(DataType.DOUBLE);
      for (var layer : conf.getConfs()) {
        if (layer.getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
          base.setIUpdater(new NoOp());
        }
      }
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init();
      Set<String> statistics = new HashSet<>();
      for (String key : net.paramTable().keySet()) {
        if (key.endsWith("_mean") || key.endsWith("_var") || key.endsWith("_log10stdev")) {
          statistics.add(key);
        }
      }
      Nd4j.getRandom().setSeed(seed);
      INDArray x = Nd4j.rand(DataType.DOUBLE, 3, input.channels(), input.height(), input.width());
      INDArray labels = Nd4j.zeros(DataType.DOUBLE, 3, net.getLayerWiseConfigurations()
          .getConf(conf.getConfs().size() - 1).getLayer() instanceof
              org.deeplearning4j.nn.conf.layers.OutputLayer out ? out.getNOut() : 0);
      for (int i = 0; i < 3; i++) {
        labels.putScalar(i, i % labels.size(1), 1.0);
      }
      return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
          .input(x).labels(labels).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-7)
          .excludeParams(statistics)
          .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    } finally {
      Nd4j.setDefaultDataTypes(defaultType, defaultType);
    }
  }
}
