package org.sparkcnn.experiment;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.backend.BackendProbe;
import org.sparkcnn.backend.BackendUnavailableException;
import org.sparkcnn.backend.ClusterEnvironment;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;
import org.sparkcnn.report.RunReport;
import org.sparkcnn.train.DivergedException;
import org.sparkcnn.train.EpochListener;
import org.sparkcnn.train.NetworkTraining;
import org.sparkcnn.train.RunLifecycle;
import org.sparkcnn.train.RunReports;
import org.sparkcnn.train.RunResult;
import org.sparkcnn.train.TrainingData;

/**
 * An experiment's work ({@link RunLifecycle.Work}): trains every variant's repeats, each into
 * {@code <variant>/repeat-<i>/} of the experiment directory as a training run of its own
 * ({@code config.conf} with its seed, the training job's outputs, {@code _SUCCESS} or {@code
 * _FAILED}), then writes the table and the report ({@link ExperimentReport}).
 *
 * <p>The data is loaded and cached once per distinct {@code data} section: variants that vary no
 * {@code data.*} key share the experiment's load. A variant whose {@code cluster} section differs
 * from the base's gets its own backend probe.
 *
 * <p>A repeat with {@code _SUCCESS} is complete and skipped; one begun ({@code config.conf} there)
 * continues from its newest checkpoint; the others start. A variant that fails (its backend or
 * placement unavailable, bad input, a bad configuration, divergence, a failed Spark job) has the
 * reason in each failed repeat's {@code _FAILED} and in the table, and the others go on, unless
 * {@code stop-on-failure}.
 * The experiment then ends without {@code _SUCCESS} ({@link VariantsFailedException}, whose cause
 * is the first failure and gives the exit code), so that running it again retries those variants
 * only: on a cluster, once per placement the launcher sets. What the {@link EpochListener} throws
 * stops the experiment at once (it fails, to be resumed), as does an out-of-memory error.
 */
final class ExperimentRun implements RunLifecycle.Work {
  private static final Logger log = LoggerFactory.getLogger(ExperimentJob.class);

  /** The longest reason a row shows; the log has the whole error. */
  static final int MAX_REASON_CHARS = 400;

  private final JavaSparkContext sc;
  private final Experiment experiment;
  private final EpochListener listener;

  ExperimentRun(JavaSparkContext sc, Experiment experiment, EpochListener listener) {
    this.sc = sc;
    this.experiment = experiment;
    // What the listener throws stops the experiment; it is no failure of the variant.
    this.listener = metrics -> {
      try {
        listener.epochFinished(metrics);
      } catch (RuntimeException e) {
        throw new Stopped(e);
      }
    };
  }

  /** Carries what the experiment's listener threw past the variants' failure handling. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped(RuntimeException cause) {
      super(cause);
    }
  }

  @Override
  public RunResult perform(RunLifecycle.Started run) {
    RunDirectory dir = run.dir();
    ExperimentSpec spec = experiment.spec();
    if (dir.exists(RunLayout.EXPERIMENT_CONF)) {
      String saved = new String(dir.readBytes(RunLayout.EXPERIMENT_CONF), StandardCharsets.UTF_8);
      if (!saved.equals(spec.text())) {
        throw new InvalidConfigException("experiment directory " + dir.path() + " holds another"
            + " experiment file (" + RunLayout.EXPERIMENT_CONF + " differs from "
            + spec.origin() + "); choose another run.id");
      }
    } else {
      dir.write(RunLayout.EXPERIMENT_CONF, spec.text());
    }
    ExperimentReport report = new ExperimentReport(dir, experiment);
    report.write("running");
    Map<JobConfig.DataConfig, TrainingData> loaded = new HashMap<>();
    loaded.put(run.config().data(), run.data());
    List<JavaRDD<?>> cached = new ArrayList<>();
    Map<String, RuntimeException> failed = new LinkedHashMap<>();
    try {
      for (Variant variant : experiment.variants()) {
        RuntimeException failure = runVariant(run, variant, loaded, cached);
        if (failure != null) {
          failed.put(variant.id(), failure);
        }
        report.write("running");
      }
    } finally {
      cached.forEach(rdd -> rdd.unpersist(false));
    }
    if (!failed.isEmpty()) {
      String why = failed.size() + " of " + experiment.variants().size() + " variants could not"
          + " run (" + String.join(", ", failed.keySet()) + "); their rows say why. Running the"
          + " experiment again retries them and keeps the complete runs";
      report.write("incomplete: " + why);
      throw new VariantsFailedException(why, failed.values().iterator().next());
    }
    ExperimentTable table = report.write("complete");
    return new RunResult(dir.path().toString(), table.bestTop1(), Double.NaN, Double.NaN,
        Double.NaN, List.of(), null);
  }

  /** Runs {@code variant}'s missing repeats; returns the first failure, or null. */
  private RuntimeException runVariant(RunLifecycle.Started run, Variant variant,
      Map<JobConfig.DataConfig, TrainingData> loaded, List<JavaRDD<?>> cached) {
    RunDirectory variantDir = run.dir().child(variant.id());
    int repeats = experiment.spec().repeats();
    if (complete(variantDir, repeats)) {
      log.info("variant {}: all {} repeats complete", variant.id(), repeats);
      return null;
    }
    log.info("variant {} ({})", variant.id(), variant.describe());
    JobConfig config = variant.config();
    RunLifecycle.Started started;
    try {
      TrainingData.Sources sources = TrainingData.open(config, sc.hadoopConfiguration());
      TrainingData data = loaded.get(config.data());
      if (data == null) {
        log.info("variant {} has data of its own: loading it", variant.id());
        data = TrainingData.load(config, sources, sc, variantDir, cached);
        loaded.put(config.data(), data);
      }
      ClusterEnvironment environment = config.cluster().equals(run.config().cluster())
          ? run.environment() : BackendProbe.run(sc, config.cluster(),
              found -> variantDir.write(RunLayout.ENVIRONMENT_JSON,
                  found.toJson(config.cluster())));
      started = new RunLifecycle.Started(config, variantDir, sources, data, environment, false,
          run.startNanos());
    } catch (Exception e) {
      RuntimeException failure = stopOrRethrow(e);
      failAll(variant, variantDir, repeats, failure);
      return failure;
    }
    RuntimeException first = null;
    for (int repeat = 1; repeat <= repeats; repeat++) {
      RunDirectory out = variantDir.child(Variant.repeatDir(repeat));
      if (out.exists(RunLayout.SUCCESS)) {
        log.info("variant {} repeat {}: complete", variant.id(), repeat);
        continue;
      }
      JobConfig repeatConfig = experiment.repeatConfig(variant, repeat);
      boolean resuming = out.exists(RunLayout.CONFIG);
      log.info("variant {} repeat {}/{}: seed {}{}", variant.id(), repeat, repeats,
          repeatConfig.run().seed(), resuming ? ", resuming" : "");
      out.delete(RunLayout.FAILED);
      out.write(RunLayout.CONFIG, repeatConfig.render());
      // what a training run's report shows beside its own outputs
      out.write(RunLayout.CLASSES, RunReports.classes(started.sources().classNames()).toCsv());
      out.write(RunLayout.ENVIRONMENT_JSON, started.environment().toJson(config.cluster()));
      try {
        NetworkTraining.train(sc, started.trainingInputs(repeatConfig, repeatConfig.run().seed(),
            out, null, resuming, System.nanoTime()), listener);
        out.markSuccess();
      } catch (Exception e) { // SparkException is checked, though Scala declares nothing
        RuntimeException failure = stopOrRethrow(e);
        fail(out, reason(e));
        log.warn("variant {} repeat {} failed: {}", variant.id(), repeat, reason(e), e);
        first = first == null ? failure : first;
      }
    }
    return first;
  }

  private static boolean complete(RunDirectory variantDir, int repeats) {
    for (int repeat = 1; repeat <= repeats; repeat++) {
      if (!variantDir.exists(Variant.repeatDir(repeat) + "/" + RunLayout.SUCCESS)) {
        return false;
      }
    }
    return true;
  }

  /** Records {@code e} as the failure of every repeat that is not complete. */
  private void failAll(Variant variant, RunDirectory variantDir, int repeats,
      RuntimeException e) {
    log.warn("variant {} cannot run: {}", variant.id(), reason(e));
    for (int repeat = 1; repeat <= repeats; repeat++) {
      RunDirectory out = variantDir.child(Variant.repeatDir(repeat));
      if (!out.exists(RunLayout.SUCCESS)) {
        out.write(RunLayout.CONFIG, experiment.repeatConfig(variant, repeat).render());
        fail(out, reason(e));
      }
    }
  }

  private static void fail(RunDirectory out, String why) {
    out.write(RunLayout.FAILED, why + "\n");
    RunReport.update(out, RunReport.Status.failed(why));
  }

  /**
   * {@code e} as the variant's failure, to record; throws instead what the listener threw (the
   * experiment is stopped), and, with {@code stop-on-failure}, {@code e} itself.
   */
  private RuntimeException stopOrRethrow(Exception e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof Stopped stopped) {
        throw (RuntimeException) stopped.getCause();
      }
    }
    RuntimeException failure = e instanceof RuntimeException r ? r
        : new IllegalStateException(e.getMessage(), e);
    if (experiment.spec().stopOnFailure()) {
      throw failure;
    }
    return failure;
  }

  /**
   * One line for {@code _FAILED} and the table: the kind of failure and the first line of its
   * message (a Spark job's names the task's error; the log has the whole stack).
   */
  static String reason(Throwable e) {
    BadInputException bad = BadInputException.findIn(e);
    String message = bad != null ? bad.getMessage() : e.getMessage();
    String kind = e instanceof BackendUnavailableException ? "backend unavailable"
        : e instanceof DivergedException ? "diverged"
            : e instanceof InvalidConfigException ? "configuration"
                : bad != null ? "bad input" : e.getClass().getSimpleName();
    String line = message == null ? e.toString() : message.strip().split("\n", 2)[0];
    return kind + ": " + (line.length() > MAX_REASON_CHARS
        ? line.substring(0, MAX_REASON_CHARS) + " ..." : line);
  }
}
