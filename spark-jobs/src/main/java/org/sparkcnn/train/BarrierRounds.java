package org.sparkcnn.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.data.LabeledImage;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The driver's side of the resident master's barrier rounds ({@code train.round-scheduling =
 * "barrier"}): an epoch as one barrier-mode Spark job of {@link BarrierEpoch} tasks, whose
 * rounds the driver runs through a {@link RoundExchange}: it publishes each round's state, sums
 * the results the tasks send back in worker order, and hands the sum to the master.
 */
final class BarrierRounds {
  private static final Logger log = LoggerFactory.getLogger(BarrierRounds.class);
  private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.apply(Object.class);

  private BarrierRounds() {}

  /** Makes the epoch's task function once the exchange listens. */
  interface Tasks {
    BarrierEpoch make(String driverHost, int port, byte[] token);
  }

  /**
   * The master's end of a round: averaging, loss and times ({@code t0} the round's start, {@code
   * t1} its state sent, {@code t2} its results summed; nanoseconds).
   */
  interface RoundEnd {
    void accept(int round, RoundResult sum, long t0, long t1, long t2);
  }

  /**
   * Trains epoch {@code epoch} of {@code deal} as one barrier-mode Spark job: the deal of
   * {@code positioned} by worker, each partition's task made by {@code tasksOf}; {@code end}
   * gets each round's sum.
   */
  static void run(JavaSparkContext sc, Model net, int epoch, int workers, RoundDeal deal,
      JavaPairRDD<Long, LabeledImage> positioned, Tasks tasksOf, RoundEnd end) {
    SparkConf conf = sc.getConf();
    String host = conf.get("spark.driver.host", "localhost");
    try (RoundExchange exchange = new RoundExchange(conf.get("spark.driver.bindAddress", host),
        epoch, workers)) {
      log.info("epoch {}: {} rounds in one barrier-mode Spark job of {} tasks, exchanging the"
          + " state on {}:{}", epoch, deal.rounds(), workers, host, exchange.port());
      BarrierEpoch work = tasksOf.make(host, exchange.port(), exchange.token());
      RDD<Object> tasks = deal.byWorker().deal(positioned).rdd().barrier()
          .mapPartitions(work, false, OBJECT);
      long t0 = System.nanoTime();
      exchange.publish(0, RoundWire.state(0, RoundState.of(net)));
      long t1 = System.nanoTime();
      // The barrier stage feeds a shuffle (of nothing): Spark reruns a failed barrier map stage
      // (every task, up to spark.stage.maxConsecutiveAttempts), but aborts the job when a
      // barrier result stage fails (DAGScheduler, Spark 3.5).
      JavaFutureAction<Long> job = JavaRDD.fromRDD(tasks, OBJECT).repartition(1).countAsync();
      try {
        for (int r = 0; r < deal.rounds(); r++) {
          if (r > 0) {
            t0 = System.nanoTime();
            exchange.publish(r, RoundWire.state(r, RoundState.of(net)));
            t1 = System.nanoTime();
          }
          RoundResult sum = exchange.sum(job);
          end.accept(r, sum, t0, t1, System.nanoTime());
        }
        exchange.publish(deal.rounds(), RoundWire.end(deal.rounds()));
        job.get();
      } catch (ExecutionException e) {
        throw RoundExchange.Sneaky.<RuntimeException>rethrow(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted in epoch " + epoch, e);
      } finally {
        if (!job.isDone()) {
          job.cancel(true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("epoch " + epoch + "'s round exchange", e);
    }
  }

  /**
   * Refuses barrier rounds Spark could not run: more workers than local mode's task slots (Spark
   * would wait for slots that never come, retrying for minutes), dynamic allocation on a cluster
   * (Spark refuses barrier stages with it), or encrypted Spark networking (the round exchange is
   * not encrypted).
   *
   * @throws InvalidConfigException naming {@code train.round-scheduling} and the setting
   */
  static void check(JavaSparkContext sc, int workers) {
    SparkConf conf = sc.getConf();
    if (conf.getBoolean("spark.network.crypto.enabled", false)
        || conf.getBoolean("spark.ssl.enabled", false)) {
      throw new InvalidConfigException("train.round-scheduling = \"barrier\" sends the"
          + " parameters over a connection of its own, not encrypted, and Spark's networking is"
          + " encrypted here (spark.network.crypto.enabled or spark.ssl.enabled): use \"job\"");
    }
    if (!sc.sc().isLocal() && conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
      throw new InvalidConfigException("train.round-scheduling = \"barrier\" needs every"
          + " worker's executor for the whole epoch, and Spark runs no barrier stage with"
          + " spark.dynamicAllocation.enabled = true: use \"job\" or disable it");
    }
    if (sc.sc().isLocal()) {
      int slots = sc.sc().maxNumConcurrentTasks(
          sc.sc().resourceProfileManager().defaultResourceProfile());
      if (slots < workers) {
        throw new InvalidConfigException("train.round-scheduling = \"barrier\" runs every"
            + " worker's task at once: train.workers = " + workers + " needs " + workers
            + " task slots, local mode (" + sc.master() + ") has " + slots);
      }
    }
  }
}
