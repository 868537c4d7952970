package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.sparkcnn.backend.GpuBinding;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Minibatches;
import scala.Tuple2;

/**
 * One worker's part of a resident averaging round, as the Spark task over its partition of the
 * epoch's deal ({@link RoundDeal}): the task's thread sorts the partition's examples by their
 * position in the epoch, makes the minibatches from them (augmenting each example as {@link
 * Augmenter} seeds it) and hands them over a queue of {@code train.prefetch-batches} (at least
 * one) to a resident network's thread ({@link ResidentSlots}), which sets the round's broadcast
 * state into the network, fits the minibatches in order, each between the training hooks as
 * DL4J's worker does, and returns its parameters, updater state and last loss. An empty partition
 * returns nothing.
 *
 * <p>One instance serves a whole epoch: the master builds the epoch's RDD of it once and runs
 * one job per round on that round's partitions, setting the round's state first ({@link
 * #startRound}). Spark serialises a job's function when it submits the job's stage (and again
 * when it resubmits it after a lost executor, within the same job), so every task of a round,
 * retries included, gets that round's state; the master changes it only after the round's job
 * has ended.
 */
final class ResidentRound
    implements FlatMapFunction<Iterator<Tuple2<Long, LabeledImage>>, RoundResult> {
  private static final long serialVersionUID = 1L;
  /** Marks the end of a round's minibatches in the queue. */
  static final Object END = new Object();
  static final long POLL_MS = 50;
  private static final Runnable NOTHING = () -> {};
  private static final Comparator<Tuple2<Long, LabeledImage>> BY_POSITION =
      Comparator.comparingLong(Tuple2::_1);

  private final Broadcast<ModelSpec> spec;
  /** The current round's state: set before each round's job, serialised with its tasks. */
  private Broadcast<RoundState> state;
  private final Augmenter augmenter;
  private final int batchSize;
  private final int prefetch;
  private final List<TrainingHook> hooks;

  /**
   * @param augmenter the training pipeline for the round's epoch
   * @param prefetch minibatches made ahead of the fit (at least one is)
   */
  ResidentRound(Broadcast<ModelSpec> spec, Augmenter augmenter, int batchSize, int prefetch,
      List<TrainingHook> hooks) {
    this.spec = spec;
    this.augmenter = augmenter;
    this.batchSize = batchSize;
    this.prefetch = prefetch;
    this.hooks = List.copyOf(hooks);
  }

  /** Sets the state the next round's tasks start from; call before submitting its job. */
  void startRound(Broadcast<RoundState> roundState) {
    this.state = roundState;
  }

  @Override
  public Iterator<RoundResult> call(Iterator<Tuple2<Long, LabeledImage>> examples)
      throws Exception {
    long taskStart = System.nanoTime();
    List<Tuple2<Long, LabeledImage>> dealt = new ArrayList<>();
    examples.forEachRemaining(dealt::add); // the round's shuffle partition, in arrival order
    if (dealt.isEmpty()) {
      return Collections.emptyIterator();
    }
    dealt.sort(BY_POSITION); // the order the deal's positions give
    long readNanos = System.nanoTime() - taskStart;
    // The minibatches are made on this thread: bind it to the task's GPU as the slot is.
    int device = GpuBinding.bindTaskGpu().orElse(-1);
    long t0 = System.nanoTime();
    ModelSpec model = spec.value();
    RoundState start = state.value();
    long fetchNanos = System.nanoTime() - t0;
    ResidentSlots.Slot slot = ResidentSlots.acquire(device, model.id());
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
    AtomicBoolean stop = new AtomicBoolean();
    Future<RoundResult> result;
    try {
      result = slot.submit(() -> fit(slot, model, start, queue, stop, fetchNanos, readNanos));
    } catch (RuntimeException e) {
      ResidentSlots.release(slot);
      throw e;
    }
    try {
      Iterator<DataSet> batches = Minibatches.batches(values(dealt.iterator()), batchSize,
          augmenter);
      while (batches.hasNext()) {
        if (!hand(queue, batches.next(), result, NOTHING)) {
          break; // the fit ended early: get() below throws its error
        }
      }
      hand(queue, END, result, NOTHING);
      return List.of(result.get().withTaskNanos(System.nanoTime() - taskStart)).iterator();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      stop.set(true); // the fit stops at its next minibatch if it has not ended
    }
  }

  /**
   * Puts {@code item} in the queue unless the fit ended first; returns whether it did. Runs
   * {@code whileWaiting} every {@value #POLL_MS} ms the queue stays full.
   */
  static boolean hand(BlockingQueue<Object> queue, Object item, Future<?> fit,
      Runnable whileWaiting) throws InterruptedException {
    while (!queue.offer(item, POLL_MS, TimeUnit.MILLISECONDS)) {
      if (fit.isDone()) {
        return false;
      }
      whileWaiting.run();
    }
    return true;
  }

  /** On the slot's thread: the round's fit; releases the slot when it ends. */
  private RoundResult fit(ResidentSlots.Slot slot, ModelSpec model, RoundState start,
      BlockingQueue<Object> queue, AtomicBoolean stop, long fetchNanos, long readNanos)
      throws InterruptedException {
    try {
      long t0 = System.nanoTime();
      boolean[] built = new boolean[1];
      Model net = slot.network(model, built);
      start.applyTo(net);
      long initNanos = fetchNanos + System.nanoTime() - t0;
      Fitted fitted = fitQueued(net, queue, stop, hooks);
      // the task read the round's shuffle partition before its first minibatch
      return RoundResult.of(net, fitted.minibatches(), fitted.examples(), initNanos,
          fitted.fitNanos(), readNanos + fitted.waitNanos(), built[0]);
    } finally {
      ResidentSlots.release(slot);
    }
  }

  /**
   * What {@link #fitQueued} fitted.
   *
   * @param fitNanos the minibatches' fits, hooks included
   * @param waitNanos waiting for the next minibatch in the queue
   */
  record Fitted(int minibatches, long examples, long fitNanos, long waitNanos) {}

  /**
   * Fits {@code net} on the minibatches of {@code queue} in order, each between the training
   * hooks as DL4J's worker does, until the {@link #END} marker.
   *
   * @throws CancellationException when {@code stop} is set before the marker
   */
  static Fitted fitQueued(Model net, BlockingQueue<Object> queue, AtomicBoolean stop,
      List<TrainingHook> hooks) throws InterruptedException {
    int minibatches = 0;
    long examples = 0;
    long fitNanos = 0;
    long waitNanos = 0;
    while (true) {
      long w0 = System.nanoTime();
      Object item = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
      waitNanos += System.nanoTime() - w0;
      if (item == END) {
        return new Fitted(minibatches, examples, fitNanos, waitNanos);
      }
      if (stop.get()) {
        throw new CancellationException("the round's task stopped before its last minibatch");
      }
      if (item == null) {
        continue;
      }
      DataSet minibatch = (DataSet) item;
      long f0 = System.nanoTime();
      for (TrainingHook hook : hooks) {
        hook.preUpdate(minibatch, net);
      }
      if (net instanceof MultiLayerNetwork layers) {
        layers.fit(minibatch);
      } else {
        ((ComputationGraph) net).fit(minibatch);
      }
      for (TrainingHook hook : hooks) {
        hook.postUpdate(minibatch, net);
      }
      Nd4j.getExecutioner().commit();
      fitNanos += System.nanoTime() - f0;
      minibatches++;
      examples += minibatch.numExamples();
    }
  }

  static Iterator<LabeledImage> values(Iterator<Tuple2<Long, LabeledImage>> keyed) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return keyed.hasNext();
      }

      @Override
      public LabeledImage next() {
        return keyed.next()._2();
      }
    };
  }
}
