package org.sparkcnn.prune;

import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.PruneConfig;
import org.sparkcnn.models.ImageShape;
import org.sparkcnn.models.pruning.PointwisePruning;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;
import org.sparkcnn.train.EpochListener;
import org.sparkcnn.train.Evaluator;
import org.sparkcnn.train.NetworkTraining;
import org.sparkcnn.train.RunLifecycle;
import org.sparkcnn.train.RunResult;

/**
 * A pruning run's work ({@link RunLifecycle.Work}): evaluates the unpruned network (step 0),
 * then for every step removes the filters of smallest norm ({@link PointwisePruning}), retrains
 * the pruned network on Spark with parameter averaging for {@code prune.retrain-epochs} into
 * {@code step-<k>/} (checkpoints, moving average, the training job's outputs), saves it as {@code
 * model-step-<k>.zip} and records the step in {@code pruning.csv} / {@code pruning.md}. At the
 * end {@code model.zip} is the last step within {@code prune.max-top1-drop}.
 *
 * <p>A step is complete when its row is in {@code pruning.csv} (written after its model). A
 * resumed run keeps the complete steps, continues an interrupted step's retraining from its
 * newest checkpoint, and goes on: with the same data and parallelism it gives the same table as
 * the uninterrupted run (timings aside).
 */
final class Pruning implements RunLifecycle.Work {
  private static final Logger log = LoggerFactory.getLogger(PruneJob.class);

  private final JavaSparkContext sc;
  private final PruningSource source;
  private final PruneConfig prune;
  private final EpochListener listener;
  /** Trainable parameters of model.name unpruned; more than step 0's: pruned before. */
  private long unprunedParameters;

  Pruning(JavaSparkContext sc, PruningSource source, PruneConfig prune, EpochListener listener) {
    this.sc = sc;
    this.source = source;
    this.prune = prune;
    this.listener = listener;
  }

  @Override
  public RunResult perform(RunLifecycle.Started run) {
    RunDirectory dir = run.dir();
    JobConfig config = run.config();
    List<PruningTable.Row> rows = run.resuming() ? completeSteps(dir) : new ArrayList<>();
    ImageShape input = run.sources().networkInput();
    ArchitectureCheck.requireInput(source.network(), config, input);
    unprunedParameters = ArchitectureCheck.unprunedParameters(config, input);
    int batch = config.train().evalBatchSize();
    if (rows.isEmpty()) {
      rows.add(row(0, null, rows, source.network(), input,
          Accuracy.of(evaluate(run, source.network(), source.average())), 0, batch));
      write(dir, config, rows, false);
    } else {
      log.info("resuming after step {} of {}", rows.size() - 1, source.steps().size());
    }
    MultiLayerNetwork net = rows.size() == 1 ? source.network()
        : readStep(dir, rows.size() - 1);
    while (rows.size() <= source.steps().size() && rows.get(rows.size() - 1).withinLimit()) {
      int step = rows.size();
      PruneConfig.Step planned = source.steps().get(step - 1);
      net = PointwisePruning.pruneSmallest(net, planned.layer(), planned.filters(),
          prune.norm());
      log.info(String.format(Locale.ROOT, "step %d/%d: %d filters of %s removed: %,d trainable"
          + " parameters", step, source.steps().size(), planned.filters(), planned.layer(),
          PointwisePruning.trainableParameters(net)));
      long t0 = System.nanoTime();
      Accuracy accuracy;
      if (prune.retrainEpochs() > 0) {
        RunResult retrained = NetworkTraining.train(sc, run.trainingInputs(retraining(config),
            config.run().seed() + step, dir.child(RunLayout.STEP_PREFIX + step), net,
            run.resuming(), System.nanoTime()), listener);
        net = (MultiLayerNetwork) retrained.network();
        accuracy = new Accuracy(retrained.testAccuracy(), retrained.testTop5Accuracy(),
            retrained.testAccuracyEma(), retrained.testTop5AccuracyEma());
      } else {
        accuracy = Accuracy.of(evaluate(run, net, null));
      }
      rows.add(row(step, planned, rows, net, input, accuracy, seconds(t0), batch));
      MultiLayerNetwork trained = net;
      dir.write(RunLayout.modelAfterStep(step),
          out -> ModelSerializer.writeModel(trained, out, true));
      write(dir, config, rows, false);
    }
    write(dir, config, rows, true);
    return finish(dir, rows);
  }

  /** Top-1 and top-5 test accuracy, raw and of the moving average (NaN: none kept). */
  private record Accuracy(double top1, double top5, double top1Ema, double top5Ema) {
    static Accuracy of(List<Evaluation> eval) {
      Evaluation ema = eval.size() > 1 ? eval.get(1) : null;
      return new Accuracy(eval.get(0).accuracy(), eval.get(0).topNAccuracy(),
          ema == null ? Double.NaN : ema.accuracy(), ema == null ? Double.NaN
              : ema.topNAccuracy());
    }
  }

  /** Writes {@code model.zip}: the last step within the limit, or the unpruned network. */
  private RunResult finish(RunDirectory dir, List<PruningTable.Row> rows) {
    int kept = rows.size() - 1;
    while (kept > 0 && !rows.get(kept).withinLimit()) {
      kept--;
    }
    MultiLayerNetwork last = kept == 0 ? source.network() : readStep(dir, kept);
    dir.write(RunLayout.MODEL, out -> ModelSerializer.writeModel(last, out, true));
    if (kept < rows.size() - 1) {
      log.info("step {} fell more than prune.max-top1-drop = {} points: model.zip is step {}",
          rows.size() - 1, prune.maxTop1Drop(), kept);
    }
    PruningTable.Row r = rows.get(kept);
    return new RunResult(dir.path().toString(), r.top1(), r.top5(), r.top1Ema(), r.top5Ema(),
        List.of(), last);
  }

  /**
   * The row of {@code step} ({@code planned}; null for step 0), after the rows before it: the
   * network's size, {@code accuracy} (rounded as the CSV holds it) and inference speed.
   */
  private PruningTable.Row row(int step, PruneConfig.Step planned, List<PruningTable.Row> rows,
      MultiLayerNetwork net, ImageShape input, Accuracy accuracy, double seconds, int batch) {
    double top1 = round(accuracy.top1());
    boolean within = step == 0 || prune.maxTop1Drop() == 0
        || 100 * (rows.get(0).top1() - top1) <= prune.maxTop1Drop();
    return new PruningTable.Row(step, planned == null ? "-" : planned.layer(),
        planned == null ? 0 : planned.filters(),
        planned == null ? 0 : rows.get(rows.size() - 1).filtersRemovedTotal() + planned.filters(),
        planned == null ? 0 : filters(net, planned.layer()),
        PointwisePruning.trainableParameters(net), PointwisePruning.multiplyAdds(net, input),
        top1, round(accuracy.top5()), round(accuracy.top1Ema()), round(accuracy.top5Ema()),
        seconds, InferenceSpeed.imagesPerSecond(net, input, batch), within);
  }

  /** Test evaluations of {@code net} and, when given, of {@code average}'s parameters. */
  private List<Evaluation> evaluate(RunLifecycle.Started run, MultiLayerNetwork net,
      MultiLayerNetwork average) {
    JobConfig config = run.config();
    NetworkTraining.Inputs in = run.trainingInputs(config, config.run().seed(), run.dir(), net,
        false, System.nanoTime());
    List<INDArray> params = average == null ? List.of(net.params())
        : List.of(net.params(), average.params());
    return Evaluator.evaluate(sc, net, params, in.test(), in.evalAugmenter(),
        config.train().evalBatchSize());
  }

  /** {@code config} with {@code train.epochs} = {@code prune.retrain-epochs}. */
  private JobConfig retraining(JobConfig config) {
    return JobConfig.from(config.resolved().withValue("train.epochs",
        ConfigValueFactory.fromAnyRef(prune.retrainEpochs())));
  }

  /** The steps {@code pruning.csv} records whose model was saved, step 0 first. */
  private static List<PruningTable.Row> completeSteps(RunDirectory dir) {
    if (!dir.exists(RunLayout.PRUNING)) {
      return new ArrayList<>();
    }
    try {
      return new ArrayList<>(PruningTable.parse(Table.parse(new StringReader(new String(
          dir.readBytes(RunLayout.PRUNING), StandardCharsets.UTF_8)),
          dir.resolve(RunLayout.PRUNING).toString())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(RunLayout.PRUNING), e);
    }
  }

  /**
   * Writes {@code pruning.csv} and {@code pruning.md}; until {@code finished}, {@code pruning.md}
   * says how many steps are done, so a stopped run's table does not look complete.
   */
  private void write(RunDirectory dir, JobConfig config, List<PruningTable.Row> rows,
      boolean finished) {
    dir.write(RunLayout.PRUNING, PruningTable.csv(rows).toCsv());
    dir.write(RunLayout.PRUNING_MD, PruningTable.markdown(rows, config.model().name(),
        config.data().name(), prune.norm().name(), prune.maxTop1Drop(), unprunedParameters,
        PruningTable.status(rows, source.steps().size(), finished)));
  }

  private static MultiLayerNetwork readStep(RunDirectory dir, int step) {
    return PruningSource.read("step " + step, dir.resolve(RunLayout.modelAfterStep(step)),
        dir.fileSystem().getConf(), true);
  }

  private static long filters(MultiLayerNetwork net, String layer) {
    return ((FeedForwardLayer) net.getLayer(layer).conf().getLayer()).getNOut();
  }

  /** Accuracies as {@code pruning.csv} holds them (4 decimals), so a resumed run agrees. */
  private static double round(double fraction) {
    return Double.isNaN(fraction) ? fraction : Math.round(fraction * 1e4) / 1e4;
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
