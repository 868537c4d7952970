package org.sparkcnn.prune;

import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.models.ImageShape;

/**
 * Inference speed of a network on the driver: images per second of {@code output()} (inference
 * mode) over minibatches of random images (speed does not depend on the values), the median of
 * {@value #PASSES} timed passes after an untimed warm-up of at least {@value #WARM_UP} passes and
 * {@value #WARM_UP_SECONDS} seconds (the JIT and oneDNN's primitive cache settle in it). One JVM,
 * as many threads as its ND4J has (the submit scripts set {@code OMP_NUM_THREADS=1} for the
 * driver in local mode).
 */
final class InferenceSpeed {
  static final int WARM_UP = 5;
  static final double WARM_UP_SECONDS = 3;
  static final int PASSES = 9;

  private InferenceSpeed() {}

  /**
   * Images per second of {@code net} on minibatches of {@code batch} images of shape {@code
   * input} ([channels, height, width]).
   */
  static double imagesPerSecond(MultiLayerNetwork net, ImageShape input, int batch) {
    INDArray images = Nd4j.rand(Nd4j.getRandomFactory().getNewRandomInstance(1),
        batch, input.channels(), input.height(), input.width());
    long start = System.nanoTime();
    for (int i = 0; i < WARM_UP || System.nanoTime() - start < WARM_UP_SECONDS * 1e9; i++) {
      net.output(images, false).close();
    }
    double[] rates = new double[PASSES];
    for (int i = 0; i < PASSES; i++) {
      long t0 = System.nanoTime();
      net.output(images, false).close();
      rates[i] = batch / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(rates);
    return rates[PASSES / 2];
  }
}
