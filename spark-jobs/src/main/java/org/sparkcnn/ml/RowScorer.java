package org.sparkcnn.ml;

import static org.sparkcnn.ml.CnnClassificationModel.ERROR;
import static org.sparkcnn.ml.CnnClassificationModel.KEEP;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.data.ImageRows;
import org.sparkcnn.data.LabeledImage;
import org.sparkcnn.data.UnusableImageException;
import org.sparkcnn.predict.Scored;
import org.sparkcnn.predict.Scorer;
import org.sparkcnn.predict.ScoringPayload;

/**
 * Scores one partition's rows lazily, a minibatch at a time: each row comes out with its input
 * values followed by the prediction, the probabilities and (if asked) the class name, or nulls
 * for a row whose image is unusable.
 */
final class RowScorer implements Iterator<Row> {
  /** This call's parameters, as the executors need them. */
  record Settings(ImageRows.ImageColumn kind, String columnName, int column,
      int batchSize, boolean withLabel, String handleInvalid) implements Serializable {}

  private final Iterator<Row> rows;
  private final ScoringPayload payload;
  private final Serving serving;
  private final Settings settings;
  private Scorer scorer;
  private final List<Row> ready = new ArrayList<>();
  private int next;
  private long position;

  RowScorer(Iterator<Row> rows, ScoringPayload payload, Serving serving,
      Settings settings) {
    this.rows = rows;
    this.payload = payload;
    this.serving = serving;
    this.settings = settings;
  }

  @Override
  public boolean hasNext() {
    // a minibatch of skipped rows only gives nothing: read on
    while (next == ready.size() && rows.hasNext()) {
      ready.clear();
      next = 0;
      scoreNextBatch();
    }
    return next < ready.size();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.get(next++);
  }

  private void scoreNextBatch() {
    List<Row> batch = new ArrayList<>();
    List<LabeledImage> images = new ArrayList<>();
    List<Integer> usable = new ArrayList<>();
    while (batch.size() < settings.batchSize() && rows.hasNext()) {
      Row row = rows.next();
      try {
        byte[] pixels = pixels(row);
        usable.add(batch.size());
        images.add(new LabeledImage(position, pixels, Scored.NO_LABEL));
        batch.add(row);
      } catch (UnusableImageException e) {
        if (settings.handleInvalid().equals(ERROR)) {
          throw new BadInputException(describe(row) + ": " + e.getMessage());
        }
        if (settings.handleInvalid().equals(KEEP)) {
          batch.add(row);
        }
      }
      position++;
    }
    float[][] probabilities = new float[0][];
    if (!images.isEmpty()) {
      if (scorer == null) {
        scorer = payload.scorer();
      }
      probabilities = scorer.probabilities(images);
    }
    int scoredIndex = 0;
    for (int i = 0; i < batch.size(); i++) {
      float[] p = scoredIndex < usable.size() && usable.get(scoredIndex) == i
          ? probabilities[scoredIndex++] : null;
      ready.add(withOutputs(batch.get(i), p));
    }
  }

  /** The image's pixels in the serving shape. */
  private byte[] pixels(Row row) throws UnusableImageException {
    int column = settings.column();
    if (row.isNullAt(column)) {
      throw new UnusableImageException("the image is null");
    }
    return settings.kind() == ImageRows.ImageColumn.IMAGE_STRUCT
        ? ImageRows.fromImageStruct(row.getStruct(column), serving.imageShape(),
            serving.onSizeMismatch(), serving.onChannelMismatch(), serving.maxImagePixels())
        : ImageRows.fromEncoded((byte[]) row.get(column), serving.imageShape(),
            serving.onSizeMismatch(), serving.onChannelMismatch(), serving.maxImagePixels());
  }

  /** "column content, partition 3, row 17 (0-based)", with the image's origin if it has one. */
  private String describe(Row row) {
    String where = "column " + settings.columnName() + ", partition "
        + TaskContext.getPartitionId() + ", row " + position + " (0-based)";
    if (settings.kind() == ImageRows.ImageColumn.IMAGE_STRUCT
        && !row.isNullAt(settings.column())) {
      Row image = row.getStruct(settings.column());
      int origin = image.schema() == null ? 0 : image.fieldIndex("origin");
      where += ", origin " + image.get(origin);
    }
    return where;
  }

  private Row withOutputs(Row row, float[] probabilities) {
    int n = row.length();
    Object[] values = new Object[n + (settings.withLabel() ? 3 : 2)];
    for (int i = 0; i < n; i++) {
      values[i] = row.get(i);
    }
    if (probabilities != null) {
      int predicted = new Scored(0, Scored.NO_LABEL, probabilities).predicted();
      double[] asDoubles = new double[probabilities.length];
      for (int c = 0; c < probabilities.length; c++) {
        asDoubles[c] = probabilities[c];
      }
      values[n] = (double) predicted;
      values[n + 1] = Vectors.dense(asDoubles);
      if (settings.withLabel()) {
        values[n + 2] = payload.classNames().get(predicted);
      }
    }
    return RowFactory.create(values);
  }
}
