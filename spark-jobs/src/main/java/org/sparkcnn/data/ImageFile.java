package org.sparkcnn.data;

import java.io.Serializable;

/**
 * One image file of an {@link ImageFolderDataset}: its path, its class and its index in the
 * dataset.
 *
 * <p>A plain class rather than a record: Kryo (Spark's serializer, which ships the file list to
 * the tasks) cannot write the final fields of a Java record on Java 17.
 */
final class ImageFile implements Serializable {
  private static final long serialVersionUID = 1L;

  private String path;
  private int label;
  private long index;

  /** For serializers only. */
  ImageFile() {}

  ImageFile(String path, int label, long index) {
    this.path = path;
    this.label = label;
    this.index = index;
  }

  String path() {
    return path;
  }

  int label() {
    return label;
  }

  long index() {
    return index;
  }

  @Override
  public String toString() {
    return "ImageFile(" + path + ", label=" + label + ", index=" + index + ")";
  }
}
