package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.LearningRateSchedule;

/**
 * Follows training round by round on the driver: after each parameter-averaging round it logs one
 * fixed-format line (epoch, round, loss, learning rate, examples/s, s/batch), keeps the round's
 * row for {@code rounds.csv}, stops the job when the loss is no longer finite, and sets the
 * learning rate of the next round from the schedule.
 */
public final class RoundProgress implements DoubleConsumer {
  private static final Logger log = LoggerFactory.getLogger(RoundProgress.class);

  /**
   * One averaging round.
   *
   * @param seconds wall time since the previous round ended (the first round of an epoch also
   *     holds the export of the epoch's minibatches)
   */
  public record Round(int epoch, int round, double learningRate, double loss, double seconds,
      double examplesPerSecond) {}

  /**
   * What one round fitted.
   *
   * @param examples the examples all workers fitted
   * @param minibatchesPerWorker the most minibatches one worker fitted
   */
  public record Size(long examples, int minibatchesPerWorker) {}

  private final SparkNetwork network;
  private final LearningRateSchedule schedule;
  private final int roundsPerEpoch;
  private final Supplier<Size> lastRound;
  private final List<Round> rounds = new ArrayList<>();
  private int epoch;
  private int round;
  private double rate;
  private long lastNanos;

  /**
   * @param roundsPerEpoch averaging rounds in an epoch (what positions rounds within the epoch)
   * @param lastRound what the round that just ended fitted (DL4J's master: always a full round,
   *     workers x batch x averaging frequency examples)
   */
  RoundProgress(SparkNetwork network, LearningRateSchedule schedule, int roundsPerEpoch,
      Supplier<Size> lastRound) {
    this.network = network;
    this.schedule = schedule;
    this.roundsPerEpoch = roundsPerEpoch;
    this.lastRound = lastRound;
  }

  /**
   * Rounds of an epoch over {@code minibatches} minibatches: DL4J's splits of the data, of
   * workers x averaging frequency minibatches each, rounded down (the remainder is spread over the
   * splits), at least one.
   */
  public static int roundsPerEpoch(long minibatches, int workers, int averagingFrequency) {
    return (int) Math.max(1, minibatches / ((long) workers * averagingFrequency));
  }

  /** Starts {@code epoch} (1-based), setting its first round's learning rate; returns it. */
  double startEpoch(int epoch) {
    this.epoch = epoch;
    this.round = 0;
    this.lastNanos = System.nanoTime();
    setRate();
    return rate;
  }

  private void setRate() {
    rate = schedule.rate(epoch, Math.min(round, roundsPerEpoch - 1), roundsPerEpoch);
    network.setLearningRate(rate);
  }

  @Override
  public void accept(double loss) {
    long now = System.nanoTime();
    double seconds = (now - lastNanos) / 1e9;
    lastNanos = now;
    round++;
    if (!Double.isFinite(loss)) {
      throw new DivergedException(String.format(Locale.ROOT,
          "training diverged in epoch %d: loss %s in averaging round %d; lower"
              + " train.learning-rate", epoch, loss, round));
    }
    Size size = lastRound.get();
    Round r = new Round(epoch, round, rate, loss, seconds, size.examples() / seconds);
    rounds.add(r);
    log.info(String.format(Locale.ROOT,
        "epoch %d/%d | round %d/%d | loss %.4f | lr %.3g | %.1f examples/s | %.3f s/batch",
        epoch, schedule.epochs(), round, roundsPerEpoch, loss, rate, r.examplesPerSecond(),
        seconds / Math.max(1, size.minibatchesPerWorker())));
    setRate();
  }

  /** Continues after the rounds of a checkpoint (their rows stay in {@link #rounds()}). */
  void restore(List<Round> earlier) {
    rounds.clear();
    rounds.addAll(earlier);
  }

  /** Every round so far. */
  List<Round> rounds() {
    return List.copyOf(rounds);
  }

  /** The rounds of 1-based {@code epoch}. */
  List<Round> roundsOf(int epoch) {
    return rounds.stream().filter(r -> r.epoch() == epoch).toList();
  }
}
