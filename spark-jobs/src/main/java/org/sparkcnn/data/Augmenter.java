package org.sparkcnn.data;

import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.sparkcnn.augment.FloatImage;
import org.sparkcnn.augment.Pipeline;
import org.sparkcnn.models.ImageShape;

/**
 * Runs an augmentation {@link Pipeline} over cached examples on the executors and packs the results
 * into ND4J minibatches. Each example's random source is seeded by (seed, epoch, example index),
 * so an example's augmentation is fixed by those three, whichever partition holds it, and differs
 * from one epoch to the next.
 *
 * @param inputShape shape of the cached images
 * @param pipeline the steps, with their dataset statistics filled in
 * @param numClasses width of the one-hot labels
 * @param seed the run seed
 * @param epoch the epoch (1-based for training; evaluation uses {@link #EVALUATION_EPOCH})
 */
public record Augmenter(ImageShape inputShape, Pipeline pipeline, int numClasses, long seed,
    int epoch) implements Serializable {
  /** The epoch coordinate of evaluation's random sources: the same draws at every evaluation. */
  public static final int EVALUATION_EPOCH = 0;

  public Augmenter {
    if (pipeline.needsStats()) {
      throw new IllegalArgumentException(pipeline.key() + " needs the dataset statistics");
    }
    pipeline.outputShape(inputShape);
  }

  /** This augmenter for another epoch. */
  public Augmenter forEpoch(int otherEpoch) {
    return new Augmenter(inputShape, pipeline, numClasses, seed, otherEpoch);
  }

  /** Shape of each view the network sees. */
  public ImageShape outputShape() {
    return pipeline.outputShape(inputShape);
  }

  /** Views each example yields (10 with test-time ten-crop, else 1). */
  public int views() {
    return pipeline.views();
  }

  /** The random source of {@code example} in this epoch. */
  public SplittableRandom randomFor(LabeledImage example) {
    return new SplittableRandom(Seeds.mix(seed, epoch, example.index()));
  }

  /** The augmented views of one example. */
  public List<FloatImage> apply(LabeledImage example) {
    return pipeline.apply(FloatImage.fromPixels(example.pixels(), inputShape), randomFor(example));
  }

  /**
   * One minibatch: features [n * views, channels, height, width] ({@link #features}) and one-hot
   * labels [n, classes].
   */
  public DataSet toDataSet(List<LabeledImage> batch) {
    int n = batch.size();
    float[] labels = new float[n * numClasses];
    for (int i = 0; i < n; i++) {
      labels[i * numClasses + batch.get(i).label()] = 1f;
    }
    return new DataSet(features(batch), FloatArrays.create(labels, n, numClasses));
  }

  /**
   * The network's input for {@code batch}: [n * views, channels, height, width], the views of
   * example i in rows i * views .. i * views + views - 1. Labels are not read, so unlabelled
   * images (scoring) go through the same pipeline as the test set.
   */
  public INDArray features(List<LabeledImage> batch) {
    int n = batch.size();
    int views = views();
    ImageShape out = outputShape();
    int size = out.size();
    float[] features = new float[n * views * size];
    for (int i = 0; i < n; i++) {
      List<FloatImage> images = apply(batch.get(i));
      for (int v = 0; v < views; v++) {
        System.arraycopy(images.get(v).values(), 0, features, (i * views + v) * size, size);
      }
    }
    return FloatArrays.create(features, (long) n * views, out.channels(), out.height(),
        out.width());
  }
}
