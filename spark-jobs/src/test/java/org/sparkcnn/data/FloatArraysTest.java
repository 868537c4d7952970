package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** One-copy transfers between float[] and ND4J arrays agree with ND4J's own, views included. */
class FloatArraysTest {
  private static float[] ramp(int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = i * 0.5f - 3;
    }
    return values;
  }

  @Test
  void createsTheArrayNd4jWouldOfTheSameValues() {
    float[] values = ramp(2 * 3 * 4 * 5);
    INDArray ours = FloatArrays.create(values, 2, 3, 4, 5);
    assertEquals(Nd4j.create(values, new long[] {2, 3, 4, 5}, 'c'), ours);
    assertArrayEquals(new long[] {2, 3, 4, 5}, ours.shape());
    assertEquals(0, FloatArrays.create(new float[0], 0, 7).length());
    assertThrows(IllegalArgumentException.class, () -> FloatArrays.create(values, 5, 5));
  }

  @Test
  void copiesIntoDenseArraysViewsAndOtherLayoutsAsAssignWould() {
    float[] values = ramp(6);
    INDArray dense = Nd4j.zeros(DataType.FLOAT, 1, 6);
    FloatArrays.copyInto(values, dense);
    assertArrayEquals(values, dense.toFloatVector());

    INDArray base = Nd4j.zeros(DataType.FLOAT, 3, 10);
    INDArray row = base.get(NDArrayIndex.point(1), NDArrayIndex.interval(2, 8)); // offset view
    FloatArrays.copyInto(values, row);
    INDArray expected = Nd4j.zeros(DataType.FLOAT, 3, 10);
    expected.get(NDArrayIndex.point(1), NDArrayIndex.interval(2, 8))
        .assign(Nd4j.create(values, new long[] {6}, 'c'));
    assertEquals(expected, base); // nothing outside the view was written

    INDArray column = Nd4j.zeros(DataType.FLOAT, 6, 3).getColumn(1); // strided view
    FloatArrays.copyInto(values, column);
    assertArrayEquals(values, column.dup().toFloatVector());

    INDArray fortran = Nd4j.create(DataType.FLOAT, new long[] {2, 3}, 'f');
    FloatArrays.copyInto(values, fortran);
    assertEquals(Nd4j.create(values, new long[] {2, 3}, 'c'), fortran);

    INDArray doubles = Nd4j.zeros(DataType.DOUBLE, 6);
    FloatArrays.copyInto(values, doubles);
    assertEquals(Nd4j.create(values, new long[] {6}, 'c').castTo(DataType.DOUBLE), doubles);

    assertThrows(IllegalArgumentException.class, () -> FloatArrays.copyInto(values,
        Nd4j.zeros(DataType.FLOAT, 5)));
  }

  @Test
  void readsDenseArraysViewsAndOtherLayoutsInCOrder() {
    float[] values = ramp(12);
    INDArray dense = Nd4j.create(values, new long[] {3, 4}, 'c');
    assertArrayEquals(values, FloatArrays.toFloats(dense));
    assertArrayEquals(values, FloatArrays.toFloats(dense.dup('f')));
    INDArray view = dense.get(NDArrayIndex.point(1), NDArrayIndex.all());
    assertArrayEquals(new float[] {values[4], values[5], values[6], values[7]},
        FloatArrays.toFloats(view));
    INDArray column = dense.getColumn(2);
    assertArrayEquals(new float[] {values[2], values[6], values[10]},
        FloatArrays.toFloats(column));
    assertArrayEquals(values, FloatArrays.toFloats(dense.castTo(DataType.DOUBLE)));
  }
}
