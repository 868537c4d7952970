package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.models.ImageShape;

/** Per-example seeding of augmentation and the minibatches it fills, without Spark. */
class AugmenterTest {
  static final Pipeline TUTORIAL = Pipeline.parse("train.augment", List.of("tf-cifar10-train"),
      false);

  static Augmenter tutorial(long seed, int epoch) {
    return new Augmenter(CifarFormat.SHAPE, TUTORIAL, 10, seed, epoch);
  }

  static float[] augmented(Augmenter augmenter, LabeledImage example) {
    return augmenter.apply(example).get(0).values();
  }

  @Test
  void seedEpochAndExampleFixTheResult() {
    LabeledImage example = CifarFixtures.example(17);
    float[] first = augmented(tutorial(42, 3), example);
    assertArrayEquals(first, augmented(tutorial(42, 3), example));
    assertFalse(Arrays.equals(first, augmented(tutorial(42, 4), example)), "another epoch");
    assertFalse(Arrays.equals(first, augmented(tutorial(43, 3), example)), "another seed");
    LabeledImage sameImageOtherIndex = new LabeledImage(18, example.pixels(), example.label());
    assertFalse(Arrays.equals(first, augmented(tutorial(42, 3), sameImageOtherIndex)),
        "another example");
    assertArrayEquals(CifarFixtures.example(17).pixels(), example.pixels(), "cache untouched");
  }

  @Test
  void aMinibatchHoldsEachExamplesAugmentationWhateverItsNeighbours() {
    Augmenter augmenter = tutorial(42, 1);
    List<LabeledImage> batch = List.of(CifarFixtures.example(5), CifarFixtures.example(9));
    DataSet ds = augmenter.toDataSet(batch);
    assertArrayEquals(new long[] {2, 3, 24, 24}, ds.getFeatures().shape());
    assertArrayEquals(augmented(augmenter, batch.get(1)),
        ds.getFeatures().slice(1).dup().data().asFloat());
    DataSet alone = augmenter.toDataSet(List.of(batch.get(1)));
    assertArrayEquals(alone.getFeatures().data().asFloat(),
        ds.getFeatures().slice(1).dup().data().asFloat());
    assertEquals(1f, ds.getLabels().getFloat(1, CifarFixtures.label(9)));
  }

  @Test
  void tenCropViewsFollowEachOtherInTheBatch() {
    Augmenter tenCrop = new Augmenter(CifarFormat.SHAPE, Pipeline.parse("train.eval-augment",
        List.of("ten-crop(size=24)", "scale"), true), 10, 42, 0);
    DataSet ds = tenCrop.toDataSet(List.of(CifarFixtures.example(1), CifarFixtures.example(2)));
    assertArrayEquals(new long[] {20, 3, 24, 24}, ds.getFeatures().shape());
    assertArrayEquals(new long[] {2, 10}, ds.getLabels().shape());
    assertArrayEquals(tenCrop.apply(CifarFixtures.example(2)).get(3).values(),
        ds.getFeatures().slice(13).dup().data().asFloat());
  }

  @Test
  void aPipelineThatDoesNotFitTheImagesIsRefused() {
    Pipeline tooBig = Pipeline.parse("train.augment", List.of("random-crop(size=40)", "scale"),
        false);
    assertThrows(IllegalArgumentException.class,
        () -> new Augmenter(CifarFormat.SHAPE, tooBig, 10, 1, 1));
    Pipeline needsStats = Pipeline.parse("train.augment", List.of("normalize"), false);
    assertThrows(IllegalArgumentException.class,
        () -> new Augmenter(new ImageShape(3, 32, 32), needsStats, 10, 1, 1));
  }
}
