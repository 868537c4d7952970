package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.models.ConvolutionEngine;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.Models;
import org.sparkcnn.models.NetworkOptions;

/** Top-k accuracy with ties at their expected value, alone, on Spark and through the job. */
class TopKEvaluationTest {
  @TempDir Path runs;

  @Test
  void aTiedTrueClassCountsItsChanceOfLandingInTheTopK() {
    double[] uniform = new double[10];
    java.util.Arrays.fill(uniform, 0.1);
    assertEquals(0.5, TopKEvaluation.expectedHit(uniform, 3, 5), 1e-12);
    assertEquals(0.1, TopKEvaluation.expectedHit(uniform, 3, 1), 1e-12);
    // no ties: DL4J's rule, 1 when fewer than k classes score higher
    double[] distinct = {0.5, 0.2, 0.15, 0.1, 0.05};
    assertEquals(1.0, TopKEvaluation.expectedHit(distinct, 1, 2), 1e-12);
    assertEquals(0.0, TopKEvaluation.expectedHit(distinct, 2, 2), 1e-12);
    // one class higher, the true class tied with two others for the last of 2 places: 1/3
    double[] boundary = {0.4, 0.2, 0.2, 0.2};
    assertEquals(1.0 / 3, TopKEvaluation.expectedHit(boundary, 2, 2), 1e-12);
    // tied classes all inside the top k: a sure hit
    assertEquals(1.0, TopKEvaluation.expectedHit(boundary, 3, 4), 1e-12);
  }

  /** One example of each of 10 classes, every output 0.1. */
  static INDArray[] uniformOutputs() {
    INDArray labels = Nd4j.eye(10).castTo(DataType.FLOAT);
    INDArray predictions = Nd4j.valueArrayOf(new long[] {10, 10}, 0.1f);
    return new INDArray[] {labels, predictions};
  }

  @Test
  void uniformOutputsScoreTopFiveAHalfWhereDl4jCountsEveryExample() {
    INDArray[] data = uniformOutputs();
    Evaluation dl4j = new Evaluation(
        List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), 5);
    dl4j.eval(data[0], data[1]);
    assertEquals(1.0, dl4j.topNAccuracy(), 1e-12, "DL4J's own rule counts ties as hits");

    TopKEvaluation eval = (TopKEvaluation) Evaluator.newEvaluation(10);
    eval.eval(data[0], data[1]);
    assertEquals(0.5, eval.topNAccuracy(), 1e-12);
    assertEquals(0.1, eval.accuracy(), 1e-12, "top-1: argmax, class 0");
    assertEquals(10, eval.getNumRowCounter());
  }

  @Test
  void mergedHalvesEqualTheWhole() {
    INDArray labels = Nd4j.eye(4).castTo(DataType.FLOAT);
    INDArray predictions = Nd4j.createFromArray(new float[][] {
        {0.7f, 0.1f, 0.1f, 0.1f}, {0.4f, 0.2f, 0.2f, 0.2f}, {0.1f, 0.6f, 0.2f, 0.1f},
        {0.25f, 0.25f, 0.25f, 0.25f}});
    TopKEvaluation whole = new TopKEvaluation(List.of("a", "b", "c", "d"), 2);
    whole.eval(labels, predictions);
    // hits: 1, 1/3, 1, 1/2
    assertEquals((1 + 1.0 / 3 + 1 + 0.5) / 4, whole.topNAccuracy(), 1e-12);
    TopKEvaluation first = new TopKEvaluation(List.of("a", "b", "c", "d"), 2);
    first.eval(labels.getRows(0, 1), predictions.getRows(0, 1));
    TopKEvaluation second = new TopKEvaluation(List.of("a", "b", "c", "d"), 2);
    second.eval(labels.getRows(2, 3), predictions.getRows(2, 3));
    first.merge(second);
    assertEquals(whole.topNAccuracy(), first.topNAccuracy(), 1e-12);
    assertEquals(whole.accuracy(), first.accuracy(), 1e-12);
    Evaluation plain = new Evaluation(List.of("a", "b", "c", "d"), 2);
    plain.eval(labels, predictions);
    assertThrows(IllegalArgumentException.class, () -> first.merge(plain));
    assertThrows(IllegalArgumentException.class,
        () -> whole.eval(labels, predictions, Nd4j.ones(4), null));
  }

  @Test
  void aNetworkWithZeroParametersScoresTopFiveAHalfOnSpark() {
    MultiLayerNetwork net = Models.builder("lenet5", new NetworkOptions(
        new ImageShape(1, 28, 28), 10, "relu", WeightInit.ZERO, 0, new Sgd(0.1), 7,
        ConvolutionEngine.NATIVE)).init();
    List<LabeledImage> examples = new ArrayList<>();
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 50; i++) {
      byte[] pixels = new byte[28 * 28];
      random.nextBytes(pixels);
      examples.add(new LabeledImage(i, pixels, i % 10));
    }
    Augmenter scale = new Augmenter(new ImageShape(1, 28, 28),
        Pipeline.parse("train.eval-augment", List.of("scale"), true), 10, 1,
        Augmenter.EVALUATION_EPOCH);
    JavaSparkContext sc = LocalSpark.start();
    try {
      Evaluation eval = Evaluator.evaluate(sc, net, sc.parallelize(examples, 3), scale, 8);
      assertEquals(0.5, eval.topNAccuracy(), 1e-12);
      assertEquals(0.1, eval.accuracy(), 1e-12);
      assertEquals(50, eval.getNumRowCounter());
    } finally {
      sc.stop();
    }
  }

  @Test
  void aRunWhoseOutputsStayUniformReportsTopFiveAHalf() throws Exception {
    List<String> args = new ArrayList<>(List.of(
        "--set", "data.train-images=" + TrainJobTest.SUBSET.resolve("train-images-idx3-ubyte.gz"),
        "--set", "data.train-labels=" + TrainJobTest.SUBSET.resolve("train-labels-idx1-ubyte.gz"),
        "--set", "data.test-images=" + TrainJobTest.SUBSET.resolve("t10k-images-idx3-ubyte.gz"),
        "--set", "data.test-labels=" + TrainJobTest.SUBSET.resolve("t10k-labels-idx1-ubyte.gz"),
        "--set", "data.train-limit=640", "--set", "data.test-limit=200",
        "--set", "model.weight-init=zero", "--set", "train.updater=sgd",
        "--set", "train.learning-rate=1e-30", "--set", "train.epochs=1",
        "--set", "run.output-root=" + runs, "--set", "run.id=uniform"));
    TrainJobTest.Outcome outcome = TrainJobTest.execute(args);
    assertEquals(ExitCode.OK, outcome.code(), outcome.err());
    List<List<String>> metrics = TrainJobTest.csv(runs.resolve("uniform/metrics.csv"));
    assertEquals(Math.log(10), Double.parseDouble(metrics.get(1).get(4)), 1e-4, "loss ln 10");
    assertEquals("test_top5_accuracy", metrics.get(0).get(9));
    assertEquals("0.5000", metrics.get(1).get(9));
    List<List<String>> accuracy = TrainJobTest.csv(runs.resolve("uniform/accuracy.csv"));
    for (String column : List.of("top5_accuracy", "top5_accuracy_ema")) {
      int top5 = accuracy.get(0).indexOf(column);
      assertEquals("0.5000", accuracy.get(1).get(top5), column + " in " + accuracy);
    }
  }
}
