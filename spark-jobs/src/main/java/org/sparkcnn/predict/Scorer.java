package org.sparkcnn.predict;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.sparkcnn.data.Augmenter;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.train.Evaluator;

/**
 * Scores images on an executor with one network, built once per partition from a broadcast
 * {@link ScoringPayload}: each image goes through the run's evaluation pipeline (its views: one,
 * or ten test-time crops), the network gives the softmax of every view, and the softmax averaged
 * over an image's views is its probability vector, exactly as the training run's test evaluation
 * ({@link Evaluator}) computes it. Not thread-safe: one per task.
 */
public final class Scorer {
  private final Function<INDArray, INDArray> output;
  private final Augmenter augmenter;

  Scorer(boolean graph, String networkJson, INDArray parameters, Augmenter augmenter) {
    this.output = Evaluator.output(graph, networkJson, parameters);
    this.augmenter = augmenter.forEpoch(Augmenter.EVALUATION_EPOCH);
  }

  /**
   * Class probabilities of one minibatch: {@code [images][classes]}, each row summing to 1 (up
   * to rounding). The images' pixels are uint8 [channels, height, width] of the payload's
   * cached-image shape; their labels are not read; their indices seed any random step of the
   * evaluation pipeline, as in the run's evaluation.
   *
   * @throws IllegalArgumentException when an image has the wrong number of pixels
   */
  public float[][] probabilities(List<LabeledImage> batch) {
    if (batch.isEmpty()) {
      return new float[0][];
    }
    int size = augmenter.inputShape().size();
    for (LabeledImage image : batch) {
      if (image.pixels().length != size) {
        throw new IllegalArgumentException("image " + image.index() + " has "
            + image.pixels().length + " pixel values; the model takes images of shape "
            + augmenter.inputShape() + " (" + size + ")");
      }
    }
    INDArray probabilities = Evaluator.averageViews(output.apply(augmenter.features(batch)),
        augmenter.views());
    return probabilities.castTo(DataType.FLOAT).toFloatMatrix();
  }

  /**
   * Scores {@code images} lazily in minibatches of {@code batchSize} (the last may be smaller),
   * keeping their order.
   */
  public Iterator<Scored> score(Iterator<LabeledImage> images, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
    }
    return new Iterator<>() {
      private final List<Scored> ready = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        return next < ready.size() || images.hasNext();
      }

      @Override
      public Scored next() {
        if (next == ready.size()) {
          if (!images.hasNext()) {
            throw new NoSuchElementException();
          }
          List<LabeledImage> batch = new ArrayList<>(batchSize);
          while (batch.size() < batchSize && images.hasNext()) {
            batch.add(images.next());
          }
          float[][] p = probabilities(batch);
          ready.clear();
          next = 0;
          for (int i = 0; i < batch.size(); i++) {
            ready.add(new Scored(batch.get(i).index(), batch.get(i).label(), p[i]));
          }
        }
        return ready.get(next++);
      }
    };
  }
}
