package org.sparkcnn.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The header of an IDX file (the MNIST / Fashion-MNIST format), checked on the driver before any
 * task reads records.
 *
 * <p>Format: a 4-byte magic number {@code 0x00 0x00 type dims} (type {@code 0x08} = unsigned
 * byte), then {@code dims} big-endian 32-bit sizes, then the items, each {@code
 * sizes[1] * ... * sizes[dims-1]} bytes. Only unsigned-byte files are supported. An uncompressed
 * file's length is checked against its header here; a compressed one is checked as it is read.
 */
public final class IdxFile implements Serializable {
  private static final long serialVersionUID = 1L;
  /** IDX data type code for unsigned bytes, the only type MNIST-style datasets use. */
  public static final int TYPE_UNSIGNED_BYTE = 0x08;

  private final String path;
  private final int[] sizes;
  private final boolean compressed;

  private IdxFile(String path, int[] sizes, boolean compressed) {
    this.path = path;
    this.sizes = sizes;
    this.compressed = compressed;
  }

  /**
   * Reads and validates the header of {@code path}.
   *
   * @param expectedDims number of dimensions the file must have (1 for labels, 3 for images)
   * @throws BadInputException naming the file when it is missing, not IDX, of the wrong rank or
   *     truncated
   */
  public static IdxFile open(String path, Configuration conf, int expectedDims) {
    Path p = new Path(path);
    FileStatus status = HadoopFiles.status(p, conf);
    boolean compressed = HadoopFiles.isCompressed(p, conf);
    int[] sizes;
    try (DataInputStream in = new DataInputStream(HadoopFiles.open(p, conf))) {
      int magic = in.readInt();
      int type = (magic >>> 8) & 0xFF;
      int dims = magic & 0xFF;
      if ((magic >>> 16) != 0 || type != TYPE_UNSIGNED_BYTE || dims != expectedDims) {
        throw new BadInputException(String.format(
            "%s is not an IDX file of unsigned bytes with %d dimension(s): magic number 0x%08X,"
                + " expected 0x%08X",
            path, expectedDims, magic, (TYPE_UNSIGNED_BYTE << 8) | expectedDims));
      }
      sizes = new int[dims];
      for (int i = 0; i < dims; i++) {
        sizes[i] = in.readInt();
        if (sizes[i] <= 0) {
          throw new BadInputException(
              path + ": IDX dimension " + i + " has size " + sizes[i] + ", expected > 0");
        }
      }
    } catch (EOFException e) {
      throw new BadInputException(path + " is truncated: it ends inside the IDX header", e);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + path + ": " + e, e);
    }
    IdxFile file = new IdxFile(path, sizes, compressed);
    if (!compressed && status.getLen() != file.expectedLength()) {
      throw new BadInputException(String.format(
          "%s is %s: its header announces %d items of %d bytes (%d bytes with the header)"
              + " but the file has %d bytes",
          path,
          status.getLen() < file.expectedLength() ? "truncated" : "longer than its header says",
          file.count(), file.itemBytes(), file.expectedLength(), status.getLen()));
    }
    return file;
  }

  public String path() {
    return path;
  }

  /** Number of items (the first dimension). */
  public int count() {
    return sizes[0];
  }

  /** Sizes of the dimensions after the first, e.g. [28, 28] for images. */
  public int[] itemSizes() {
    return Arrays.copyOfRange(sizes, 1, sizes.length);
  }

  /** Bytes in one item: the product of the dimensions after the first. */
  public int itemBytes() {
    int bytes = 1;
    for (int i = 1; i < sizes.length; i++) {
      bytes = Math.multiplyExact(bytes, sizes[i]);
    }
    return bytes;
  }

  /** Bytes before the first item: the magic number and one 4-byte size per dimension. */
  public long headerBytes() {
    return 4L + 4L * sizes.length;
  }

  private long expectedLength() {
    return headerBytes() + (long) count() * itemBytes();
  }

  /** Opens the file positioned at item {@code first}. */
  InputStream openAt(Configuration conf, long first) throws IOException {
    Path p = new Path(path);
    long offset = headerBytes() + first * itemBytes();
    if (!compressed) {
      var in = HadoopFiles.openFile(p.getFileSystem(conf), p);
      in.seek(offset);
      return in;
    }
    InputStream in = HadoopFiles.open(p, conf);
    try {
      in.skipNBytes(offset);
    } catch (EOFException e) {
      in.close();
      throw new BadInputException(
          path + " is truncated: item " + first + " of " + count()
              + " lies past the end of the data",
          e);
    }
    return in;
  }
}
