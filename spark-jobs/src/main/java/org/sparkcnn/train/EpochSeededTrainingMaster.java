package org.sparkcnn.train;

import java.util.Random;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.sparkcnn.data.Seeds;

/**
 * DL4J's parameter-averaging training master whose split of each epoch's minibatches into
 * averaging rounds depends only on (seed, epoch).
 *
 * <p>DL4J draws the seed of every fit's random split from one {@code java.util.Random} that each
 * fit advances, so the split of epoch e depends on how many fits the same master ran before: a run
 * resumed at epoch e with a new master would split differently from the uninterrupted run.
 * {@link #startEpoch} replaces that source before each epoch's fit with one seeded from (seed,
 * epoch), so a resumed run repeats the uninterrupted run's splits.
 */
final class EpochSeededTrainingMaster extends ParameterAveragingTrainingMaster {
  private static final long serialVersionUID = 1L;
  /** Coordinate that keeps the split seeds apart from the other per-epoch seeds. */
  private static final long SPLITS = 0x5311_7500L;
  private final long seed;

  EpochSeededTrainingMaster(Builder builder, long seed) {
    super(builder);
    this.seed = seed;
  }

  /** Seeds the split of the next fit for 1-based {@code epoch}. */
  void startEpoch(int epoch) {
    rng = new Random(Seeds.mix(seed, SPLITS, epoch));
  }
}
