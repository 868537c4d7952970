package org.sparkcnn.config;

import static org.sparkcnn.config.ConfigNumbers.wholeInt;
import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;

/**
 * The keys of section {@code train} that shape the parameter-averaging training master: how
 * many workers fit how large minibatches between two averagings, and how their parameters are
 * gathered. The rounds of an epoch follow from them; what is learnt per example does not.
 */
public record AveragingConfig(int batchSizePerWorker, int workers, int averagingFrequency,
    int prefetchBatches, int aggregationDepth, TrainingMasterChoice master,
    RoundScheduling roundScheduling) {
  public AveragingConfig {
    check(batchSizePerWorker > 0, "train.batch-size-per-worker", "must be > 0",
        batchSizePerWorker);
    check(workers >= 0, "train.workers", "must be >= 0", workers);
    check(averagingFrequency > 0, "train.averaging-frequency", "must be > 0",
        averagingFrequency);
    check(prefetchBatches >= 0, "train.prefetch-batches", "must be >= 0", prefetchBatches);
    check(aggregationDepth >= 1, "train.aggregation-depth", "must be >= 1", aggregationDepth);
    check(roundScheduling == RoundScheduling.JOB || master == TrainingMasterChoice.RESIDENT,
        "train.round-scheduling", "must be \"job\" with train.master = \"" + master + "\"",
        roundScheduling);
  }

  /** Settings for the given master, one Spark job per round ({@code train.round-scheduling}). */
  public AveragingConfig(int batchSizePerWorker, int workers, int averagingFrequency,
      int prefetchBatches, int aggregationDepth, TrainingMasterChoice master) {
    this(batchSizePerWorker, workers, averagingFrequency, prefetchBatches, aggregationDepth,
        master, RoundScheduling.JOB);
  }

  /** Settings for DL4J's training master ({@code train.master = "dl4j"}). */
  public AveragingConfig(int batchSizePerWorker, int workers, int averagingFrequency,
      int prefetchBatches, int aggregationDepth) {
    this(batchSizePerWorker, workers, averagingFrequency, prefetchBatches, aggregationDepth,
        TrainingMasterChoice.DL4J);
  }

  /**
   * Reads {@code train.batch-size-per-worker}, {@code train.workers}, {@code
   * train.averaging-frequency}, {@code train.prefetch-batches} and {@code
   * train.aggregation-depth}, {@code train.master} and {@code train.round-scheduling}.
   */
  public static AveragingConfig from(Config c) {
    return new AveragingConfig(wholeInt(c, "train.batch-size-per-worker"),
        wholeInt(c, "train.workers"),
        wholeInt(c, "train.averaging-frequency"), wholeInt(c, "train.prefetch-batches"),
        wholeInt(c, "train.aggregation-depth"),
        TrainingMasterChoice.parse(c.getString("train.master")),
        RoundScheduling.parse(c.getString("train.round-scheduling")));
  }
}
