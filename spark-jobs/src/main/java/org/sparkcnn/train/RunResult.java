package org.sparkcnn.train;

import java.util.List;
import org.deeplearning4j.nn.api.Model;

/**
 * Where a finished run's outputs are and what it reached (with repeats: the mean top-1 accuracy
 * over them, the rest of the last repeat).
 *
 * @param runDirectory the fully qualified run directory, e.g. {@code file:/work/runs/x}
 * @param testAccuracy top-1 test accuracy, in [0, 1]
 * @param testTop5Accuracy top-5 test accuracy, in [0, 1]
 * @param testAccuracyEma top-1 test accuracy of the moving average; NaN when none is kept
 * @param testTop5AccuracyEma top-5 test accuracy of the moving average; NaN when none is kept
 * @param epochs every epoch's metrics, the first epoch first
 * @param network the trained network (a MultiLayerNetwork or, for ResNet, a ComputationGraph),
 *     as saved in {@code model.zip}
 */
public record RunResult(String runDirectory, double testAccuracy, double testTop5Accuracy,
    double testAccuracyEma, double testTop5AccuracyEma, List<EpochMetrics> epochs,
    Model network) {}
