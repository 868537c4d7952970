package org.sparkcnn.activations;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;

/**
 * Activation functions by name, as model builders and job configurations take them: every
 * activation the source documents compare, ND4J's other built-ins, and parameters written like
 * {@code elu(alpha=0.5)}, {@code leakyrelu(alpha=0.1)}, {@code rrelu(lower=0.1, upper=0.3)},
 * {@code swish(beta=2)}.
 *
 * <p>Names are case-insensitive and {@code -} and {@code _} in them are ignored, so {@code
 * relu-h-swish}, {@code ReLU_H_Swish} and {@code reluhswish} are the same. PReLU learns its slope
 * per channel, so it is a layer, not an activation: {@link #parse} refuses it with an explanation
 * and {@link #isPrelu} tells a model builder to insert a PReLU layer instead.
 */
public final class Activations {
  /** The name that asks for a PReLU layer. */
  public static final String PRELU = "prelu";
  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([A-Za-z0-9_-]+)\\s*(?:\\((.*)\\))?\\s*");
  private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

  static {
    for (Activation a : Activation.values()) {
      add(a.name().toLowerCase(Locale.ROOT), Map.of(), p -> a.getActivationFunction());
    }
    add("elu", Map.of("alpha", ActivationELU.DEFAULT_ALPHA),
        p -> new ActivationELU(p.get("alpha")));
    add("leakyrelu", Map.of("alpha", ActivationLReLU.DEFAULT_ALPHA),
        p -> new ActivationLReLU(p.get("alpha")));
    // Not DL4J's ActivationRReLU: its slopes live in the object from forward pass to backprop.
    add(ActivationRandomizedReLU.NAME, Map.of("lower", ActivationRandomizedReLU.DEFAULT_LOWER,
        "upper", ActivationRandomizedReLU.DEFAULT_UPPER),
        p -> new ActivationRandomizedReLU(p.get("lower"), p.get("upper")));
    // beta = 1 (the default) is DL4J's built-in swish; another beta, the fixed-beta form.
    add("swish", Map.of("beta", ActivationSwishBeta.DEFAULT_BETA),
        p -> p.get("beta") == ActivationSwishBeta.DEFAULT_BETA
            ? Activation.SWISH.getActivationFunction() : new ActivationSwishBeta(p.get("beta")));
    add(ActivationHardSwish.NAME, Map.of(), p -> new ActivationHardSwish());
    add(ActivationReLUSwish.NAME, Map.of(), p -> new ActivationReLUSwish());
    add(ActivationReLUHardSwish.NAME, Map.of(), p -> new ActivationReLUHardSwish());
  }

  private Activations() {}

  private static void add(String name, Map<String, Double> defaults,
      Function<Map<String, Double>, IActivation> factory) {
    ENTRIES.put(normalize(name), new Entry(name, defaults, factory));
  }

  /**
   * The activation {@code spec} names, e.g. {@code relu}, {@code relu-h-swish}, {@code
   * elu(alpha=0.5)}.
   *
   * @throws IllegalArgumentException for an unknown name (listing the known ones), an unknown or
   *     malformed parameter, or {@code prelu}
   */
  public static IActivation parse(String spec) {
    Matcher m = SYNTAX.matcher(spec);
    if (!m.matches()) {
      throw new IllegalArgumentException("cannot parse activation '" + spec
          + "': expected name or name(key=value, ...)");
    }
    String key = normalize(m.group(1));
    if (key.equals(PRELU)) {
      throw new IllegalArgumentException("prelu learns a slope per channel, so it is a layer,"
          + " not an activation: model builders insert a PReLU layer where the activation name"
          + " is prelu (see Activations.isPrelu)");
    }
    Entry entry = ENTRIES.get(key);
    if (entry == null) {
      throw new IllegalArgumentException("unknown activation '" + spec.trim() + "'; known: "
          + String.join(", ", knownNames()) + ", and prelu (a layer)");
    }
    Map<String, Double> params = m.group(2) == null ? Map.of() : parameters(spec, m.group(2));
    for (String p : params.keySet()) {
      if (!entry.defaults.containsKey(p)) {
        throw new IllegalArgumentException("activation " + entry.name + " has no parameter '" + p
            + "'" + (entry.defaults.isEmpty() ? "" : "; it takes " + entry.defaults.keySet()));
      }
    }
    Map<String, Double> withDefaults = new LinkedHashMap<>(params);
    entry.defaults.forEach(withDefaults::putIfAbsent);
    return entry.factory.apply(withDefaults);
  }

  /** True when {@code spec} asks for PReLU, which a model builder inserts as a layer. */
  public static boolean isPrelu(String spec) {
    Matcher m = SYNTAX.matcher(spec);
    return m.matches() && normalize(m.group(1)).equals(PRELU);
  }

  /** The names {@link #parse} accepts (besides their parameterised forms). */
  public static List<String> knownNames() {
    List<String> names = new ArrayList<>();
    ENTRIES.values().forEach(e -> names.add(
        e.defaults.isEmpty() ? e.name
            : e.name + "(" + String.join(", ", e.defaults.keySet()) + ")"));
    names.sort(null);
    return names;
  }

  private static Map<String, Double> parameters(String spec, String text) {
    Map<String, Double> params = new LinkedHashMap<>();
    if (text.isBlank()) {
      return params;
    }
    for (String part : text.split(",")) {
      String[] kv = part.split("=", -1);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException("activation '" + spec.trim()
            + "': parameters are written key=value, got '" + part.trim() + "'");
      }
      try {
        params.put(kv[0].trim().toLowerCase(Locale.ROOT), Double.parseDouble(kv[1].trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("activation '" + spec.trim() + "': parameter "
            + kv[0].trim() + " must be a number, got '" + kv[1].trim() + "'", e);
      }
    }
    return params;
  }

  private static String normalize(String name) {
    return name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  private record Entry(String name, Map<String, Double> defaults,
      Function<Map<String, Double>, IActivation> factory) {}
}
