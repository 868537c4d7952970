package org.sparkcnn.config;

import static org.sparkcnn.config.InvalidConfigException.check;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkcnn.models.pruning.FilterNorm;

/**
 * Section {@code prune} of the configuration: what the pruning job prunes, by which rule, and
 * how it retrains (see {@code reference.conf} for each key). Only the pruning job reads it.
 *
 * @param from a finished training run's directory; empty when {@code model} is given
 * @param model a model file; empty when {@code from} is given
 * @param norm how filters are ranked
 * @param schedule explicit steps, in order; empty: the rule
 * @param rule the paper's halving rule, used when {@code schedule} is empty
 * @param maxTop1Drop largest drop of top-1 accuracy below the unpruned model's, in percentage
 *     points; 0: no limit
 * @param retrainEpochs epochs of retraining after each step, at least 0
 */
public record PruneConfig(String from, String model, FilterNorm norm, List<Step> schedule,
    Rule rule, double maxTop1Drop, int retrainEpochs) {
  public PruneConfig {
    check(from.isEmpty() != model.isEmpty(), "prune.from", "or prune.model: give exactly one"
        + " (a training run's directory or a model file)", from.isEmpty() ? "neither"
        : "both ('" + from + "', '" + model + "')");
    check(maxTop1Drop >= 0 && maxTop1Drop <= 100, "prune.max-top1-drop",
        "must be in [0, 100] (percentage points; 0: no limit)", maxTop1Drop);
    check(retrainEpochs >= 0, "prune.retrain-epochs", "must be >= 0", retrainEpochs);
    schedule = List.copyOf(schedule);
  }

  /**
   * One explicit step: remove {@code filters} output filters of pointwise layer {@code layer}.
   *
   * @param key where the step is written, e.g. {@code prune.schedule[2]}, for error messages
   */
  public record Step(String layer, int filters, String key) {}

  /**
   * The paper's rule: {@code 2^firstExponent} filters of {@code unit<firstUnit>-pw}, then half as
   * many of each earlier unit down to {@code unit<lastUnit>-pw} (SEEDS.md section 4, steps 2-4).
   */
  public record Rule(int firstUnit, int firstExponent, int lastUnit) {
    public Rule {
      check(firstUnit >= 1, "prune.rule.first-unit", "must be >= 1", firstUnit);
      check(firstExponent >= 0 && firstExponent <= 30, "prune.rule.first-exponent",
          "must be in [0, 30]", firstExponent);
      check(lastUnit >= 1 && lastUnit <= firstUnit, "prune.rule.last-unit",
          "must be in [1, prune.rule.first-unit]", lastUnit);
    }

    /** The rule's steps: units first-unit down to last-unit, or until one filter. */
    public List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      for (int unit = firstUnit, n = firstExponent; unit >= lastUnit && n >= 0; unit--, n--) {
        steps.add(new Step("unit" + unit + "-pw", 1 << n, String.format(Locale.ROOT,
            "prune.rule (unit %d: 2^%d)", unit, n)));
      }
      return steps;
    }
  }

  /** The steps to take: the explicit schedule, or the rule's when there is none. */
  public List<Step> steps() {
    return schedule.isEmpty() ? rule.steps() : schedule;
  }

  private static FilterNorm norm(String value) {
    for (FilterNorm norm : FilterNorm.values()) {
      if (norm.name().toLowerCase(Locale.ROOT).equals(value)) {
        return norm;
      }
    }
    throw new InvalidConfigException("prune.norm must be one of [l1, l2], got '" + value + "'");
  }

  /** Reads section {@code prune}. */
  public static PruneConfig from(Config c) {
    List<Step> schedule = new ArrayList<>();
    List<? extends ConfigValue> steps = c.getList("prune.schedule");
    for (int i = 0; i < steps.size(); i++) {
      String key = "prune.schedule[" + i + "]";
      check(steps.get(i) instanceof ConfigObject, key, "must be {layer = unit<n>-pw, filters ="
          + " <n>}", steps.get(i).render(ConfigRenderOptions.concise()));
      Config step = ((ConfigObject) steps.get(i)).toConfig();
      try {
        for (String k : step.root().keySet()) {
          check(k.equals("layer") || k.equals("filters"), key, "holds layer and filters only",
              k);
        }
        schedule.add(new Step(step.getString("layer"), whole(step, "filters", key + ".filters"),
            key));
      } catch (ConfigException e) {
        throw new InvalidConfigException(key + " must be {layer = unit<n>-pw, filters = <n>}: "
            + e.getMessage(), e);
      }
    }
    return new PruneConfig(c.getString("prune.from"), c.getString("prune.model"),
        norm(c.getString("prune.norm")), schedule,
        new Rule(whole(c, "prune.rule.first-unit"), whole(c, "prune.rule.first-exponent"),
            whole(c, "prune.rule.last-unit")),
        c.getDouble("prune.max-top1-drop"), whole(c, "prune.retrain-epochs"));
  }

  private static int whole(Config c, String path) {
    return ConfigNumbers.wholeInt(c, path);
  }

  private static int whole(Config c, String path, String key) {
    return ConfigNumbers.wholeInt(c, path, key);
  }
}
