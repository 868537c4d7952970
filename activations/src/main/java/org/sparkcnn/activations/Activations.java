package org.sparkcnn.activations;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;

/**
 * Activation functions by name, as model builders and job configurations take them.
 *
 * <p>Names are case-insensitive; {@code -} and {@code _} are ignored, so {@code leaky-relu},
 * {@code leakyrelu} and {@code LEAKY_RELU} are the same. This version knows ND4J's built-in
 * activations with their default parameters.
 */
public final class Activations {
  private Activations() {}

  /**
   * The activation named {@code name}.
   *
   * @throws IllegalArgumentException for an unknown name; the message lists the known ones
   */
  public static IActivation parse(String name) {
    String key = normalize(name);
    for (Activation a : Activation.values()) {
      if (normalize(a.name()).equals(key)) {
        return a.getActivationFunction();
      }
    }
    throw new IllegalArgumentException(
        "unknown activation '" + name + "'; known: " + String.join(", ", knownNames()));
  }

  /** The names {@link #parse} accepts, in their canonical lower-case form. */
  public static java.util.List<String> knownNames() {
    return Arrays.stream(Activation.values())
        .map(a -> a.name().toLowerCase(Locale.ROOT))
        .sorted()
        .collect(Collectors.toList());
  }

  private static String normalize(String name) {
    return name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }
}
