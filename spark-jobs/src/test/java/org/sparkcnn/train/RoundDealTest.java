package org.sparkcnn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
