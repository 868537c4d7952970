package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkcnn.LocalSpark;
import org.sparkcnn.data.LabeledImage;
import scala.Tuple2;

/** The resident master's deal of an epoch into rounds and workers. */
class RoundDealTest {
  @ParameterizedTest(name = "{0} examples, batch {1}, {2} workers, averaging every {3}")
  @CsvSource({
    "1280, 64, 2, 5, 2", // 20 minibatches: exactly 2 full rounds
    "1300, 64, 2, 5, 3", // 21 (the last of 20 examples): a third round
    "60000, 64, 2, 5, 94", // Fashion-MNIST, the default job
    "100, 64, 2, 5, 1", // 2 minibatches: one round, one each
    "64, 64, 3, 5, 1", // 1 minibatch: one worker trains, two are idle
    "5000, 32, 3, 2, 27",
    "999, 10, 7, 1, 15"})
  void dealsEveryMinibatchOnceInBalancedRoundsOfAtMostTheAveragingFrequency(long examples,
      int batch, int workers, int frequency, int expectedRounds) {
    RoundDeal deal = new RoundDeal(examples, batch, workers, frequency);
    assertEquals(expectedRounds, deal.rounds());
    assertEquals(expectedRounds, ResidentTrainingMaster.roundsPerEpoch(examples, batch, workers,
        frequency));
    assertEquals(deal.rounds() * workers, deal.numPartitions());
    Map<Integer, TreeSet<Long>> minibatchesOf = new HashMap<>();
    Map<Long, Integer> partitionOf = new HashMap<>();
    for (long position = 0; position < examples; position++) {
      int partition = deal.getPartition(position);
      assertTrue(partition >= 0 && partition < deal.numPartitions(), "partition " + partition);
      long minibatch = deal.minibatchOf(position);
      Integer earlier = partitionOf.putIfAbsent(minibatch, partition);
      assertTrue(earlier == null || earlier == partition, "minibatch " + minibatch
          + " split over partitions " + earlier + " and " + partition);
      minibatchesOf.computeIfAbsent(partition, p -> new TreeSet<>()).add(minibatch);
    }
    long minibatches = (examples + batch - 1) / batch;
    assertEquals(minibatches, partitionOf.size(), "every minibatch dealt");
    List<Integer> perRound = new ArrayList<>();
    for (int r = 0; r < deal.rounds(); r++) {
      int inRound = 0;
      int most = 0;
      int least = Integer.MAX_VALUE;
      for (int w = 0; w < workers; w++) {
        int n = minibatchesOf.getOrDefault(r * workers + w, new TreeSet<>()).size();
        assertTrue(n <= frequency, "round " + r + " worker " + w + ": " + n);
        inRound += n;
        most = Math.max(most, n);
        least = Math.min(least, n);
      }
      assertTrue(most - least <= 1, "workers of round " + r + " differ by " + (most - least));
      perRound.add(inRound);
    }
    int fewest = perRound.stream().mapToInt(Integer::intValue).min().orElseThrow();
    int most = perRound.stream().mapToInt(Integer::intValue).max().orElseThrow();
    assertTrue(fewest >= 1 && most - fewest <= 1, "minibatches per round " + perRound);
  }

  @Test
  void dealsThroughTheJvmsSerializerWhatSparksDefaultShuffleDeals() {
    try (JavaSparkContext sc = LocalSpark.start()) {
      List<Tuple2<Long, LabeledImage>> examples = new ArrayList<>();
      for (long i = 0; i < 700; i++) {
        long position = (i * 389) % 700; // a permutation of 0..699
        examples.add(new Tuple2<>(position,
            new LabeledImage(i, new byte[] {(byte) i, (byte) (i >> 8), 7}, (int) (i % 10))));
      }
      JavaPairRDD<Long, LabeledImage> positioned = JavaPairRDD.fromJavaRDD(
          sc.parallelize(examples, 3));
      RoundDeal deal = new RoundDeal(700, 32, 2, 3);
      var dealt = deal.deal(positioned);
      ShuffleDependency<?, ?, ?> shuffle =
          (ShuffleDependency<?, ?, ?>) dealt.rdd().dependencies().head();
      assertInstanceOf(ExecutorSerializer.class, shuffle.serializer());
      assertEquals(SparkEnv.get().serializer().newInstance().getClass(),
          shuffle.serializer().newInstance().getClass());
      assertTrue(shuffle.serializer().supportsRelocationOfSerializedObjects(),
          "Kryo's bytes can be moved, as Spark's serialized shuffle needs");
      List<List<Tuple2<Long, LabeledImage>>> ours = sorted(dealt.glom().collect());
      List<List<Tuple2<Long, LabeledImage>>> spark =
          sorted(positioned.partitionBy(deal).rdd().toJavaRDD().glom().collect());
      assertEquals(deal.numPartitions(), ours.size());
      assertEquals(spark, ours);
      assertEquals(700, ours.stream().mapToInt(List::size).sum());
    }
  }

  private static List<List<Tuple2<Long, LabeledImage>>> sorted(
      List<List<Tuple2<Long, LabeledImage>>> partitions) {
    List<List<Tuple2<Long, LabeledImage>>> out = new ArrayList<>();
    for (List<Tuple2<Long, LabeledImage>> p : partitions) {
      List<Tuple2<Long, LabeledImage>> copy = new ArrayList<>(p);
      copy.sort(Comparator.comparingLong(Tuple2::_1));
      out.add(copy);
    }
    return out;
  }
}
