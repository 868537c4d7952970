package org.sparkcnn.experiment;

import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Map;
import java.util.stream.Collectors;
import org.sparkcnn.config.JobConfig;
import org.sparkcnn.config.RunIds;
import org.sparkcnn.report.RunLayout;

/**
 * One variant of an experiment: the values of its varied keys over the experiment's base.
 *
 * @param id the variant's name and directory: the experiment file's {@code names} entry, or its
 *     values in the order of their keys, each made safe ({@link RunIds#safe}) and joined by
 *     {@code _}, e.g. {@code relu-swish} or {@code relu_0.01}
 * @param values each varied key and its value here, keys in alphabetical order
 * @param config the base with the values set ({@code run.seed} the first repeat's)
 */
public record Variant(String id, Map<String, ConfigValue> values, JobConfig config) {
  /** The directory of repeat {@code repeat} (1-based) inside the variant's. */
  public static String repeatDir(int repeat) {
    return RunLayout.REPEAT_PREFIX + repeat;
  }

  /** The values as the table shows them: {@code model.activation=relu, train.epochs=2}. */
  public String describe() {
    return values.entrySet().stream().map(e -> e.getKey() + "=" + text(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** A value as written without quotes: {@code relu}, {@code 0.01}, {@code [a, b]}. */
  static String text(ConfigValue value) {
    return value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped()
        : value.render();
  }

  /** The id of a variant with {@code values}: see {@link #id()}. */
  static String idOf(Map<String, ConfigValue> values) {
    return values.values().stream().map(v -> RunIds.safe(text(v)))
        .collect(Collectors.joining("_"));
  }
}
