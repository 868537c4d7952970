package org.sparkcnn.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.backend.GpuBinding;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.Minibatches;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One worker's whole epoch of resident rounds as one task of a barrier-mode Spark stage ({@code
 * train.round-scheduling = "barrier"}): the task reads its partition of the epoch's deal ({@link
 * RoundDeal#byWorker}), connects to the driver's {@link RoundExchange} and, round after round,
 * receives the round's state, fits its minibatches of the round on its resident network ({@link
 * ResidentSlots}) and sends back its parameters, updater state and last loss ({@link RoundWire}).
 *
 * <p>Each round is fitted exactly as {@link ResidentRound} fits it in a job of its own: the same
 * examples in the same order, augmented as {@link Augmenter} seeds each one, between the same
 * training hooks, from the same state. While the network's thread fits, the task's thread makes
 * the next minibatches, across round boundaries, up to {@code train.prefetch-batches} (at least
 * one) ahead. A task of a rerun stage starts at the round the driver has reached.
 */
final class BarrierEpoch
    extends AbstractFunction1<scala.collection.Iterator<Tuple2<Long, LabeledImage>>,
        scala.collection.Iterator<Object>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int BUFFER = 1 << 16;
  private static final int CONNECT_TIMEOUT_MS = 60_000;

  private final Broadcast<ModelSpec> spec;
  private final Augmenter augmenter;
  private final int batchSize;
  private final int prefetch;
  private final List<TrainingHook> hooks;
  private final RoundDeal deal;
  private final int epoch;
  private final String driverHost;
  private final int port;
  private final byte[] token;

  /**
   * @param deal the epoch's deal (its rounds; the task's partition is {@link
   *     RoundDeal#byWorker}'s)
   * @param driverHost the host the driver's exchange listens on ({@code spark.driver.host})
   */
  BarrierEpoch(Broadcast<ModelSpec> spec, Augmenter augmenter, int batchSize, int prefetch,
      List<TrainingHook> hooks, RoundDeal deal, int epoch, String driverHost, int port,
      byte[] token) {
    this.spec = spec;
    this.augmenter = augmenter;
    this.batchSize = batchSize;
    this.prefetch = prefetch;
    this.hooks = List.copyOf(hooks);
    this.deal = deal;
    this.epoch = epoch;
    this.driverHost = driverHost;
    this.port = port;
    this.token = token.clone();
  }

  @Override
  public scala.collection.Iterator<Object> apply(
      scala.collection.Iterator<Tuple2<Long, LabeledImage>> examples) {
    try {
      run(JavaConverters.asJavaIterator(examples));
    } catch (Exception e) {
      throw RoundExchange.Sneaky.<RuntimeException>rethrow(e);
    }
    return JavaConverters.asScalaIterator(java.util.Collections.emptyIterator());
  }

  private void run(java.util.Iterator<Tuple2<Long, LabeledImage>> examples) throws Exception {
    // TaskContext, not BarrierTaskContext.get(): that initialises BarrierTaskContext's companion
    // object, whose timer (for barrier() calls, which the rounds do not make) is a non-daemon
    // thread that keeps the JVM from exiting (Spark 3.5; SPARK-49479 fixed the driver's one).
    TaskContext context = TaskContext.get();
    long taskStart = System.nanoTime();
    List<List<LabeledImage>> rounds = byRound(examples);
    long readNanos = System.nanoTime() - taskStart;
    // The minibatches are made on this thread: bind it to the task's GPU as the slot is.
    int device = GpuBinding.bindTaskGpu().orElse(-1);
    long t0 = System.nanoTime();
    ModelSpec model = spec.value();
    long fetchNanos = System.nanoTime() - t0;
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(new InetSocketAddress(driverHost, port), CONNECT_TIMEOUT_MS);
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
          socket.getOutputStream(), BUFFER));
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(),
          BUFFER));
      RoundWire.writeHello(out, new RoundWire.Hello(token, epoch, context.partitionId(),
          context.stageAttemptNumber()));
      RoundWire.Next first = RoundWire.readNext(in);
      if (first.end()) {
        return; // a rerun task after the epoch's last round
      }
      ResidentSlots.Slot slot = ResidentSlots.acquire(device, model.id());
      BlockingQueue<Object> queue = new ArrayBlockingQueue<>(Math.max(1, prefetch));
      AtomicBoolean stop = new AtomicBoolean();
      Future<Void> fits;
      try {
        fits = slot.submit(() -> fitRounds(slot, model, first, in, out, queue, stop,
            fetchNanos, readNanos));
      } catch (RuntimeException e) {
        ResidentSlots.release(slot);
        throw e;
      }
      Runnable killed = () -> stopIfKilled(context);
      try {
        produce:
        for (int r = first.round(); r < rounds.size(); r++) {
          java.util.Iterator<DataSet> batches = Minibatches.batches(rounds.get(r).iterator(),
              batchSize, augmenter);
          while (batches.hasNext()) {
            if (!ResidentRound.hand(queue, batches.next(), fits, killed)) {
              break produce; // the fits ended early: get() below throws their error
            }
          }
          if (!ResidentRound.hand(queue, ResidentRound.END, fits, killed)) {
            break;
          }
          rounds.set(r, null);
        }
        while (true) {
          try {
            fits.get(ResidentRound.POLL_MS, TimeUnit.MILLISECONDS);
            return;
          } catch (TimeoutException e) {
            stopIfKilled(context);
          }
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } finally {
        stop.set(true); // the fits stop at their next minibatch; closing the socket ends a read
      }
    }
  }

  /** The partition's examples by round, each round's in position order. */
  private List<List<LabeledImage>> byRound(
      java.util.Iterator<Tuple2<Long, LabeledImage>> examples) {
    List<List<Tuple2<Long, LabeledImage>>> keyed = new ArrayList<>();
    for (int r = 0; r < deal.rounds(); r++) {
      keyed.add(new ArrayList<>());
    }
    examples.forEachRemaining(e -> keyed.get(deal.roundOf(e._1())).add(e));
    List<List<LabeledImage>> rounds = new ArrayList<>();
    for (List<Tuple2<Long, LabeledImage>> round : keyed) {
      round.sort(Comparator.comparingLong(Tuple2::_1));
      rounds.add(round.stream().map(Tuple2::_2).toList());
    }
    return rounds;
  }

  private static void stopIfKilled(TaskContext context) {
    if (context.isInterrupted()) {
      throw new TaskKilledException("the barrier stage was stopped");
    }
  }

  /**
   * On the slot's thread: every round from {@code first} to the epoch's end; releases the slot
   * when it ends.
   */
  private Void fitRounds(ResidentSlots.Slot slot, ModelSpec model, RoundWire.Next first,
      DataInputStream in, DataOutputStream out, BlockingQueue<Object> queue, AtomicBoolean stop,
      long fetchNanos, long readNanos) throws InterruptedException, IOException {
    try {
      boolean[] built = new boolean[1];
      Model net = null;
      RoundWire.Next next = first;
      long extraInit = fetchNanos; // the first round's: getting the model's broadcast
      long extraWait = readNanos; // the first round's: reading the epoch's partition
      while (true) {
        long r0 = System.nanoTime();
        boolean builtNow = false;
        if (net == null) {
          net = slot.network(model, built);
          builtNow = built[0];
        }
        next.state().applyTo(net);
        long initNanos = extraInit + System.nanoTime() - r0;
        ResidentRound.Fitted f = ResidentRound.fitQueued(net, queue, stop, hooks);
        RoundResult result = f.minibatches() == 0 ? null
            : RoundResult.of(net, f.minibatches(), f.examples(), initNanos, f.fitNanos(),
                extraWait + f.waitNanos(), builtNow).withTaskNanos(System.nanoTime() - r0);
        RoundWire.writeResult(out, next.round(), result);
        RoundWire.Next following = RoundWire.readNext(in);
        if (following.end()) {
          return null;
        }
        if (following.round() != next.round() + 1) {
          throw new IOException("the driver sent round " + (following.round() + 1) + " after "
              + (next.round() + 1));
        }
        next = following;
        extraInit = 0;
        extraWait = 0;
      }
    } finally {
      ResidentSlots.release(slot);
    }
  }
}
