package org.sparkcnn.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The order in which the cached training examples reach the partitions, and so the minibatches,
 * of each epoch: a seeded global random order, drawn afresh every epoch.
 *
 * <p>The examples are cached in the dataset's own order (IDX and CIFAR records in file order, an
 * image folder's sorted file list), cut into contiguous partitions. Datasets are often stored class
 * by class, and minibatches are made inside a partition, so shuffling only inside partitions would
 * leave a partition (and every minibatch of it) with one or a few classes: with as many partitions
 * as classes, training stayed at chance. Instead each epoch numbers the examples by their position
 * in the dataset's order (dense, whatever the partitioning), sends position {@code i} to position
 * {@code π_e(i)} of a {@link Permutation} seeded by (run seed, epoch), cuts the permuted order into
 * as many contiguous ranges as there are partitions (sizes differing by at most one, the same every
 * epoch) and sorts each range: every partition is a uniform random sample of the dataset, in random
 * order, and the order depends only on (seed, epoch, dataset), not on how the data was read or on
 * which epoch a resumed run starts with.
 *
 * <p>It costs one shuffle of the cached uint8 examples per epoch (about 47 MB for Fashion-MNIST's
 * training set), which runs inside the job that builds the epoch's minibatches.
 */
public final class EpochOrder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Keeps the epoch order's random stream apart from the augmentation's (seed, epoch, index). */
  private static final long ORDER_STREAM = 0x6f72646572L;

  private final long seed;
  private final long[] offsets;

  private EpochOrder(long seed, long[] offsets) {
    this.seed = seed;
    this.offsets = offsets;
  }

  /**
   * The order of {@code examples} for runs seeded with {@code seed}: counts the examples of each
   * partition (one pass over the cached data) to number them.
   *
   * @param examples the cached examples, in the dataset's order across partitions
   * @throws BadInputException if there are no examples
   */
  public static EpochOrder of(JavaRDD<LabeledImage> examples, long seed) {
    List<Long> counts = examples.mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(n).iterator();
    }).collect();
    return of(counts, seed);
  }

  /** The order of a dataset whose partitions hold {@code counts} examples, in partition order. */
  static EpochOrder of(List<Long> counts, long seed) {
    long[] offsets = new long[counts.size() + 1];
    for (int p = 0; p < counts.size(); p++) {
      offsets[p + 1] = offsets[p] + counts.get(p);
    }
    if (offsets[counts.size()] == 0) {
      throw new BadInputException("the training set holds no examples");
    }
    return new EpochOrder(seed, offsets);
  }

  /** The same order for runs seeded with {@code otherSeed}. */
  public EpochOrder withSeed(long otherSeed) {
    return new EpochOrder(otherSeed, offsets);
  }

  /** How many examples. */
  public long size() {
    return offsets[offsets.length - 1];
  }

  /** How many partitions each epoch deals the examples into (as many as the cache has). */
  public int partitions() {
    return offsets.length - 1;
  }

  /** How many examples each partition of an epoch holds (the same every epoch). */
  public long[] partitionSizes() {
    int parts = partitions();
    long[] sizes = new long[parts];
    for (int p = 0; p < parts; p++) {
      sizes[p] = firstPositionOf(p + 1) - firstPositionOf(p);
    }
    return sizes;
  }

  /** Minibatches of {@code batchSize} one epoch makes (each partition's last may be smaller). */
  public long minibatches(int batchSize) {
    return Arrays.stream(partitionSizes()).map(n -> (n + batchSize - 1) / batchSize).sum();
  }

  /** The permutation of dataset positions in {@code epoch}. */
  public Permutation permutation(int epoch) {
    return new Permutation(size(), Seeds.mix(seed, epoch, ORDER_STREAM));
  }

  /** The partition that permuted position {@code position} falls in. */
  public int partitionOf(long position) {
    return (int) (Math.multiplyExact(position, partitions()) / size());
  }

  /** The first permuted position of partition {@code p}: ceil(p * size / partitions). */
  private long firstPositionOf(int p) {
    return (Math.multiplyExact(p, size()) + partitions() - 1) / partitions();
  }

  /**
   * {@code examples} dealt into {@link #partitions()} partitions in {@code epoch}'s order.
   *
   * @param examples the RDD this order was made of ({@link #of}), or one partitioned the same way
   */
  public JavaRDD<LabeledImage> deal(JavaRDD<LabeledImage> examples, int epoch) {
    return positioned(examples, epoch).repartitionAndSortWithinPartitions(new Ranges(this))
        .values();
  }

  /**
   * {@code examples} keyed by their permuted position in {@code epoch} (0 .. size - 1), where
   * they stay (no shuffle): what {@link #deal} and the resident training master deal from.
   *
   * @param examples the RDD this order was made of ({@link #of}), or one partitioned the same way
   * @throws IllegalArgumentException if {@code examples} has another number of partitions
   */
  public JavaPairRDD<Long, LabeledImage> positioned(JavaRDD<LabeledImage> examples, int epoch) {
    if (examples.getNumPartitions() != partitions()) {
      throw new IllegalArgumentException("the order was made for " + partitions()
          + " partitions, the examples have " + examples.getNumPartitions());
    }
    Permutation permutation = permutation(epoch);
    long[] starts = offsets;
    JavaRDD<Tuple2<Long, LabeledImage>> keyed = examples.mapPartitionsWithIndex((p, it) -> {
      long position = starts[p];
      List<Tuple2<Long, LabeledImage>> out = new ArrayList<>();
      while (it.hasNext()) {
        out.add(new Tuple2<>(permutation.apply(position++), it.next()));
      }
      return out.iterator();
    }, true);
    return JavaPairRDD.fromJavaRDD(keyed);
  }

  /**
   * Label counts [partition][class] of the cached partitions (as stored) and of {@code epoch}'s
   * partitions, in one pass over the cached examples that moves no pixels.
   *
   * @throws BadInputException if a label is outside {@code 0 .. numClasses - 1}
   */
  public PartitionLabels labels(JavaRDD<LabeledImage> examples, int numClasses, int epoch) {
    Permutation permutation = permutation(epoch);
    int parts = partitions();
    long[] starts = offsets;
    EpochOrder order = this;
    return examples.mapPartitionsWithIndex((p, it) -> {
      long[][] stored = new long[parts][numClasses];
      long[][] dealt = new long[parts][numClasses];
      long position = starts[p];
      while (it.hasNext()) {
        LabeledImage example = it.next();
        int label = example.label();
        if (label < 0 || label >= numClasses) {
          throw new BadInputException("example " + example.index() + ": label " + label
              + " is outside the class range 0.." + (numClasses - 1));
        }
        stored[p][label]++;
        dealt[order.partitionOf(permutation.apply(position++))][label]++;
      }
      return List.of(new PartitionLabels(stored, dealt)).iterator();
    }, true).treeReduce(PartitionLabels::plus, 2);
  }

  /** Sends permuted position k to the partition holding range k (see {@link #partitionOf}). */
  private static final class Ranges extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final EpochOrder order;

    Ranges(EpochOrder order) {
      this.order = order;
    }

    @Override
    public int numPartitions() {
      return order.partitions();
    }

    @Override
    public int getPartition(Object key) {
      return order.partitionOf((Long) key);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ranges other && Arrays.equals(order.offsets, other.order.offsets);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(order.offsets);
    }
  }
}
