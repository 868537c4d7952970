package org.sparkcnn.config;

import static org.sparkcnn.config.ConfigNumbers.wholeInt;
import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Section {@code predict} of the configuration: the model the prediction job scores with, what it
 * scores, and how its predictions are listed (see {@code reference.conf} for each key). Only the
 * prediction job reads it.
 *
 * @param model a run directory, a repeat's directory or a model file in one
 * @param movingAverage for a directory: score {@code model-ema.zip} instead of {@code model.zip}
 * @param input a folder or glob of unlabelled images; empty: the {@code data} section's dataset
 * @param split the split of the {@code data} section's dataset scored when {@code input} is empty
 * @param topK classes listed per image, at least 1
 * @param batchSize images per minibatch; 0: the run's {@code train.eval-batch-size}
 */
public record PredictConfig(String model, boolean movingAverage, String input, String split,
    int topK, int batchSize) {
  /** The values of {@code predict.split}. */
  public static final String TEST = "test";
  public static final String TRAIN = "train";

  public PredictConfig {
    check(!model.isBlank(), "predict.model", "must name a run directory or a model file", "''");
    check(split.equals(TEST) || split.equals(TRAIN), "predict.split",
        "must be \"" + TEST + "\" or \"" + TRAIN + "\"", "'" + split + "'");
    check(topK >= 1, "predict.top-k", "must be >= 1", topK);
    check(batchSize >= 0, "predict.batch-size", "must be >= 0 (0: the run's"
        + " train.eval-batch-size)", batchSize);
  }

  /** Reads {@code predict.*}. */
  public static PredictConfig from(Config c) {
    try {
      return new PredictConfig(c.getString("predict.model"),
          c.getBoolean("predict.moving-average"), c.getString("predict.input"),
          c.getString("predict.split"), wholeInt(c, "predict.top-k"),
          wholeInt(c, "predict.batch-size"));
    } catch (ConfigException e) {
      throw new InvalidConfigException("invalid configuration: " + e.getMessage(), e);
    }
  }

  /** Whether the images come from the {@code data} section's dataset, with their labels. */
  public boolean scoresDataset() {
    return input.isEmpty();
  }
}
