package org.sparkcnn.models;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Model architectures by the name a job configuration uses ({@code model.name}). */
public final class Models {
  private static final Map<String, Function<NetworkOptions, NetworkBuilder>> BUILDERS =
      new TreeMap<>(Map.of(
          "lenet5", LeNet5::new,
          "lenet-caffe", CaffeLeNet::new,
          "tf-cifar10", TfCifar10Tutorial::new));

  private Models() {}

  /**
   * The builder of the architecture named {@code name} with {@code options}.
   *
   * @throws IllegalArgumentException for an unknown name (listing the known ones) or options the
   *     architecture cannot take
   */
  public static NetworkBuilder builder(String name, NetworkOptions options) {
    var builder = BUILDERS.get(name.trim().toLowerCase(Locale.ROOT));
    if (builder == null) {
      throw new IllegalArgumentException(
          "unknown model '" + name + "'; known: " + String.join(", ", BUILDERS.keySet()));
    }
    return builder.apply(options);
  }

  /** Whether {@link #builder} knows {@code name}. */
  public static boolean isKnown(String name) {
    return BUILDERS.containsKey(name.trim().toLowerCase(Locale.ROOT));
  }

  /** The names {@link #builder} accepts. */
  public static Iterable<String> names() {
    return BUILDERS.keySet();
  }
}
