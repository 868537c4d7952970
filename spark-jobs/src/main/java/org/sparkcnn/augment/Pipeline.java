package org.sparkcnn.augment;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.sparkcnn.models.ImageShape;

/**
 * The augmentation steps a job declares for training or evaluation, applied to one example at a
 * time with that example's random source (seeded by run seed, epoch and example index, so the
 * result does not depend on which partition or thread runs it).
 *
 * <p>In the configuration a pipeline is a list whose elements are a step name ({@code flip}), a
 * step with parameters in either syntax ({@code "random-crop(size=24, padding=4)"} or {@code
 * {random-crop {size = 24, padding = 4}}}), or the name of a preset, which stands for its steps:
 * {@code tf-cifar10-train} and {@code tf-cifar10-eval} (the TensorFlow CIFAR-10 tutorial's) and
 * {@code alexnet-train} and {@code alexnet-eval} (AlexNet's, with ten test-time crops).
 *
 * <p>Steps work on pixel values on the 0..255 scale until the pipeline's single normalising step
 * ({@code scale}, {@code standardize} or {@code normalize}); only geometric steps (crops, flips)
 * and the test-time views may follow it.
 */
public final class Pipeline implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Named pipelines a configuration can use as one element. */
  public static final Map<String, List<String>> PRESETS = presets();

  private final String key;
  private final List<Step> steps;

  private Pipeline(String key, List<Step> steps) {
    this.key = key;
    this.steps = List.copyOf(steps);
  }

  private static Map<String, List<String>> presets() {
    Map<String, List<String>> presets = new LinkedHashMap<>();
    presets.put("tf-cifar10-train", List.of("random-crop(size=24)", "flip",
        "brightness(max-delta=63)", "contrast(lower=0.2, upper=1.8)", "standardize"));
    presets.put("tf-cifar10-eval", List.of("centre-crop(size=24)", "standardize"));
    presets.put("alexnet-train", List.of("resize-crop(size=256)", "random-crop(size=224)", "flip",
        "pca-lighting(sigma=0.1)", "normalize(mean-only=true)"));
    presets.put("alexnet-eval", List.of("resize-crop(size=256)", "normalize(mean-only=true)",
        "ten-crop(size=224)"));
    return Map.copyOf(presets);
  }

  /**
   * Parses the configuration list at {@code key}: each element a String or a single-key Map (as
   * {@code ConfigList.unwrapped()} gives them).
   *
   * @param allowViews whether test-time views ({@code ten-crop}) may appear: evaluation only
   * @throws IllegalArgumentException naming {@code key}, the element and what is wrong with it
   */
  public static Pipeline parse(String key, List<?> elements, boolean allowViews) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < elements.size(); i++) {
      Object element = elements.get(i);
      String where = key + "[" + i + "]";
      try {
        if (element instanceof String s && PRESETS.containsKey(s.trim())) {
          for (String step : PRESETS.get(s.trim())) {
            steps.add(parseStep(step));
          }
        } else if (element instanceof String s) {
          steps.add(parseStep(s));
        } else if (element instanceof Map<?, ?> map && map.size() == 1) {
          var entry = map.entrySet().iterator().next();
          steps.add(Steps.create(String.valueOf(entry.getKey()), params(entry.getValue())));
        } else {
          throw new IllegalArgumentException(
              "expected a step such as flip, \"random-crop(size=24)\""
              + " or {random-crop {size = 24}}, or a preset " + PRESETS.keySet() + "; got "
              + element);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    Pipeline pipeline = new Pipeline(key, steps);
    pipeline.checkOrder(allowViews);
    return pipeline;
  }

  private static Map<String, Object> params(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> params = new LinkedHashMap<>();
      map.forEach((k, v) -> params.put(String.valueOf(k), v));
      return params;
    }
    throw new IllegalArgumentException("the parameters of a step must be an object, e.g."
        + " {random-crop {size = 24}}; got " + value);
  }

  /** {@code name} or {@code name(k=v, k=v)}. */
  static Step parseStep(String text) {
    String s = text.trim();
    int open = s.indexOf('(');
    if (open < 0) {
      return Steps.create(s, Map.of());
    }
    if (!s.endsWith(")")) {
      throw new IllegalArgumentException("'" + text + "' lacks its closing parenthesis");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    String inside = s.substring(open + 1, s.length() - 1).trim();
    if (!inside.isEmpty()) {
      for (String assignment : inside.split(",")) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("'" + text + "': expected name=value, got '"
              + assignment.trim() + "'");
        }
        params.put(assignment.substring(0, eq).trim(), assignment.substring(eq + 1).trim());
      }
    }
    return Steps.create(s.substring(0, open).trim(), params);
  }

  private void checkOrder(boolean allowViews) {
    int normalizeAt = -1;
    int viewsAt = -1;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      switch (step.kind()) {
        case NORMALIZE -> {
          if (normalizeAt >= 0) {
            throw problem(i, "a second normalising step after " + steps.get(normalizeAt)
                + "; a pipeline has one (scale, standardize or normalize)");
          }
          normalizeAt = i;
        }
        case PIXEL_VALUES -> {
          if (normalizeAt >= 0) {
            throw problem(i, "works on 0..255 pixel values, so it must come before "
                + steps.get(normalizeAt));
          }
        }
        case VIEWS -> {
          if (!allowViews) {
            throw problem(i, "test-time views belong in an evaluation pipeline");
          }
          if (viewsAt >= 0) {
            throw problem(i, "a pipeline has at most one test-time views step");
          }
          viewsAt = i;
        }
        case GEOMETRY -> { }
        default -> throw new IllegalStateException(step.kind().toString());
      }
    }
    if (normalizeAt < 0) {
      throw new IllegalArgumentException(key + " " + this + " has no normalising step: end it"
          + " with scale (to [0, 1]), standardize (per image) or normalize (per channel)");
    }
  }

  private IllegalArgumentException problem(int index, String message) {
    return new IllegalArgumentException(key + " step " + index + " (" + steps.get(index) + "): "
        + message);
  }

  /** The configuration key this pipeline came from, for messages. */
  public String key() {
    return key;
  }

  public List<Step> steps() {
    return steps;
  }

  /** True when a step takes values from the training set's statistics. */
  public boolean needsStats() {
    return steps.stream().anyMatch(Step::needsStats);
  }

  /** This pipeline with the statistics-derived values of its steps filled in. */
  public Pipeline withStats(DatasetStats stats) {
    return new Pipeline(key, steps.stream().map(s -> s.withStats(stats)).toList());
  }

  /** Views each image yields: 10 with ten-crop, else 1. */
  public int views() {
    return steps.stream().anyMatch(s -> s instanceof Step.TenCrop) ? 10 : 1;
  }

  /**
   * Shape of each output view for input images of shape {@code in}.
   *
   * @throws IllegalArgumentException naming the key and step that cannot apply
   */
  public ImageShape outputShape(ImageShape in) {
    ImageShape shape = in;
    for (int i = 0; i < steps.size(); i++) {
      try {
        shape = steps.get(i).outputShape(shape);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(key + " step " + i + " for " + in + " images: "
            + e.getMessage(), e);
      }
    }
    return shape;
  }

  /** Runs the pipeline on one image; the result has {@link #views()} views. */
  public List<FloatImage> apply(FloatImage image, SplittableRandom random) {
    List<FloatImage> images = List.of(image);
    for (Step step : steps) {
      if (step instanceof Step.TenCrop tenCrop) {
        images = tenCrop.views(images.get(0));
      } else if (images.size() == 1) {
        images = List.of(step.apply(images.get(0), random));
      } else {
        List<FloatImage> next = new ArrayList<>(images.size());
        for (FloatImage view : images) {
          next.add(step.apply(view, random));
        }
        images = next;
      }
    }
    return images;
  }

  /** Runs a single-view pipeline on one image. */
  public FloatImage applyOne(FloatImage image, SplittableRandom random) {
    FloatImage out = image;
    for (Step step : steps) {
      out = step.apply(out, random);
    }
    return out;
  }

  /** The steps in configuration syntax. */
  @Override
  public String toString() {
    return steps.stream().map(Step::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pipeline p && key.equals(p.key) && steps.equals(p.steps);
  }

  @Override
  public int hashCode() {
    return 31 * key.hashCode() + steps.hashCode();
  }
}
