package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;

/** Distributed evaluation against the same arithmetic done on the driver. */
class EvaluatorTest {
  static final ImageShape SHAPE = new ImageShape(3, 32, 32);

  @Test
  void tenCropEvaluationScoresTheSoftmaxAveragedOverEachImagesViews() {
    MultiLayerNetwork net = Models.builder("tf-cifar10", new NetworkOptions(
        new ImageShape(3, 24, 24), 10, "relu", WeightInit.RELU, 0,
        new Sgd(0.1), 7, ConvolutionEngine.NATIVE)).init();
    Random random = new Random(3);
    List<LabeledImage> examples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] pixels = new byte[SHAPE.size()];
      random.nextBytes(pixels);
      examples.add(new LabeledImage(i, pixels, i % 10));
    }
    Augmenter tenCrop = new Augmenter(SHAPE, Pipeline.parse("train.eval-augment",
        List.of("ten-crop(size=24)", "standardize"), true), 10, 42, Augmenter.EVALUATION_EPOCH);

    Evaluation expected = new Evaluation(10);
    DataSet all = tenCrop.toDataSet(examples);
    INDArray averaged = net.output(all.getFeatures()).reshape('c', 40, 10, 10).mean(1);
    expected.eval(all.getLabels(), averaged);

    JavaSparkContext sc = LocalSpark.start();
    try {
      Evaluation distributed = Evaluator.evaluate(sc, net, sc.parallelize(examples, 3), tenCrop,
          7);
      assertEquals(40, distributed.getConfusionMatrix().getClasses().stream()
          .mapToInt(c -> distributed.getConfusionMatrix().getActualTotal(c)).sum());
      assertEquals(expected.getConfusionMatrix().toCSV(),
          distributed.getConfusionMatrix().toCSV());
      // top-5: the true class among the five largest averaged probabilities, counted by hand
      int top5 = 0;
      for (int i = 0; i < 40; i++) {
        double truth = averaged.getDouble(i, i % 10);
        int larger = 0;
        for (int c = 0; c < 10; c++) {
          larger += averaged.getDouble(i, c) > truth ? 1 : 0;
        }
        top5 += larger < 5 ? 1 : 0;
      }
      assertEquals(top5 / 40.0, distributed.topNAccuracy(), 1e-12);
      assertTrue(distributed.topNAccuracy() > distributed.accuracy());
      // The network's own parameters survive the broadcast's removal.
      assertEquals(averaged, net.output(all.getFeatures()).reshape('c', 40, 10, 10).mean(1));
    } finally {
      sc.stop();
    }
  }
}
