package org.sparkcnn.data;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between Java {@code float[]} and ND4J arrays in one native copy.
 *
 * <p>ND4J 1.0.0-M2.1 fills an array made of a {@code float[]} ({@code Nd4j.create(float[], ...)},
 * {@code createFromArray}) and reads one back ({@code toFloatVector}) an element at a time
 * through its indexer: 0.9 ms each way for LeNet-5's 123,412 parameters and updater values, 7-10
 * ms for the tutorial CNN's 2.1 million, on machine M3 (docs/performance.md), where one copy of
 * the whole block takes 0.3-0.4 ms and 3 ms. The averaging round copies its parameters and
 * updater state several times on the driver and on every worker, and every minibatch's pixels
 * once, so these copies are on its critical path.
 */
public final class FloatArrays {
  private FloatArrays() {}

  /**
   * A new float array of {@code shape} in C order holding {@code values}.
   *
   * @throws IllegalArgumentException when the shape's length is not {@code values.length}
   */
  public static INDArray create(float[] values, long... shape) {
    long length = Shape.lengthOf(shape);
    if (length != values.length) {
      throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " holds "
          + length + " values, got " + values.length);
    }
    INDArray array = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
    if (values.length > 0) {
      new FloatPointer(array.data().addressPointer()).put(values, 0, values.length);
    }
    return array;
  }

  /**
   * Sets {@code values} into {@code target} in its C order (as {@code target.assign} of an array
   * of its shape would).
   *
   * @throws IllegalArgumentException when {@code target} does not have {@code values.length}
   *     elements
   */
  public static void copyInto(float[] values, INDArray target) {
    if (target.length() != values.length) {
      throw new IllegalArgumentException("cannot set " + values.length + " values into an array"
          + " of " + target.length());
    }
    if (dense(target)) {
      if (values.length > 0) {
        new FloatPointer(target.data().addressPointer()).put(values, 0, values.length);
      }
    } else {
      target.assign(create(values, target.shape()));
    }
  }

  /** The elements of {@code array} in C order, as floats. */
  public static float[] toFloats(INDArray array) {
    INDArray dense = dense(array) ? array : array.castTo(DataType.FLOAT).dup('c');
    float[] values = new float[Math.toIntExact(dense.length())];
    if (values.length > 0) {
      new FloatPointer(dense.data().addressPointer()).get(values, 0, values.length);
    }
    return values;
  }

  /** Whether {@code array}'s elements are floats laid out one after the other in C order. */
  private static boolean dense(INDArray array) {
    return array.dataType() == DataType.FLOAT && array.ordering() == 'c'
        && Shape.hasDefaultStridesForShape(array) && array.length() <= array.data().length();
  }
}
