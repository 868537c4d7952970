package org.sparkcnn.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** Opening files on any Hadoop filesystem (file://, hdfs://, s3a://), decompressing by suffix. */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** Status of {@code path}, or a {@link BadInputException} naming it when it does not exist. */
  public static FileStatus status(Path path, Configuration conf) {
    try {
      return path.getFileSystem(conf).getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw new BadInputException("input file not found: " + path, e);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** True when the file name carries a compression suffix Hadoop knows (.gz, .bz2, ...). */
  public static boolean isCompressed(Path path, Configuration conf) {
    return new CompressionCodecFactory(conf).getCodec(path) != null;
  }

  /** Opens {@code path}, decompressing it when its suffix names a codec. */
  public static InputStream open(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    InputStream raw;
    try {
      raw = openFile(fs, path);
    } catch (FileNotFoundException e) {
      throw new BadInputException("input file not found: " + path, e);
    }
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    return codec == null ? raw : codec.createInputStream(raw);
  }

  /**
   * Opens {@code path} on {@code fs} as stored, whatever characters its name holds.
   *
   * <p>Hadoop's checksum layer over the local filesystem looks for a side file {@code
   * .<name>.crc} before reading and builds its path from the name as text, which Hadoop parses
   * as a URI: a name with ':' ({@code shot 12:30:00.png}) then reads as one with the scheme
   * {@code .shot 12} and fails ("Relative path in absolute URI: .x:1.png.crc", HADOOP-3257).
   * Such a name is read from the raw local filesystem below the checksum layer instead; it
   * loses nothing, since Hadoop cannot have written a side file for it either. HDFS names cannot
   * hold ':'.
   */
  public static FSDataInputStream openFile(FileSystem fs, Path path) throws IOException {
    if (fs instanceof ChecksumFileSystem checksummed && path.getName().indexOf(':') >= 0) {
      return checksummed.getRawFileSystem().open(path);
    }
    return fs.open(path);
  }

  /** A Hadoop {@link Configuration} that can travel to executors inside a Spark closure. */
  public static final class SerializableConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private transient Configuration conf;

    public SerializableConf(Configuration conf) {
      this.conf = conf;
    }

    public Configuration get() {
      return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
      conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      conf = new Configuration(false);
      conf.readFields(in);
    }
  }
}
