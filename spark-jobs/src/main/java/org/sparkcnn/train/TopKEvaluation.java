package org.sparkcnn.train;

import java.io.Serializable;
import java.util.List;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@link Evaluation} (top-1 accuracy, confusion matrix, per-class counts) with a top-k
 * accuracy in which ties earn no free hits.
 *
 * <p>DL4J counts a top-k hit when fewer than k classes score strictly higher than the true class,
 * so every class tied with the true one counts in its favour: a network whose outputs are exactly
 * uniform over 10 classes scores top-5 1.0, and saturated or collapsed outputs inflate top-k the
 * same way. Here each example counts the <em>expected</em> hit under uniformly random tie-breaking:
 * with g classes scoring strictly higher than the true class and t classes (the true one included)
 * scoring exactly the same,
 *
 * <pre>hit = min(1, max(0, (k - g) / t))</pre>
 *
 * the probability that the true class lands among the first k when the tied classes are ordered at
 * random. Without ties this is DL4J's count (1 when g &lt; k, else 0); uniform outputs over 10
 * classes give top-5 0.5. Top-1 ({@link #accuracy()}) stays DL4J's argmax, which breaks a tie
 * towards the lowest class index, so that it agrees with the confusion matrix.
 *
 * <p>Takes [examples, classes] labels (one-hot) and predictions without a mask, as the evaluation
 * of the training job makes them.
 */
public class TopKEvaluation extends Evaluation {
  private static final long serialVersionUID = 1L;

  private double topKHits;
  private long topKExamples;

  /** For serializers only. */
  public TopKEvaluation() {}

  /**
   * @param labels the class names, in class-index order
   * @param k the k of the top-k accuracy (at least 1)
   */
  public TopKEvaluation(List<String> labels, int k) {
    super(labels, k);
  }

  @Override
  public void eval(INDArray labels, INDArray predictions, INDArray mask,
      List<? extends Serializable> recordMetaData) {
    if (mask != null || labels.rank() != 2 || predictions.rank() != 2) {
      throw new IllegalArgumentException("TopKEvaluation takes [examples, classes] labels and"
          + " predictions without a mask, got labels " + java.util.Arrays.toString(labels.shape())
          + " and predictions " + java.util.Arrays.toString(predictions.shape())
          + (mask == null ? "" : " with a mask"));
    }
    super.eval(labels, predictions, null, recordMetaData);
    double[][] scores = predictions.toDoubleMatrix();
    long[] truth = labels.argMax(1).toLongVector();
    for (int i = 0; i < scores.length; i++) {
      topKHits += expectedHit(scores[i], (int) truth[i], getTopN());
    }
    topKExamples += scores.length;
  }

  /**
   * The probability that class {@code truth} is among the {@code k} best of {@code scores} when
   * tied scores are ordered at random.
   */
  static double expectedHit(double[] scores, int truth, int k) {
    double score = scores[truth];
    int higher = 0;
    int tied = 0;
    for (double s : scores) {
      if (s > score) {
        higher++;
      } else if (s == score) {
        tied++;
      }
    }
    return Math.min(1.0, Math.max(0.0, (double) (k - higher) / tied));
  }

  /** Top-k accuracy, ties counted at their expected value (see the class comment). */
  @Override
  public double topNAccuracy() {
    return topKExamples == 0 ? 0.0 : topKHits / topKExamples;
  }

  @Override
  public void merge(Evaluation other) {
    super.merge(other);
    if (other instanceof TopKEvaluation topK) {
      topKHits += topK.topKHits;
      topKExamples += topK.topKExamples;
    } else if (other != null && other.getNumRowCounter() > 0) {
      throw new IllegalArgumentException("cannot merge a " + other.getClass().getSimpleName()
          + " into a TopKEvaluation: its top-k counts ties differently");
    }
  }
}
