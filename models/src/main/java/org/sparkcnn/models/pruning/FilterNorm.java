package org.sparkcnn.models.pruning;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How the output filters of a convolution are ranked for pruning: by a norm of each filter's
 * weights (its bias is left out). The 2022 paper removes "the filters of smallest magnitude"
 * without naming the norm; {@link #L1}, the sum of absolute weights, is the usual reading (Li et
 * al. 2017, "Pruning Filters for Efficient ConvNets", who rank filters the same way) and the
 * default; {@link #L2} is offered for comparison.
 */
public enum FilterNorm {
  /** Sum of the absolute values of a filter's weights. */
  L1,
  /** Square root of the sum of the squares of a filter's weights. */
  L2;

  /**
   * The norm of each output filter of convolution weights {@code weights}, DL4J's layout {@code
   * [nOut, nIn, kH, kW]}.
   *
   * @return one norm per output filter, {@code nOut} values
   */
  public double[] filterNorms(INDArray weights) {
    long filters = weights.size(0);
    INDArray rows = weights.dup('c').reshape('c', filters, weights.length() / filters);
    INDArray norms = this == L1 ? rows.norm1(1) : rows.norm2(1);
    return norms.toDoubleVector();
  }

  /**
   * The {@code count} output filters of {@code weights} of smallest norm, in increasing order of
   * index (ties go to the lower index).
   *
   * @throws IllegalArgumentException if {@code count} is not in [0, nOut]
   */
  public int[] smallest(INDArray weights, int count) {
    double[] norms = filterNorms(weights);
    if (count < 0 || count > norms.length) {
      throw new IllegalArgumentException(
          "cannot pick " + count + " of " + norms.length + " filters");
    }
    int[] chosen = IntStream.range(0, norms.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> norms[i]).thenComparing(i -> i))
        .limit(count).mapToInt(Integer::intValue).toArray();
    Arrays.sort(chosen);
    return chosen;
  }
}
