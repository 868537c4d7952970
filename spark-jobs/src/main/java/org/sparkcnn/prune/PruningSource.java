package org.sparkcnn.prune;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.PruneConfig;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.models.pruning.PointwisePruning;
import org.sparkcnn.report.RunLayout;

/**
 * The network a pruning run starts from and the steps it will take, read and checked before the
 * run directory exists: the model of {@code prune.from} (a finished run's {@code model.zip}, with
 * its {@code model-ema.zip} when there is one) or of {@code prune.model}; the steps of {@code
 * prune.schedule} or of {@code prune.rule}, each checked against the network's pointwise layers.
 *
 * @param network the unpruned network
 * @param average the unpruned network holding the source run's moving average; null when it has
 *     none
 * @param location where the network was read
 * @param steps the steps, checked: known layers, from the last unit towards the first, each
 *     leaving at least one filter
 */
public record PruningSource(MultiLayerNetwork network, MultiLayerNetwork average,
    String location, List<PruneConfig.Step> steps) {
  private static final Pattern UNIT = Pattern.compile("unit(\\d+)-pw");

  /**
   * Reads the network {@code prune} names and checks the steps against it.
   *
   * @throws BadInputException when the model or run directory is missing or unreadable, or the
   *     run is not finished
   * @throws InvalidConfigException when the network is not a MobileNet V1 for {@code
   *     data.num-classes} classes or not the one {@code model.name} describes, or a step names
   *     an unknown layer, goes out of order, or removes as many filters as the layer has or more
   *     (naming the step's key)
   */
  public static PruningSource open(JobConfig config, PruneConfig prune, Configuration conf) {
    String key = prune.from().isEmpty() ? "prune.model" : "prune.from";
    Path model = prune.from().isEmpty() ? new Path(prune.model())
        : new Path(prune.from(), RunLayout.MODEL);
    if (!prune.from().isEmpty()) {
      requireFinished(prune.from(), conf);
      if (!exists(model, conf) && exists(new Path(prune.from(), RunLayout.REPEAT_PREFIX + 1),
          conf)) {
        throw new BadInputException("prune.from: " + prune.from() + " trained several repeats,"
            + " each with its own model; name one, e.g. prune.from = " + new Path(prune.from(),
                RunLayout.REPEAT_PREFIX + 1));
      }
    }
    MultiLayerNetwork net = read(key, model, conf, true);
    MultiLayerNetwork average = null;
    if (!prune.from().isEmpty()) {
      Path ema = new Path(prune.from(), RunLayout.MODEL_EMA);
      if (exists(ema, conf)) {
        average = read(key, ema, conf, false);
      }
    }
    List<String> pointwise = PointwisePruning.pointwiseLayers(net);
    if (pointwise.isEmpty()) {
      throw new InvalidConfigException(key + ": " + model + " is not a MobileNet V1 network (it"
          + " has no pointwise layers unit<n>-pw); the pruning job prunes MobileNet V1 only, in"
          + " either unit form (model.name mobilenet-v1 or mobilenet-v1-cifar)");
    }
    long classes = ((FeedForwardLayer) net.getLayer(net.getnLayers() - 1).conf().getLayer())
        .getNOut();
    if (classes != config.data().numClasses()) {
      throw new InvalidConfigException(key + ": " + model + " classifies " + classes
          + " classes but data.num-classes is " + config.data().numClasses());
    }
    ArchitectureCheck.requireNamed(key, model.toString(), net, config);
    return new PruningSource(net, average, model.toString(), check(prune.steps(), net));
  }

  /**
   * {@code steps}, checked against {@code net}: each layer is one of its pointwise layers, no
   * later than the previous step's, and keeps at least one filter after all steps so far.
   *
   * @throws InvalidConfigException naming the step's key
   */
  static List<PruneConfig.Step> check(List<PruneConfig.Step> steps, MultiLayerNetwork net) {
    List<String> pointwise = PointwisePruning.pointwiseLayers(net);
    Map<String, Long> filters = new HashMap<>();
    for (String layer : pointwise) {
      filters.put(layer, ((FeedForwardLayer) net.getLayer(layer).conf().getLayer()).getNOut());
    }
    if (steps.isEmpty()) {
      throw new InvalidConfigException("prune.schedule and prune.rule give no step");
    }
    int previousUnit = Integer.MAX_VALUE;
    String previous = null;
    for (PruneConfig.Step step : steps) {
      if (!filters.containsKey(step.layer())) {
        throw new InvalidConfigException(step.key() + ": the network has no pointwise layer '"
            + step.layer() + "'; its pointwise layers are " + pointwise.get(0) + " to "
            + pointwise.get(pointwise.size() - 1));
      }
      Matcher unit = UNIT.matcher(step.layer());
      int number = unit.matches() ? Integer.parseInt(unit.group(1)) : 0;
      if (number > previousUnit) {
        throw new InvalidConfigException(step.key() + ": " + step.layer() + " comes after "
            + previous + "; steps go from the last unit towards the first (the paper's order:"
            + " unit13-pw, then unit12-pw, ...)");
      }
      long left = filters.get(step.layer());
      if (step.filters() < 1 || step.filters() >= left) {
        throw new InvalidConfigException(step.key() + ": cannot remove " + step.filters()
            + " filters of " + step.layer() + ", which has " + left
            + (left == ((FeedForwardLayer) net.getLayer(step.layer()).conf().getLayer()).getNOut()
                ? "" : " after the steps before")
            + ": remove between 1 and " + (left - 1));
      }
      filters.put(step.layer(), left - step.filters());
      previousUnit = number;
      previous = step.layer();
    }
    return new ArrayList<>(steps);
  }

  /** The network in {@code model}, read whole before it is restored. */
  static MultiLayerNetwork read(String key, Path model, Configuration conf, boolean updater) {
    byte[] bytes;
    try {
      FileSystem fs = model.getFileSystem(conf);
      try (InputStream in = fs.open(model)) {
        bytes = in.readAllBytes();
      }
    } catch (FileNotFoundException e) {
      throw new BadInputException(key + ": no model at " + model);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + model, e);
    }
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), updater);
    } catch (Exception e) {
      if (isGraph(bytes)) {
        throw new InvalidConfigException(key + ": " + model + " is a ComputationGraph (ResNet),"
            + " not a MobileNet V1 network; the pruning job prunes MobileNet V1 only", e);
      }
      throw new BadInputException(key + ": cannot read " + model + " as a DL4J model: " + e, e);
    }
  }

  private static boolean isGraph(byte[] bytes) {
    try {
      ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void requireFinished(String from, Configuration conf) {
    if (!exists(new Path(from), conf)) {
      throw new BadInputException("prune.from: no run directory at " + from);
    }
    Path run = runOf(from, conf);
    if (!exists(new Path(run, RunLayout.SUCCESS), conf)) {
      throw new BadInputException("prune.from: " + run + " is not a finished training run"
          + " (no " + RunLayout.SUCCESS + "); finish or resume it first");
    }
  }

  /**
   * The run directory of {@code from}: {@code from} itself, or, for a repeat's directory ({@code
   * RUN/repeat-2}), the run's, which holds {@code config.conf} and {@code _SUCCESS}.
   */
  static Path runOf(String from, Configuration conf) {
    Path dir = new Path(from);
    if (!exists(new Path(dir, RunLayout.CONFIG), conf) && dir.getParent() != null
        && dir.getName().startsWith(RunLayout.REPEAT_PREFIX)) {
      return dir.getParent();
    }
    return dir;
  }

  private static boolean exists(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + path, e);
    }
  }
}
