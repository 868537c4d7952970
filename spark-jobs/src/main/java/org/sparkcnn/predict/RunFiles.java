package org.sparkcnn.predict;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunLayout;

/**
 * The checks {@link ServingModel} makes of the run directory a model comes from: it finished, and
 * it holds what serving needs besides the model; each failure names the file or the run.
 */
final class RunFiles {
  private RunFiles() {}

  static String missingModel(Path dir, Path model, boolean movingAverage,
      Configuration conf) {
    if (ServingModel.status(new Path(dir, RunLayout.REPEAT_PREFIX + 1), conf) != null) {
      return dir + " trained several repeats, each with its own model; name one, e.g. "
          + new Path(dir, RunLayout.REPEAT_PREFIX + 1);
    }
    if (movingAverage && ServingModel.status(new Path(dir, RunLayout.MODEL), conf) != null) {
      return "no " + RunLayout.MODEL_EMA + " in " + dir + ": the run kept no moving average of"
          + " its parameters (train.ema-decay = 0); use its " + RunLayout.MODEL;
    }
    boolean finished = ServingModel.status(new Path(dir, RunLayout.SUCCESS), conf) != null;
    return "no model at " + model + (!finished
        ? " (" + dir + " holds no finished run: no " + RunLayout.SUCCESS + ")" : "");
  }

  /**
   * Fails unless the run that trained {@code model} finished: {@code _SUCCESS} in the model's
   * folder or its run directory. A run that failed or stopped after writing a model (a diverged
   * run writes none, a run killed between its model and {@code _SUCCESS} may) is not served.
   */
  static void requireFinished(Path dir, Path runDir, Path model, Configuration conf) {
    if (ServingModel.status(new Path(dir, RunLayout.SUCCESS), conf) != null
        || ServingModel.status(new Path(runDir, RunLayout.SUCCESS), conf) != null) {
      return;
    }
    Path failed = new Path(runDir, RunLayout.FAILED);
    String why = ServingModel.status(failed, conf) == null
        ? "it has not finished (no " + RunLayout.SUCCESS + "): still training, stopped, or"
            + " its directory was copied without it"
        : "it failed (" + failed + ": " + firstLine(ServingModel.text(failed, conf)) + ")";
    throw new BadInputException("model " + model + ": its run " + runDir + " is not complete: "
        + why + "; score the model of a finished run");
  }

  private static String firstLine(String text) {
    String line = text.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  /** Fails naming every file serving needs that the run directory lacks. */
  static void requirePresent(Path runDir, Path model, Configuration conf) {
    List<String> missing = new ArrayList<>();
    for (String name : List.of(RunLayout.CONFIG, RunLayout.CLASSES, RunLayout.DATASET_STATS)) {
      if (ServingModel.status(new Path(runDir, name), conf) == null) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new BadInputException("model " + model + ": its run directory " + runDir
          + " lacks " + String.join(", ", missing) + ", which serving needs to preprocess images"
          + " as the run did (the configuration, the class names and the training set's"
          + " statistics); keep the model in its run directory");
    }
  }
}
