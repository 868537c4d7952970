package org.sparkcnn.train;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.sparkcnn.data.LabeledImage;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * How the resident training master ({@link ResidentTrainingMaster}) deals one epoch into
 * averaging rounds and workers, as a Spark partitioner of the examples' permuted positions.
 *
 * <p>The epoch's examples, in their permuted order ({@code EpochOrder}, seeded by (seed, epoch)),
 * are cut into M = ceil(examples / batch) minibatches: minibatch m holds positions [m * batch,
 * (m + 1) * batch), the last one possibly fewer. There are R = max(1, ceil(M / (workers x
 * averaging frequency))) rounds; minibatch m goes to round m mod R, and the k-th minibatch of a
 * round (k = m div R) to worker k mod workers, which fits it as its (k div workers)-th. So every
 * minibatch is fitted once per epoch (none is dropped), every round holds floor(M / R) or one
 * more minibatch, a round's workers differ by at most one minibatch, and none fits more than the
 * averaging frequency. Partition r x workers + w holds worker w's examples of round r; sorted by
 * position, they are its minibatches in fit order. The same deal {@link #byWorker} has one
 * partition per worker, all its rounds' examples (for one task per worker and epoch, {@code
 * train.round-scheduling = "barrier"}); sorted by round, then position, they are again its
 * minibatches in fit order.
 */
final class RoundDeal extends Partitioner {
  private static final long serialVersionUID = 1L;
  private final int batchSize;
  private final int workers;
  private final int rounds;
  private final boolean byWorker;

  /**
   * @param examples the examples of an epoch
   * @param batchSize examples per minibatch
   * @param workers workers of a round
   * @param averagingFrequency the most minibatches a worker fits in a round
   */
  RoundDeal(long examples, int batchSize, int workers, int averagingFrequency) {
    this.batchSize = batchSize;
    this.workers = workers;
    this.rounds = rounds(examples, batchSize, workers, averagingFrequency);
    this.byWorker = false;
  }

  private RoundDeal(RoundDeal deal) {
    this.batchSize = deal.batchSize;
    this.workers = deal.workers;
    this.rounds = deal.rounds;
    this.byWorker = true;
  }

  /** This deal with one partition per worker: partition w holds all of worker w's rounds. */
  RoundDeal byWorker() {
    return new RoundDeal(this);
  }

  /** Rounds of an epoch of {@code examples} examples (see the class comment), at least one. */
  static int rounds(long examples, int batchSize, int workers, int averagingFrequency) {
    long minibatches = (examples + batchSize - 1) / batchSize;
    long perRound = (long) workers * averagingFrequency;
    return (int) Math.max(1, (minibatches + perRound - 1) / perRound);
  }

  /**
   * The epoch's examples, keyed by their permuted positions, dealt into this deal's partitions
   * (one shuffle, not sorted; {@link ExecutorSerializer} writes and reads it).
   */
  JavaRDD<Tuple2<Long, LabeledImage>> deal(JavaPairRDD<Long, LabeledImage> positioned) {
    ClassTag<Long> position = ClassTag$.MODULE$.apply(Long.class);
    ClassTag<LabeledImage> image = ClassTag$.MODULE$.apply(LabeledImage.class);
    return new ShuffledRDD<Long, LabeledImage, LabeledImage>(positioned.rdd(), this, position,
        image, image).setSerializer(new ExecutorSerializer()).toJavaRDD();
  }

  /** Rounds of the epoch. */
  int rounds() {
    return rounds;
  }

  @Override
  public int numPartitions() {
    return byWorker ? workers : rounds * workers;
  }

  /**
   * The partition of permuted position {@code key} (a Long): round x workers + worker, or the
   * worker when {@link #byWorker}.
   */
  @Override
  public int getPartition(Object key) {
    long minibatch = minibatchOf((Long) key);
    int worker = (int) (minibatch / rounds % workers);
    return byWorker ? worker : roundOf((Long) key) * workers + worker;
  }

  /** The round (0-based) of permuted position {@code position}. */
  int roundOf(long position) {
    return (int) (minibatchOf(position) % rounds);
  }

  /** The minibatch of permuted position {@code position}. */
  long minibatchOf(long position) {
    return position / batchSize;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RoundDeal other && other.batchSize == batchSize
        && other.workers == workers && other.rounds == rounds && other.byWorker == byWorker;
  }

  @Override
  public int hashCode() {
    return ((batchSize * 31 + workers) * 31 + rounds) * 2 + (byWorker ? 1 : 0);
  }
}
