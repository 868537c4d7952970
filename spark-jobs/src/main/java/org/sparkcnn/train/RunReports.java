package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.nd4j.evaluation.classification.ConfusionMatrix;
import org.nd4j.evaluation.classification.Evaluation;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.SkippedInput;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.Table;

/**
 * The tables a training run writes into its run directory (file names and columns: {@link
 * RunLayout}).
 */
public final class RunReports {
  private RunReports() {}

  /** {@code metrics.csv}: one row per epoch. */
  public static Table metrics(List<EpochMetrics> epochs) {
    Table t = new Table(RunLayout.METRICS_COLUMNS);
    for (EpochMetrics m : epochs) {
      t.add(m.epoch(), m.examples(), m.rounds(), String.format(Locale.ROOT, "%.6g",
          m.learningRate()), fixed(m.loss(), 6), fixed(m.testAccuracy(), 4),
          fixed(m.trainSeconds(), 2), fixed(m.examplesPerSecond(), 1), fixed(m.evalSeconds(), 2),
          fixed(m.testTop5Accuracy(), 4), optional(m.testAccuracyEma()),
          optional(m.testTop5AccuracyEma()));
    }
    return t;
  }

  /**
   * {@code accuracy.csv}: one row with the run's description, its top-1 and top-5 test accuracy
   * (and those of the moving average of the parameters; empty when none was kept) and one {@code
   * class_<i>} column per class holding that class's accuracy (recall: the fraction of its test
   * images classified correctly; empty when the test set has none).
   *
   * @param evalEma the moving average's evaluation, or null
   */
  public static Table accuracy(JobConfig config, Evaluation eval, Evaluation evalEma) {
    List<String> columns = new ArrayList<>(RunLayout.ACCURACY_COLUMNS);
    List<Object> row = new ArrayList<>(List.of(config.model().name(), config.model().activation(),
        config.data().name(), config.train().epochs(), totalCount(eval),
        fixed(eval.accuracy(), 4), fixed(eval.topNAccuracy(), 4),
        evalEma == null ? "" : fixed(evalEma.accuracy(), 4),
        evalEma == null ? "" : fixed(evalEma.topNAccuracy(), 4)));
    for (int c = 0; c < config.data().numClasses(); c++) {
      columns.add(RunLayout.ACCURACY_CLASS_PREFIX + c);
      double accuracy = classAccuracy(eval, c);
      row.add(Double.isNaN(accuracy) ? "" : fixed(accuracy, 4));
    }
    return new Table(columns).add(row);
  }

  /**
   * {@code per-class.csv} (and the table of {@code accuracy.md}): for each class its test
   * examples, how many were predicted as it, recall (its accuracy: the fraction of its examples
   * classified correctly), precision (the fraction of the examples predicted as it that are it)
   * and F1; "n/a" where a fraction has no examples.
   */
  public static Table perClass(List<String> classNames, Evaluation eval) {
    ConfusionMatrix<Integer> cm = eval.getConfusionMatrix();
    Table t = new Table(RunLayout.PER_CLASS_COLUMNS);
    for (int c = 0; c < classNames.size(); c++) {
      double recall = classAccuracy(eval, c);
      int predicted = cm.getPredictedTotal(c);
      double precision = predicted == 0 ? Double.NaN : (double) cm.getCount(c, c) / predicted;
      double f1 = 2 * precision * recall / (precision + recall);
      t.add(c, classNames.get(c), cm.getActualTotal(c), predicted, fraction(recall),
          fraction(precision), fraction(f1));
    }
    return t;
  }

  /** {@code confusion.csv}: test examples of each actual class (row) by predicted class. */
  public static Table confusion(Evaluation eval) {
    ConfusionMatrix<Integer> cm = eval.getConfusionMatrix();
    int classes = eval.getNumRowCounter() > 0 ? cm.getClasses().size() : 0;
    List<String> columns = new ArrayList<>(List.of(RunLayout.CONFUSION_ACTUAL));
    for (int p = 0; p < classes; p++) {
      columns.add(RunLayout.CONFUSION_PREDICTED_PREFIX + p);
    }
    Table t = new Table(columns);
    for (int a = 0; a < classes; a++) {
      List<Object> row = new ArrayList<>(List.of(a));
      for (int p = 0; p < classes; p++) {
        row.add(cm.getCount(a, p));
      }
      t.add(row);
    }
    return t;
  }

  private static String optional(double value) {
    return Double.isNaN(value) ? "" : fixed(value, 4);
  }

  private static String fraction(double value) {
    return Double.isNaN(value) ? "n/a" : fixed(value, 4);
  }

  /** {@code accuracy.md}: the summary row, then the per-class table. */
  public static String accuracyMarkdown(JobConfig config, List<String> classNames,
      Evaluation eval, Evaluation evalEma) {
    Table summary = accuracy(config, eval, evalEma);
    int columns = evalEma == null ? 7 : 9;
    Table head = new Table(summary.columns().subList(0, columns));
    head.add(summary.rows().get(0).subList(0, columns));
    return "# Test accuracy\n\n" + head.toMarkdown() + "\n## Per class\n\n"
        + perClass(classNames, eval).toMarkdown();
  }

  /** Test accuracies of one repeat of a run (NaN where no moving average was kept). */
  public record RepeatResult(double top1, double top5, double top1Ema, double top5Ema) {}

  /**
   * {@code accuracy.csv} of a run with repeats: one row per repeat with its seed, then the mean
   * and the sample standard deviation (n - 1) of every column.
   */
  public static Table repeats(long firstSeed, List<RepeatResult> results) {
    Table t = new Table(RunLayout.REPEATS_ACCURACY_COLUMNS);
    List<double[]> columns = List.of(
        results.stream().mapToDouble(RepeatResult::top1).toArray(),
        results.stream().mapToDouble(RepeatResult::top5).toArray(),
        results.stream().mapToDouble(RepeatResult::top1Ema).toArray(),
        results.stream().mapToDouble(RepeatResult::top5Ema).toArray());
    for (int i = 0; i < results.size(); i++) {
      List<Object> row = new ArrayList<>(List.of(i + 1, firstSeed + i));
      for (double[] column : columns) {
        row.add(optional(column[i]));
      }
      t.add(row);
    }
    List<Object> mean = new ArrayList<>(List.of("mean", ""));
    List<Object> std = new ArrayList<>(List.of("std", ""));
    for (double[] column : columns) {
      double m = Arrays.stream(column).average().orElse(Double.NaN);
      double squares = Arrays.stream(column).map(v -> (v - m) * (v - m)).sum();
      mean.add(optional(m));
      std.add(optional(column.length > 1 ? Math.sqrt(squares / (column.length - 1)) : Double.NaN));
    }
    return t.add(mean).add(std);
  }

  /** {@code rounds.csv}: one row per parameter-averaging round. */
  public static Table rounds(List<RoundProgress.Round> rounds) {
    Table t = new Table(RunLayout.ROUNDS_COLUMNS);
    for (RoundProgress.Round r : rounds) {
      t.add(r.epoch(), r.round(), String.format(Locale.ROOT, "%.6g", r.learningRate()),
          fixed(r.loss(), 6), fixed(r.seconds(), 3), fixed(r.examplesPerSecond(), 1));
    }
    return t;
  }

  /** {@code classes.csv}: the class index of each class name. */
  public static Table classes(List<String> classNames) {
    Table t = new Table(RunLayout.CLASSES_COLUMNS);
    for (int c = 0; c < classNames.size(); c++) {
      t.add(c, classNames.get(c));
    }
    return t;
  }

  /** {@code skipped-images.csv}: every input left out of either split, and why. */
  public static Table skipped(List<SkippedInput> train, List<SkippedInput> test) {
    Table t = new Table(RunLayout.SKIPPED_COLUMNS);
    train.forEach(s -> t.add("train", s.path(), s.reason()));
    test.forEach(s -> t.add("test", s.path(), s.reason()));
    return t;
  }

  /**
   * {@code timing.csv}: how the run was parallelised and how long it took.
   *
   * @param totalSeconds wall time of the whole run (loading, training, evaluation, writing); of a
   *     resumed run, since it was resumed
   * @param resumedAfterEpoch the checkpoint's epoch the run was resumed from; 0 if not resumed
   * @param driverNd4j the ND4J backend and native build of the driver
   * @param executorNd4j the distinct backends and builds the executors reported
   * @param split where the training time went, from DL4J's training statistics
   */
  public static Table timing(JobConfig config, String sparkMaster, int workers,
      List<EpochMetrics> epochs, double totalSeconds, int resumedAfterEpoch, String driverNd4j,
      List<String> executorNd4j, TimeSplit split) {
    double trainSeconds = epochs.stream().mapToDouble(EpochMetrics::trainSeconds).sum();
    // DL4J's statistics cover this process only: after a resume, the epochs trained since.
    double sinceResume = epochs.stream().filter(e -> e.epoch() > resumedAfterEpoch)
        .mapToDouble(EpochMetrics::trainSeconds).sum();
    long examples = epochs.stream().mapToLong(EpochMetrics::examples).sum();
    return new Table(RunLayout.TIMING_COLUMNS)
        .add(sparkMaster, workers, config.train().batchSizePerWorker(),
            config.train().averagingFrequency(), epochs.size(), fixed(totalSeconds, 1),
            fixed(trainSeconds, 1), fixed(trainSeconds / epochs.size(), 1),
            fixed(examples / trainSeconds, 1), config.model().convolution(), driverNd4j,
            String.join("; ", executorNd4j), fixed(split.exportSeconds(), 1),
            fixed(split.broadcastSeconds(), 1), fixed(split.workerInitSeconds(), 1),
            fixed(split.workerFitSeconds(), 1), fixed(split.roundOverheadSeconds(), 1),
            fixed(split.otherSeconds(sinceResume), 1), resumedAfterEpoch,
            config.train().aggregationDepth(), fixed(split.driverAveragingSeconds(), 2),
            config.train().master());
  }

  /** {@code round-times.csv}: where each of the resident master's rounds spent its time. */
  public static Table roundTimes(List<ResidentTrainingMaster.Round> rounds) {
    Table t = new Table(RunLayout.ROUND_TIMES_COLUMNS);
    for (ResidentTrainingMaster.Round r : rounds) {
      t.add(r.epoch(), r.round(), r.workers(), r.minibatches(), fixed(r.wallMs(), 2),
          fixed(r.broadcastMs(), 2), fixed(r.jobMs(), 2), fixed(r.driverMs(), 2),
          fixed(r.maxFitMs(), 2), fixed(r.minFitMs(), 2), fixed(r.meanFitMs(), 2),
          fixed(r.meanInitMs(), 2), fixed(r.wallMs() - r.maxFitMs(), 2), r.builds(),
          fixed(r.meanWaitMs(), 2), fixed(r.meanTaskMs(), 2));
    }
    return t;
  }

  /** Fraction of class {@code c}'s examples predicted as {@code c}; NaN when there are none. */
  static double classAccuracy(Evaluation eval, int c) {
    ConfusionMatrix<Integer> cm = eval.getConfusionMatrix();
    int total = cm.getActualTotal(c);
    return total == 0 ? Double.NaN : (double) cm.getCount(c, c) / total;
  }

  private static int totalCount(Evaluation eval) {
    return eval.getConfusionMatrix().getClasses().stream()
        .mapToInt(c -> eval.getConfusionMatrix().getActualTotal(c)).sum();
  }

  static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
