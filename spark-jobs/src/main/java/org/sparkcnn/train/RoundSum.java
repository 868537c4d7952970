package org.sparkcnn.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * How the resident master runs a round and sums its workers' results: Spark's {@code
 * treeAggregate} of the configured depth ({@code train.aggregation-depth}). While that tree has
 * no level between the workers and the driver ({@link #treeHasLevels}: depth 1, or at most 5
 * workers at depth 2), Spark's method sums on the driver too; the master then runs one job over
 * the round's partitions of the epoch's RDD and adds the results on the driver in worker order,
 * which spares each round the RDDs and closure checks Spark's method builds (LeNet-5's median
 * round overhead in local[2] fell from 37.9 to 20.9-22.7 ms with this and the one-copy
 * transfers, docs/performance.md) and makes the sum the same bitwise from run to run.
 * Otherwise it calls Spark's method, whose partial sums on the executors come in an order that
 * varies.
 */
final class RoundSum {
  private static final ClassTag<RoundResult> RESULT_TAG =
      ClassTag$.MODULE$.apply(RoundResult.class);

  private RoundSum() {}

  /**
   * Runs round {@code round} (partitions round x workers .. round x workers + workers - 1 of the
   * epoch's {@code results}) and returns its workers' results summed, or null when it had none.
   */
  static RoundResult of(JavaRDD<RoundResult> results, int round, int workers, int depth) {
    if (!treeHasLevels(workers, depth)) {
      List<Object> partitions = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        partitions.add(round * workers + w);
      }
      Object[] perWorker = (Object[]) results.context().runJob(results.rdd(), new FirstResult(),
          JavaConverters.asScalaBuffer(partitions).toSeq(), RESULT_TAG);
      RoundResult sum = null;
      for (Object result : perWorker) {
        sum = RoundResult.add(sum, (RoundResult) result);
      }
      return sum;
    }
    return JavaRDD.fromRDD(PartitionPruningRDD.create(results.rdd(),
        new PartitionsOfRound(round, workers)), RESULT_TAG)
        .treeAggregate(null, RoundResult::add, RoundResult::add, depth);
  }

  /**
   * Whether Spark's {@code treeAggregate} of {@code partitions} partitions at {@code depth} sums
   * on executors before the driver (RDD.treeAggregate's loop condition, Spark 3.5).
   */
  static boolean treeHasLevels(int partitions, int depth) {
    int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
    return partitions > scale + Math.ceil((double) partitions / scale);
  }

  /**
   * A round's task's result (none for an empty partition: null). A function of the task's
   * context and iterator, the form SparkContext.runJob takes without wrapping it in a closure of
   * its own, whose check (ClosureCleaner reading class files) cost about 1 ms a round.
   */
  private static final class FirstResult
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<RoundResult>, RoundResult>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public RoundResult apply(TaskContext context,
        scala.collection.Iterator<RoundResult> results) {
      return results.hasNext() ? results.next() : null;
    }
  }

  /** Keeps the partitions of one round. */
  private static final class PartitionsOfRound extends AbstractFunction1<Object, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int round;
    private final int workers;

    PartitionsOfRound(int round, int workers) {
      this.round = round;
      this.workers = workers;
    }

    @Override
    public Object apply(Object partition) {
      return (Integer) partition / workers == round;
    }
  }
}
