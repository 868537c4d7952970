package org.sparkcnn.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.RunIds;

/**
 * An experiment ready to run: its file ({@link ExperimentSpec}), its base configuration (the
 * experiment directory's {@code config.conf}) and every variant's configuration, all checked.
 *
 * @param base the experiment's configuration: where its directory is, the data loaded once
 * @param variants in order: grid mode varies the last key fastest
 */
public record Experiment(ExperimentSpec spec, JobConfig base, List<Variant> variants) {
  /**
   * The variants {@code spec} makes over {@code base}, each configuration resolved and checked,
   * and the references matched to them.
   *
   * @throws InvalidConfigException naming the key at fault (an unknown varied key, a value of the
   *     wrong type or out of range), two variants of one id, or a reference naming no variant
   */
  public static Experiment of(ExperimentSpec spec, JobConfig base) {
    List<Variant> variants = new ArrayList<>();
    List<Map<String, ConfigValue>> combinations = combinations(spec);
    if (!spec.names().isEmpty() && spec.names().size() != combinations.size()) {
      throw ExperimentSpec.bad(spec.origin(), "names", spec.names().size() + " names for "
          + combinations.size() + " variants");
    }
    for (Map<String, ConfigValue> values : combinations) {
      String id = spec.names().isEmpty() ? Variant.idOf(values)
          : spec.names().get(variants.size());
      String problem = RunIds.refused(id).orElse(null);
      if (id.isEmpty() || problem != null) {
        throw ExperimentSpec.bad(spec.origin(), spec.names().isEmpty() ? "vary" : "names",
            "'" + id + "' (" + values.values() + ") is no usable directory name"
                + (problem == null ? "" : ": " + problem));
      }
      if (variants.stream().anyMatch(v -> v.id().equals(id))) {
        throw ExperimentSpec.bad(spec.origin(), "vary", "two variants are both named '" + id
            + "'; make the values differ in more than punctuation");
      }
      variants.add(new Variant(id, values, configOf(spec, base, id, values)));
    }
    for (ExperimentSpec.Reference r : spec.references()) {
      if (variants.stream().noneMatch(v -> v.id().equals(r.variant()))) {
        throw ExperimentSpec.bad(spec.origin(), "reference", "variant '" + r.variant()
            + "' is none of the experiment's: " + variants.stream().map(Variant::id).toList());
      }
    }
    return new Experiment(spec, base, List.copyOf(variants));
  }

  /** The source's figure for {@code variant}, if the experiment file gives one. */
  public Optional<ExperimentSpec.Reference> reference(Variant variant) {
    return spec.references().stream().filter(r -> r.variant().equals(variant.id())).findFirst();
  }

  /** {@code variant}'s configuration for repeat {@code repeat} (1-based): its own seed. */
  public JobConfig repeatConfig(Variant variant, int repeat) {
    Config c = variant.config().resolved();
    return JobConfig.from(c.withValue("run.seed",
        ConfigValueFactory.fromAnyRef(variant.config().run().seed() + repeat - 1)));
  }

  private static JobConfig configOf(ExperimentSpec spec, JobConfig base, String id,
      Map<String, ConfigValue> values) {
    Config layer = ConfigFactory.empty();
    for (Map.Entry<String, ConfigValue> e : values.entrySet()) {
      layer = layer.withValue(e.getKey(), e.getValue());
    }
    ConfigLoader loader = new ConfigLoader().layer(base.resolved()).layer(layer);
    loader.set("run.repeats=1");
    try {
      return JobConfig.from(loader.resolve());
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException("experiment file " + spec.origin() + ": variant "
          + id + ": " + e.getMessage(), e);
    }
  }

  /** The value maps of every variant, in order. */
  static List<Map<String, ConfigValue>> combinations(ExperimentSpec spec) {
    List<String> keys = new ArrayList<>(spec.vary().keySet());
    List<Map<String, ConfigValue>> out = new ArrayList<>();
    if (spec.mode() == ExperimentSpec.Mode.ZIP) {
      int n = spec.vary().get(keys.get(0)).size();
      for (int i = 0; i < n; i++) {
        Map<String, ConfigValue> values = new LinkedHashMap<>();
        for (String key : keys) {
          values.put(key, spec.vary().get(key).get(i));
        }
        out.add(values);
      }
      return out;
    }
    out.add(new LinkedHashMap<>());
    for (String key : keys) {
      List<Map<String, ConfigValue>> next = new ArrayList<>();
      for (Map<String, ConfigValue> partial : out) {
        for (ConfigValue value : spec.vary().get(key)) {
          Map<String, ConfigValue> values = new LinkedHashMap<>(partial);
          values.put(key, value);
          next.add(values);
        }
      }
      out = next;
    }
    return out;
  }
}
