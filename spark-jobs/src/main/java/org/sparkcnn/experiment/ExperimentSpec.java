package org.sparkcnn.experiment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.sparkcnn.config.ConfigLoader;
import org.sparkcnn.config.InvalidConfigException;

/**
 * An experiment file (HOCON), parsed and checked: what to vary over which base configuration, how
 * often, and the source's figures to compare with. Its keys:
 *
 * <ul>
 *   <li>{@code name}: the experiment's name, which names its directory when {@code run.id} is
 *       empty; {@code description}: one paragraph for the report;
 *   <li>{@code base}: a configuration file, an inline configuration object, or a list of both,
 *       layered in order over {@code reference.conf} (files as {@code --conf} takes them);
 *   <li>{@code vary}: a non-empty list of values per configuration key, e.g. {@code
 *       "model.activation" = [relu, swish]} (keys in alphabetical order);
 *   <li>{@code mode}: {@code grid} (every combination, the default) or {@code zip} (the i-th
 *       value of every key together; the lists must be of one length);
 *   <li>{@code names}: optional, one name per variant in their order, in place of the names made
 *       from the values (see {@link Variant#id()});
 *   <li>{@code repeats}: trainings per variant, with seeds {@code run.seed}, {@code run.seed + 1}
 *       ... (default 1);
 *   <li>{@code reference}: a list of {@code {variant, metric, value, source}}, the source's
 *       figure for a variant; {@code metric} is one of {@link #METRICS};
 *   <li>{@code stop-on-failure}: whether a variant that fails ends the experiment (default false:
 *       it becomes a row that says why and the others run).
 * </ul>
 *
 * @param text the file as given, saved in the experiment directory
 * @param base the base's layers: file locations ({@code String}) and inline objects ({@code
 *     Config}), in order
 * @param vary each varied key and its values, keys in alphabetical order
 */
public record ExperimentSpec(String text, String origin, String name, String description,
    List<Object> base, Map<String, List<ConfigValue>> vary, Mode mode, List<String> names,
    int repeats,
    List<Reference> references, boolean stopOnFailure) {
  /** The keys an experiment file may hold. */
  static final Set<String> KEYS = Set.of("name", "description", "base", "vary", "mode",
      "names", "repeats", "reference", "stop-on-failure");
  /**
   * What a reference's {@code metric} may name: the mean over a variant's runs of top-1, top-5,
   * the moving average's top-1, wall seconds, or the moving average's gain (its top-1 - top-1).
   */
  public static final List<String> METRICS = List.of("top1", "top5", "top1-ema", "seconds",
      "ema-gain");
  private static final Set<String> REFERENCE_KEYS = Set.of("variant", "metric", "value",
      "source");

  /** How the values of several varied keys combine into variants. */
  public enum Mode { GRID, ZIP }

  /**
   * A source's figure for one variant.
   *
   * @param variant the variant's id ({@link Variant#id()})
   * @param metric one of {@link #METRICS}
   * @param value the figure: accuracies as fractions in [0, 1], seconds as seconds
   * @param source where the figure comes from, e.g. {@code 2020 paper, table 5}
   */
  public record Reference(String variant, String metric, double value, String source) {}

  /**
   * Parses the experiment file {@code text} read from {@code origin}.
   *
   * @throws InvalidConfigException naming the key at fault: an unknown key, a missing or empty
   *     {@code vary} list, lists of different lengths in {@code zip} mode, a bad reference
   */
  public static ExperimentSpec parse(String text, String origin) {
    Config file;
    try {
      file = ConfigFactory.parseString(text,
          ConfigParseOptions.defaults().setOriginDescription(origin)).resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("cannot parse experiment file " + e.getMessage(), e);
    }
    for (String key : file.root().keySet()) {
      if (!KEYS.contains(key)) {
        throw bad(origin, key, "unknown key; an experiment file holds " + new TreeSet<>(
            KEYS));
      }
    }
    try {
      String name = file.hasPath("name") ? file.getString("name") : "";
      if (name.isBlank()) {
        throw bad(origin, "name", "missing: every experiment has a name");
      }
      String description = file.hasPath("description") ? file.getString("description") : "";
      Mode mode = file.hasPath("mode") ? mode(origin, file.getString("mode")) : Mode.GRID;
      int repeats = file.hasPath("repeats") ? file.getInt("repeats") : 1;
      if (repeats < 1) {
        throw bad(origin, "repeats", "must be at least 1, got " + repeats);
      }
      boolean stop = file.hasPath("stop-on-failure") && file.getBoolean("stop-on-failure");
      Map<String, List<ConfigValue>> vary = vary(origin, file, mode);
      List<String> names = file.hasPath("names") ? file.getStringList("names") : List.of();
      return new ExperimentSpec(text, origin, name, description, base(origin, file), vary, mode,
          names, repeats, references(origin, file), stop);
    } catch (ConfigException e) {
      throw new InvalidConfigException("experiment file " + e.getMessage(), e);
    }
  }

  /** Adds the base's layers to {@code loader}, in order. */
  public void addBase(ConfigLoader loader, Configuration hadoopConf) {
    for (Object layer : base) {
      if (layer instanceof String location) {
        loader.file(location, hadoopConf);
      } else {
        loader.layer((Config) layer);
      }
    }
  }

  private static List<Object> base(String origin, Config file) {
    List<Object> layers = new ArrayList<>();
    if (!file.hasPath("base")) {
      return layers;
    }
    ConfigValue value = file.getValue("base");
    List<ConfigValue> items = value instanceof ConfigList list ? list : List.of(value);
    for (ConfigValue item : items) {
      if (item.valueType() == ConfigValueType.STRING) {
        layers.add((String) item.unwrapped());
      } else if (item instanceof ConfigObject object) {
        layers.add(object.toConfig());
      } else {
        throw bad(origin, "base", "expected configuration files and objects, got "
            + item.render());
      }
    }
    return layers;
  }

  private static Map<String, List<ConfigValue>> vary(String origin, Config file, Mode mode) {
    if (!file.hasPath("vary")) {
      throw bad(origin, "vary", "missing: say which keys to vary, e.g. vary { \"model.activation\""
          + " = [relu, swish] }");
    }
    Map<String, List<ConfigValue>> vary = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> entry : file.getConfig("vary").entrySet()) {
      String key = String.join(".", ConfigUtil.splitPath(entry.getKey()));
      if (!(entry.getValue() instanceof ConfigList values)) {
        throw bad(origin, "vary." + key, "expected a list of values, got "
            + entry.getValue().render());
      }
      if (values.isEmpty()) {
        throw bad(origin, "vary." + key, "the list of values is empty");
      }
      vary.put(key, List.copyOf(values));
    }
    if (vary.isEmpty()) {
      throw bad(origin, "vary", "no key to vary");
    }
    if (mode == Mode.ZIP && vary.values().stream().map(List::size).distinct().count() > 1) {
      StringBuilder sizes = new StringBuilder();
      vary.forEach((k, v) -> sizes.append(sizes.length() == 0 ? "" : ", ").append(k)
          .append(": ").append(v.size()));
      throw bad(origin, "vary", "mode = zip needs lists of one length, got " + sizes);
    }
    return vary;
  }

  private static List<Reference> references(String origin, Config file) {
    List<Reference> references = new ArrayList<>();
    if (!file.hasPath("reference")) {
      return references;
    }
    List<? extends Config> items = file.getConfigList("reference");
    for (int i = 0; i < items.size(); i++) {
      Config item = items.get(i);
      String at = "reference[" + i + "]";
      for (String key : item.root().keySet()) {
        if (!REFERENCE_KEYS.contains(key)) {
          throw bad(origin, at + "." + key, "unknown key; a reference holds " + REFERENCE_KEYS);
        }
      }
      for (String key : REFERENCE_KEYS) {
        if (!item.hasPath(key)) {
          throw bad(origin, at + "." + key, "missing");
        }
      }
      String metric = item.getString("metric");
      if (!METRICS.contains(metric)) {
        throw bad(origin, at + ".metric", "'" + metric + "' is none of " + METRICS);
      }
      references.add(new Reference(item.getString("variant"), metric, item.getDouble("value"),
          item.getString("source")));
    }
    return references;
  }

  private static Mode mode(String origin, String mode) {
    try {
      return Mode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad(origin, "mode", "'" + mode + "' is neither grid nor zip");
    }
  }

  static InvalidConfigException bad(String origin, String key, String why) {
    return new InvalidConfigException("experiment file " + origin + ": " + key + ": " + why);
  }
}
