package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.sparkcnn.SparkTest;

/** The epoch order over Spark local[2], on a dataset stored class by class. */
class EpochOrderSparkTest extends SparkTest {
  static final int CLASSES = 10;
  static final int PER_CLASS = 60;

  /** 600 examples stored class by class: index i has label i / 60. */
  static List<LabeledImage> classSorted() {
    List<LabeledImage> examples = new ArrayList<>();
    for (int i = 0; i < CLASSES * PER_CLASS; i++) {
      examples.add(new LabeledImage(i, new byte[] {(byte) i}, i / PER_CLASS));
    }
    return examples;
  }

  /** The indices of the examples of each partition of {@code epoch}, in order. */
  static List<List<Long>> dealt(int storedPartitions, long seed, int epoch) {
    JavaRDD<LabeledImage> examples = sc.parallelize(classSorted(), storedPartitions);
    EpochOrder order = EpochOrder.of(examples, seed);
    return order.deal(examples, epoch).map(LabeledImage::index).glom().collect();
  }

  static List<Long> flat(List<List<Long>> partitions) {
    return partitions.stream().flatMap(List::stream).toList();
  }

  @Test
  void theOrderIsGlobalRandomAndTheSameWhateverThePartitioning() {
    List<List<Long>> ten = dealt(10, 42, 1);
    assertEquals(10, ten.size());
    List<Long> order = flat(ten);
    assertEquals(600, order.size());
    assertEquals(600, order.stream().distinct().count());
    for (int partitions : new int[] {1, 3, 7}) {
      assertEquals(order, flat(dealt(partitions, 42, 1)), partitions + " partitions");
    }
    // every dealt partition of 60 holds most of the ten classes, none more than a third
    for (List<Long> partition : ten) {
      assertEquals(60, partition.size());
      long[] counts = new long[CLASSES];
      partition.forEach(i -> counts[(int) (i / PER_CLASS)]++);
      assertTrue(Arrays.stream(counts).filter(c -> c > 0).count() >= 7, Arrays.toString(counts));
      assertTrue(Arrays.stream(counts).max().orElseThrow() <= 20, Arrays.toString(counts));
    }
  }

  @Test
  void eachEpochAndSeedDrawsAnotherOrderAndRepeatsIt() {
    List<Long> first = flat(dealt(4, 42, 1));
    assertEquals(first, flat(dealt(4, 42, 1)));
    assertNotEquals(first, flat(dealt(4, 42, 2)));
    assertNotEquals(first, flat(dealt(4, 43, 1)));
  }

  @Test
  void partitionSizesAndMinibatchCountsAreTheSameEveryEpoch() {
    JavaRDD<LabeledImage> examples = sc.parallelize(classSorted().subList(0, 599), 7);
    EpochOrder order = EpochOrder.of(examples, 1);
    assertEquals(599, order.size());
    long[] sizes = order.partitionSizes();
    assertEquals(599, Arrays.stream(sizes).sum());
    assertTrue(Arrays.stream(sizes).max().orElseThrow()
        - Arrays.stream(sizes).min().orElseThrow() <= 1, Arrays.toString(sizes));
    for (int epoch = 1; epoch <= 3; epoch++) {
      long[] actual = order.deal(examples, epoch).glom().map(p -> (long) p.size()).collect()
          .stream().mapToLong(Long::longValue).toArray();
      assertArrayEquals(sizes, actual, "epoch " + epoch);
    }
    // 7 partitions of 85 or 86 examples, 16 per minibatch: 6 minibatches each
    assertEquals(42, order.minibatches(16));
  }

  @Test
  void labelsPerPartitionShowTheStoredClassOrderAndTheDealtMix() {
    JavaRDD<LabeledImage> examples = sc.parallelize(classSorted(), 10);
    EpochOrder order = EpochOrder.of(examples, 42);
    PartitionLabels labels = order.labels(examples, CLASSES, 1);
    for (int p = 0; p < 10; p++) {
      assertEquals(PER_CLASS, labels.stored()[p][p], "stored partition " + p);
    }
    assertEquals(10, labels.far(labels.stored()).length);
    assertEquals(0, labels.far(labels.dealt()).length, labels.toJson(1));
    // the dealt counts are those of the partitions the epoch actually makes
    List<List<Long>> dealt = dealt(10, 42, 1);
    for (int p = 0; p < 10; p++) {
      long[] counts = new long[CLASSES];
      dealt.get(p).forEach(i -> counts[(int) (i / PER_CLASS)]++);
      assertArrayEquals(counts, labels.dealt()[p], "partition " + p);
    }
  }
}
