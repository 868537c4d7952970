package org.sparkcnn.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.sparkcnn.models.ImageShape;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * An IDX image file and its IDX label file (MNIST, Fashion-MNIST), raw or compressed, on any Hadoop
 * filesystem.
 *
 * <p>{@link #open} checks both headers on the driver; {@link #load} reads the records on the
 * executors, each partition reading its own contiguous range of records (a seek in raw files, a
 * skip in compressed ones), so the driver never holds the data. Labels are checked against the
 * class range as they are read.
 */
public final class IdxDataset implements ImageDataset {
  private static final long serialVersionUID = 1L;

  private final IdxFile images;
  private final IdxFile labels;
  private final int numClasses;
  private final int count;

  private IdxDataset(IdxFile images, IdxFile labels, int numClasses, int count) {
    this.images = images;
    this.labels = labels;
    this.numClasses = numClasses;
    this.count = count;
  }

  /**
   * Opens and validates an image file and its label file.
   *
   * @param limit use only the first {@code limit} examples; 0 for all
   * @throws BadInputException naming the file at fault
   */
  public static IdxDataset open(
      String imagesPath, String labelsPath, int numClasses, long limit, Configuration conf) {
    if (numClasses < 2 || numClasses > 256) {
      throw new IllegalArgumentException("numClasses must be in 2..256, got " + numClasses);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    IdxFile images = IdxFile.open(imagesPath, conf, 3);
    IdxFile labels = IdxFile.open(labelsPath, conf, 1);
    if (images.count() != labels.count()) {
      throw new BadInputException(String.format(
          "%s holds %d images but %s holds %d labels",
          imagesPath, images.count(), labelsPath, labels.count()));
    }
    int count = limit == 0 ? images.count() : (int) Math.min(limit, images.count());
    return new IdxDataset(images, labels, numClasses, count);
  }

  /** Shape of one image: one channel, the file's rows and columns. */
  @Override
  public ImageShape shape() {
    int[] s = images.itemSizes();
    return new ImageShape(1, s[0], s[1]);
  }

  /** Number of examples this dataset yields (after the limit). */
  public int size() {
    return count;
  }

  @Override
  public int numClasses() {
    return numClasses;
  }

  @Override
  public String location() {
    return images.path() + ", " + labels.path();
  }

  /** An RDD of the examples in file order, in {@code partitions} contiguous ranges. */
  @Override
  public JavaRDD<LabeledImage> load(JavaSparkContext sc, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0, got " + partitions);
    }
    int parts = Math.min(partitions, Math.max(count, 1));
    List<Integer> indices = IntStream.range(0, parts).boxed().toList();
    HadoopFiles.SerializableConf conf = new HadoopFiles.SerializableConf(sc.hadoopConfiguration());
    // One index per partition; each task reads its own contiguous range of records.
    return sc.parallelize(indices, parts).flatMap(part ->
        read(conf.get(), (long) count * part / parts, (long) count * (part + 1) / parts));
  }

  /** Reads examples {@code first} (inclusive) to {@code end} (exclusive), lazily. */
  Iterator<LabeledImage> read(Configuration conf, long first, long end) {
    return new RecordIterator(conf, first, end);
  }

  private final class RecordIterator implements Iterator<LabeledImage> {
    private final Configuration conf;
    private final long end;
    private long next;
    private DataInputStream imageIn;
    private InputStream labelIn;

    RecordIterator(Configuration conf, long first, long end) {
      this.conf = conf;
      this.next = first;
      this.end = end;
    }

    @Override
    public boolean hasNext() {
      if (next < end) {
        return true;
      }
      close();
      return false;
    }

    @Override
    public LabeledImage next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      try {
        if (imageIn == null) {
          imageIn = new DataInputStream(images.openAt(conf, next));
          labelIn = labels.openAt(conf, next);
        }
        byte[] pixels = new byte[images.itemBytes()];
        try {
          imageIn.readFully(pixels);
        } catch (EOFException e) {
          throw truncated(images, e);
        }
        int label = labelIn.read();
        if (label < 0) {
          throw truncated(labels, null);
        }
        if (label >= numClasses) {
          throw new BadInputException(String.format(
              "%s record %d: label %d is outside the class range 0..%d",
              labels.path(), next, label, numClasses - 1));
        }
        next++;
        return new LabeledImage(next - 1, pixels, label);
      } catch (IOException e) {
        close();
        throw new UncheckedIOException("reading record " + next + " of " + images.path(), e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    private BadInputException truncated(IdxFile file, Throwable cause) {
      return new BadInputException(String.format(
          "%s is truncated: record %d of the %d its header announces ends past the end of the data",
          file.path(), next, file.count()), cause);
    }

    private void close() {
      try {
        if (imageIn != null) {
          imageIn.close();
        }
        if (labelIn != null) {
          labelIn.close();
        }
      } catch (IOException ignored) {
        // Read-only streams: a failed close loses nothing.
      } finally {
        imageIn = null;
        labelIn = null;
      }
    }
  }
}
