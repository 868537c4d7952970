package org.sparkcnn.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Builds a job's configuration: the defaults in {@code reference.conf}, then each {@code --conf}
 * file in order, then each {@code --set key=value}, later layers winning. Every key a layer sets
 * must exist in {@code reference.conf} with a value of the same type; otherwise the load fails
 * naming the key and where it was set. A key that moved ({@code RenamedKeys}) is accepted under
 * its old name too, with a warning naming the new one.
 */
public final class ConfigLoader {
  /**
   * Keys added after runs were written without them, with the value those runs trained with
   * ({@link #savedRun}): {@code train.master}, before which every run trained with DL4J's master.
   */
  static final Map<String, String> EARLIER_VALUES = Map.of("train.master", "dl4j");
  private static final String EARLIER = ", written before ";

  /**
   * Whether {@code key} of a configuration {@link #savedRun} read is the value its run trained
   * with because its file was written before the key existed.
   */
  public static boolean earlierValue(Config resolved, String key) {
    return EARLIER_VALUES.containsKey(key) && resolved.hasPath(key) && resolved.getValue(key)
        .origin().description().endsWith(EARLIER + key + " existed");
  }

  /** Classpath resource holding every key and its default, next to this class. */
  static final String REFERENCE_RESOURCE = "reference.conf";

  private final Config reference;
  private Config layers = ConfigFactory.empty();

  public ConfigLoader() {
    this.reference = reference();
  }

  /** The defaults, unresolved against anything else. */
  public static Config reference() {
    return ConfigFactory.parseResources(ConfigLoader.class, REFERENCE_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  /** Adds a HOCON file: a local path or any Hadoop URI. */
  public ConfigLoader file(String location, Configuration hadoopConf) {
    return file(location, hadoopConf, List.of());
  }

  /**
   * Adds a run's saved {@code config.conf}, with the keys it lacks because it was written before
   * they existed set to the value its run trained with ({@link #EARLIER_VALUES}), not to today's
   * default: a resumed run continues the way it started.
   */
  public ConfigLoader savedRun(String location, Configuration hadoopConf) {
    file(location, hadoopConf);
    for (Map.Entry<String, String> earlier : EARLIER_VALUES.entrySet()) {
      if (!layers.hasPath(earlier.getKey())) {
        layers = layers.withValue(earlier.getKey(), ConfigValueFactory.fromAnyRef(
            earlier.getValue(), location + EARLIER + earlier.getKey() + " existed"));
      }
    }
    return this;
  }

  /**
   * Adds the keys under {@code paths} (e.g. {@code data}, {@code run.seed}) of a HOCON file, the
   * rest of it left out; every key when {@code paths} is empty.
   */
  public ConfigLoader file(String location, Configuration hadoopConf, List<String> paths) {
    String text;
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(hadoopConf).open(path)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read configuration file " + location + ": " + e, e);
    }
    Config parsed;
    try {
      parsed = ConfigFactory.parseString(text,
          ConfigParseOptions.defaults().setOriginDescription(location));
    } catch (ConfigException e) {
      throw new InvalidConfigException("cannot parse configuration file " + e.getMessage(), e);
    }
    if (!paths.isEmpty()) {
      Config kept = ConfigFactory.empty();
      for (String key : paths) {
        kept = kept.withFallback(parsed.withOnlyPath(key));
      }
      parsed = kept;
    }
    checkKnown(parsed);
    layers = parsed.withFallback(layers);
    return this;
  }

  /**
   * Adds {@code layer} (an experiment's inline base or one variant's values, say), each key
   * checked as a file's are; the error names a key's origin as {@code layer} records it.
   */
  public ConfigLoader layer(Config layer) {
    checkKnown(layer);
    layers = layer.withFallback(layers);
    return this;
  }

  /**
   * Adds one {@code key=value} override. The value is taken literally where the key holds a
   * string (so paths such as {@code hdfs://nn/x} need no quoting), and parsed as HOCON otherwise
   * (numbers, booleans, lists like {@code [a, b]}).
   */
  public ConfigLoader set(String assignment) {
    int eq = assignment.indexOf('=');
    if (eq <= 0) {
      throw new InvalidConfigException("--set expects key=value, got '" + assignment + "'");
    }
    String key = assignment.substring(0, eq).trim();
    String value = assignment.substring(eq + 1).trim();
    requireKnown(key, "--set " + assignment);
    ConfigValue parsed;
    if (reference.getValue(RenamedKeys.current(key)).valueType() == ConfigValueType.STRING) {
      parsed = ConfigValueFactory.fromAnyRef(value, "--set " + key);
    } else {
      try {
        parsed = ConfigFactory.parseString("v = " + value,
            ConfigParseOptions.defaults().setOriginDescription("--set " + key)).getValue("v");
      } catch (ConfigException e) {
        throw new InvalidConfigException(
            "--set " + key + ": cannot parse value '" + value + "': " + e.getMessage(), e);
      }
    }
    layers = layers.withValue(key, parsed);
    return this;
  }

  /** The layers over the defaults, resolved and type-checked against the defaults. */
  public Config resolve() {
    Config resolved;
    try {
      resolved = RenamedKeys.migrate(layers).withFallback(reference).resolve();
      resolved.checkValid(reference);
    } catch (ConfigException e) {
      throw new InvalidConfigException("invalid configuration: " + e.getMessage(), e);
    }
    return resolved;
  }

  private void checkKnown(Config config) {
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      requireKnown(entry.getKey(), entry.getValue().origin().description());
    }
  }

  private void requireKnown(String key, String where) {
    boolean known;
    try {
      known = reference.hasPath(RenamedKeys.current(key));
    } catch (ConfigException.BadPath e) {
      known = false;
    }
    if (!known) {
      StringBuilder message = new StringBuilder("unknown configuration key '")
          .append(key).append("' (").append(where).append(')');
      String suggestion = closestKey(key);
      if (suggestion != null) {
        message.append("; did you mean '").append(suggestion).append("'?");
      }
      throw new InvalidConfigException(message.toString());
    }
  }

  /**
   * The reference key nearest to {@code key} by edit distance, when it is close; the new name of
   * a moved key nearest under its old name.
   */
  private String closestKey(String key) {
    List<String> keys = new ArrayList<>(RenamedKeys.NEW_NAMES.keySet());
    reference.entrySet().forEach(e -> keys.add(e.getKey()));
    String best = keys.stream()
        .min(Comparator.comparingInt(k -> editDistance(k, key)))
        .orElse(null);
    return best != null && editDistance(best, key) <= Math.max(2, key.length() / 4)
        ? RenamedKeys.current(best) : null;
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
