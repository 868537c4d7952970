package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.models.ImageShape;

class MinibatchesTest {
  static final ImageShape SHAPE = new ImageShape(1, 2, 2);
  static final Augmenter SCALE = new Augmenter(SHAPE,
      Pipeline.parse("train.augment", List.of("scale"), false), 3, 42, 1);

  static List<LabeledImage> examples(int n) {
    List<LabeledImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new LabeledImage(i, new byte[] {0, (byte) 255, (byte) 51, (byte) i}, i % 3));
    }
    return out;
  }

  @Test
  void scalesPixelsToUnitRangeAndOneHotEncodesLabels() {
    DataSet ds = SCALE.toDataSet(examples(2));
    assertArrayEquals(new long[] {2, 1, 2, 2}, ds.getFeatures().shape());
    assertArrayEquals(new float[] {0f, 1f, 0.2f, 1 / 255f},
        ds.getFeatures().slice(1).reshape(4).toFloatVector(), 1e-7f);
    assertArrayEquals(new float[] {0, 1, 0}, ds.getLabels().getRow(1).toFloatVector());
    assertArrayEquals(new float[] {1, 0, 0}, ds.getLabels().getRow(0).toFloatVector());
  }

  @Test
  void groupsIntoFullBatchesAndOneSmallerLastBatch() {
    List<Long> sizes = new ArrayList<>();
    Minibatches.batches(examples(10).iterator(), 4, SCALE)
        .forEachRemaining(ds -> sizes.add(ds.getFeatures().size(0)));
    assertEquals(List.of(4L, 4L, 2L), sizes);
  }

  @Test
  void seedsDifferPerEpochAndPartitionAndRepeatForTheSameCoordinates() {
    assertEquals(Seeds.mix(42, 1, 0), Seeds.mix(42, 1, 0));
    assertNotEquals(Seeds.mix(42, 1, 0), Seeds.mix(42, 2, 0));
    assertNotEquals(Seeds.mix(42, 1, 0), Seeds.mix(42, 0, 1));
    assertNotEquals(Seeds.mix(42, 1, 0), Seeds.mix(43, 1, 0));
  }
}
