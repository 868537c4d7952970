package org.sparkcnn.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
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
      raw = fs.open(path);
    } catch (FileNotFoundException e) {
      throw new BadInputException("input file not found: " + path, e);
    }
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    return codec == null ? raw : codec.createInputStream(raw);
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
