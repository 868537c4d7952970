package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.SparkTest;
import org.sparkcnn.augment.DatasetStats;
import org.sparkcnn.augment.Pipeline;

/** The augmentation pipeline over Spark local[2], fed from CIFAR files. */
class MinibatchesSparkTest extends SparkTest {
  @TempDir static Path dir;
  static CifarDataset data;

  @BeforeAll
  static void writeData() throws Exception {
    CifarFixtures.write(dir, "a.bin", CifarFixtures.cifar10(0, 37));
    CifarFixtures.write(dir, "b.bin", CifarFixtures.cifar10(37, 26));
    data = CifarDataset.open(List.of(dir + "/*.bin"), CifarFormat.CIFAR10, 0,
        sc.hadoopConfiguration());
  }

  /** Every training example of one epoch as "label:features", sorted (order is the shuffle's). */
  static List<String> epoch(int partitions, int epoch) {
    Augmenter augmenter = AugmenterTest.tutorial(42, 1);
    JavaRDD<LabeledImage> examples = data.load(sc, partitions);
    JavaRDD<DataSet> batches = Minibatches.training(examples, EpochOrder.of(examples, 42), 8,
        augmenter, epoch);
    List<String> rows = new ArrayList<>();
    for (DataSet ds : batches.collect()) {
      for (int i = 0; i < ds.numExamples(); i++) {
        rows.add(ds.getLabels().getRow(i).argMax().getInt(0) + ":"
            + Arrays.toString(ds.getFeatures().slice(i).dup().data().asFloat()));
      }
    }
    rows.sort(null);
    return rows;
  }

  @Test
  void theSameAugmentedImagesReachTrainingWhateverThePartitioning() {
    List<String> one = epoch(1, 1);
    assertEquals(63, one.size());
    for (int partitions : new int[] {2, 3, 7}) {
      assertEquals(one, epoch(partitions, 1), partitions + " partitions");
    }
    List<String> next = epoch(2, 2);
    assertEquals(63, next.size());
    assertNotEquals(one, next, "epoch 2 draws fresh distortions");
  }

  @Test
  void pixelStatisticsMatchADriverSideComputation() {
    DatasetStats stats = PixelStatistics.compute(data.load(sc, 3), CifarFormat.SHAPE);
    double[] sums = new double[3];
    double[][] products = new double[3][3];
    for (LabeledImage e : data.load(sc, 1).collect()) {
      byte[] p = e.pixels();
      for (int i = 0; i < 1024; i++) {
        for (int a = 0; a < 3; a++) {
          sums[a] += p[a * 1024 + i] & 0xFF;
          for (int b = 0; b < 3; b++) {
            products[a][b] += (p[a * 1024 + i] & 0xFF) * (p[b * 1024 + i] & 0xFF);
          }
        }
      }
    }
    DatasetStats expected = DatasetStats.fromSums(63 * 1024, sums, products);
    assertEquals(expected.pixels(), stats.pixels());
    for (int c = 0; c < 3; c++) {
      assertEquals(expected.mean()[c], stats.mean()[c], 1e-9);
      assertEquals(expected.std()[c], stats.std()[c], 1e-9);
      assertEquals(expected.eigenvalues()[c], stats.eigenvalues()[c], 1e-6);
    }
  }

  @Test
  void normalizeWithTheComputedStatisticsCentresEveryChannel() {
    DatasetStats stats = PixelStatistics.compute(data.load(sc, 2), CifarFormat.SHAPE);
    Pipeline normalize = Pipeline.parse("train.augment", List.of("normalize"), false)
        .withStats(stats);
    Augmenter augmenter = new Augmenter(CifarFormat.SHAPE, normalize, 10, 1, 1);
    double[] sums = new double[3];
    double[] squares = new double[3];
    for (DataSet ds : Minibatches.inOrder(data.load(sc, 2), 16, augmenter).collect()) {
      float[] v = ds.getFeatures().dup().data().asFloat();
      for (int i = 0; i < v.length; i++) {
        int c = i / 1024 % 3;
        sums[c] += v[i];
        squares[c] += v[i] * v[i];
      }
    }
    int n = 63 * 1024;
    for (int c = 0; c < 3; c++) {
      assertEquals(0, sums[c] / n, 1e-4, "channel " + c + " mean");
      assertEquals(1, Math.sqrt(squares[c] / n - Math.pow(sums[c] / n, 2)), 1e-4,
          "channel " + c + " std");
    }
  }
}
