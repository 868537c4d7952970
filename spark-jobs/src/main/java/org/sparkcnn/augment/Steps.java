package org.sparkcnn.augment;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static java.util.Map.entry;

/** Builds {@link Step}s from their configuration names and parameters. */
final class Steps {
  /** Each step by its configuration name, built from its parameters. */
  private static final Map<String, Factory> FACTORIES = new TreeMap<>(Map.ofEntries(
      entry("random-crop", new Factory(List.of("size", "height", "width", "padding"), p -> {
        int[] size = p.size();
        return new Step.RandomCrop(size[0], size[1], p.nonNegativeInt("padding", 0));
      })),
      entry("centre-crop", new Factory(List.of("size", "height", "width"), p -> {
        int[] size = p.size();
        return new Step.CentreCrop(size[0], size[1]);
      })),
      entry("flip", new Factory(List.of("probability"),
          p -> new Step.Flip(p.number("probability", Step.Flip.DEFAULT_PROBABILITY)))),
      entry("brightness", new Factory(List.of("max-delta"),
          p -> new Step.Brightness(p.number("max-delta", Step.Brightness.DEFAULT_MAX_DELTA)))),
      entry("contrast", new Factory(List.of("lower", "upper"),
          p -> new Step.Contrast(p.number("lower", Step.Contrast.DEFAULT_LOWER),
              p.number("upper", Step.Contrast.DEFAULT_UPPER)))),
      entry("standardize", new Factory(List.of(), p -> new Step.Standardize())),
      entry("scale", new Factory(List.of(), p -> new Step.Scale())),
      entry("normalize", new Factory(List.of("mean", "std", "mean-only"),
          p -> new Step.Normalize(p.numbers("mean"), p.numbers("std"),
              p.bool("mean-only", false)))),
      entry("resize-crop", new Factory(List.of("size"),
          p -> new Step.ResizeCrop(p.requiredPositiveInt("size")))),
      entry("pca-lighting", new Factory(List.of("sigma"),
          p -> new Step.PcaLighting(p.number("sigma", Step.PcaLighting.DEFAULT_SIGMA), null))),
      entry("ten-crop", new Factory(List.of("size", "height", "width"), p -> {
        int[] size = p.size();
        return new Step.TenCrop(size[0], size[1]);
      }))));

  /** The parameters a step takes, and how it is built from them. */
  private record Factory(List<String> params, Function<Params, Step> build) {}

  private Steps() {}

  /** Names of all steps, sorted. */
  static Iterable<String> names() {
    return FACTORIES.keySet();
  }

  /**
   * The step {@code name} with {@code params}.
   *
   * @throws IllegalArgumentException for an unknown step or a wrong parameter, naming it
   */
  static Step create(String name, Map<String, Object> params) {
    Factory factory = FACTORIES.get(name);
    if (factory == null) {
      throw new IllegalArgumentException("unknown augmentation '" + name + "'; known: "
          + String.join(", ", FACTORIES.keySet()));
    }
    return factory.build().apply(new Params(name, params, factory.params()));
  }
}
