package org.sparkcnn.data;

import org.sparkcnn.models.ImageShape;

/**
 * The binary record layouts of CIFAR-10 and CIFAR-100 (https://www.cs.toronto.edu/~kriz/cifar.html)
 * and which label byte of the record to use.
 *
 * <p>A CIFAR-10 record is 1 label byte then 3,072 pixel bytes; a CIFAR-100 record is a coarse label
 * byte (one of 20 superclasses), a fine label byte (one of 100 classes), then the same 3,072 pixel
 * bytes: 1,024 red, then 1,024 green, then 1,024 blue, each a 32x32 image in row-major order. The
 * files have no header: a file is a whole number of records.
 */
public enum CifarFormat {
  CIFAR10("CIFAR-10", 3073, 0, 10),
  /** CIFAR-100 labelled with its 20 coarse superclasses (the record's first byte). */
  CIFAR100_COARSE("CIFAR-100", 3074, 0, 20),
  /** CIFAR-100 labelled with its 100 fine classes (the record's second byte). */
  CIFAR100_FINE("CIFAR-100", 3074, 1, 100);

  /** Shape of every CIFAR image: 3 channels (red, green, blue) of 32x32 pixels. */
  public static final ImageShape SHAPE = new ImageShape(3, 32, 32);

  private final String datasetName;
  private final int recordBytes;
  private final int labelOffset;
  private final int numClasses;

  CifarFormat(String datasetName, int recordBytes, int labelOffset, int numClasses) {
    this.datasetName = datasetName;
    this.recordBytes = recordBytes;
    this.labelOffset = labelOffset;
    this.numClasses = numClasses;
  }

  /** "CIFAR-10" or "CIFAR-100", for messages. */
  public String datasetName() {
    return datasetName;
  }

  /** Bytes in one record: the label byte(s) and the pixels. */
  public int recordBytes() {
    return recordBytes;
  }

  /** Position in the record of the label this format uses. */
  public int labelOffset() {
    return labelOffset;
  }

  /** Position in the record of the first pixel: after the label byte(s). */
  public int pixelOffset() {
    return recordBytes - SHAPE.size();
  }

  public int numClasses() {
    return numClasses;
  }
}
