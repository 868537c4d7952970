package org.sparkcnn.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkcnn.models.ImageShape;

/** Parsing, checking and running configured pipelines. */
class PipelineTest {
  static final ImageShape CIFAR = new ImageShape(3, 32, 32);

  static Pipeline parse(Object... elements) {
    return Pipeline.parse("train.augment", List.of(elements), false);
  }

  static String error(boolean views, Object... elements) {
    return assertThrows(IllegalArgumentException.class,
        () -> Pipeline.parse("train.augment", List.of(elements), views)).getMessage();
  }

  @Test
  void bothStepSyntaxesAndPresetsGiveTheSameSteps() {
    Pipeline strings = parse("random-crop(size=24)", "flip", "brightness(max-delta=63)",
        "contrast(lower=0.2, upper=1.8)", "standardize");
    Pipeline objects = parse(Map.of("random-crop", Map.of("size", 24)), "flip",
        Map.of("brightness", Map.of("max-delta", 63)),
        Map.of("contrast", Map.of("lower", 0.2, "upper", 1.8)), Map.of("standardize", Map.of()));
    Pipeline preset = parse("tf-cifar10-train");
    assertEquals(strings, objects);
    assertEquals(strings, preset);
    assertEquals("[random-crop(height=24, width=24, padding=0), flip(probability=0.5),"
        + " brightness(max-delta=63.0), contrast(lower=0.2, upper=1.8), standardize]",
        preset.toString());
    assertEquals(new ImageShape(3, 24, 24), preset.outputShape(CIFAR));
  }

  @Test
  void everyPresetParsesAndFitsItsInput() {
    assertEquals(new ImageShape(3, 24, 24),
        Pipeline.parse("k", List.of("tf-cifar10-eval"), false).outputShape(CIFAR));
    Pipeline alexnet = Pipeline.parse("k", List.of("alexnet-train"), false);
    assertTrue(alexnet.needsStats());
    assertEquals(new ImageShape(3, 224, 224), alexnet.outputShape(new ImageShape(3, 300, 400)));
    Pipeline tenCrop = Pipeline.parse("k", List.of("alexnet-eval"), true);
    assertEquals(10, tenCrop.views());
    assertEquals(new ImageShape(3, 224, 224), tenCrop.outputShape(new ImageShape(3, 256, 256)));
  }

  @Test
  void mistakesAreNamedWithTheirKeyAndPosition() {
    assertEquals("train.augment[1]: unknown augmentation 'flop'; known: brightness, centre-crop,"
        + " contrast, flip, normalize, pca-lighting, random-crop, resize-crop, scale,"
        + " standardize, ten-crop", error(false, "scale", "flop"));
    assertEquals("train.augment[0]: random-crop: unknown parameter 'sise'; it takes height,"
        + " padding, size, width",
        error(false, Map.of("random-crop", Map.of("sise", 24)), "scale"));
    assertEquals("train.augment[0]: random-crop: parameter 'size' must be a positive integer,"
        + " got 2.5", error(false, "random-crop(size=2.5)", "scale"));
    assertEquals("train.augment[0]: contrast: needs 0 <= lower <= upper, got lower=1.8,"
        + " upper=0.2", error(false, "contrast(lower=1.8, upper=0.2)", "scale"));
    assertEquals("train.augment[0]: standardize: unknown parameter 'x' (it takes none)",
        error(false, "standardize(x=1)"));
  }

  @Test
  void stepOrderIsChecked() {
    assertTrue(error(false, "flip").contains("has no normalising step"));
    assertEquals("train.augment step 1 (brightness(max-delta=63.0)): works on 0..255 pixel"
        + " values, so it must come before standardize", error(false, "standardize", "brightness"));
    assertEquals("train.augment step 1 (scale): a second normalising step after standardize; a"
        + " pipeline has one (scale, standardize or normalize)",
        error(false, "standardize", "scale"));
    assertEquals("train.augment step 1 (ten-crop(height=24, width=24)): test-time views belong"
        + " in an evaluation pipeline", error(false, "scale", "ten-crop(size=24)"));
  }

  @Test
  void shapesAreCheckedAgainstTheInput() {
    Pipeline tooBig = parse("random-crop(size=40)", "scale");
    String message = assertThrows(IllegalArgumentException.class,
        () -> tooBig.outputShape(CIFAR)).getMessage();
    assertEquals("train.augment step 0 for [3, 32, 32] images: random-crop(height=40, width=40,"
        + " padding=0): a 40x40 crop does not fit the 32x32 image", message);
    assertEquals(new ImageShape(3, 40, 40),
        parse("random-crop(size=40, padding=4)", "scale").outputShape(CIFAR));
    assertThrows(IllegalArgumentException.class,
        () -> parse("normalize(mean-only=true)").withStats(DatasetStats.fromSums(1,
            new double[] {1}, new double[][] {{1}})).outputShape(CIFAR));
  }

  @Test
  void statisticsFillNormalizeAndLighting() {
    Pipeline pipeline = parse("pca-lighting(sigma=0)", "normalize");
    assertTrue(pipeline.needsStats());
    DatasetStats stats = DatasetStats.fromSums(2, new double[] {20, 40},
        new double[][] {{250, 400}, {400, 1000}}); // means 10, 20; variances 25, 100
    Pipeline bound = pipeline.withStats(stats);
    assertFalse(bound.needsStats());
    FloatImage image = new FloatImage(2, 1, 1, new float[] {15, 10});
    FloatImage out = bound.applyOne(image, new SplittableRandom(1));
    assertArrayEquals(new float[] {1, -1}, out.values(), 1e-5f); // sigma 0: no lighting shift
  }

  @Test
  void theSameRandomSourceGivesTheSameResult() {
    Pipeline pipeline = parse("tf-cifar10-train");
    FloatImage image = ImageOpsTest.random(3, 32, 32, 3);
    float[] a = pipeline.applyOne(image.copy(), new SplittableRandom(11)).values();
    float[] b = pipeline.applyOne(image.copy(), new SplittableRandom(11)).values();
    float[] c = pipeline.applyOne(image.copy(), new SplittableRandom(12)).values();
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c));
    assertNotEquals(0, a.length);
  }

  @Test
  void stepsAfterTheViewsApplyToEachView() {
    Pipeline pipeline = Pipeline.parse("train.eval-augment",
        List.of("ten-crop(size=24)", "standardize"), true);
    List<FloatImage> views = pipeline.apply(ImageOpsTest.random(3, 32, 32, 5),
        new SplittableRandom(1));
    assertEquals(10, views.size());
    for (FloatImage view : views) {
      double sum = 0;
      for (float v : view.values()) {
        sum += v;
      }
      assertEquals(0, sum / view.values().length, 1e-5);
    }
  }
}
