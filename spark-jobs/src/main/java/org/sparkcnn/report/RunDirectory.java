package org.sparkcnn.report;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run's output directory, {@code <output-root>/<run-id>/}, on any Hadoop filesystem.
 *
 * <p>Each file is written under a temporary name and renamed into place, so a reader never sees a
 * half-written file; {@link #markSuccess} writes {@code _SUCCESS} and is called only when every
 * output is complete. A directory that already exists is never reused, so two runs cannot mix
 * their files.
 */
public final class RunDirectory {
  /** Marker written last, only when every other output is complete. */
  public static final String SUCCESS = RunLayout.SUCCESS;
  /** Written instead of {@link #SUCCESS} when a run fails, holding the error. */
  public static final String FAILED = RunLayout.FAILED;

  private final Path path;
  private final FileSystem fs;

  private RunDirectory(Path path, FileSystem fs) {
    this.path = path;
    this.fs = fs;
  }

  /**
   * Creates {@code root/runId}.
   *
   * @throws RunExistsException when it already exists
   */
  public static RunDirectory create(String root, String runId, Configuration conf) {
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(conf);
      Path dir = fs.makeQualified(new Path(rootPath, runId));
      if (fs.exists(dir)) {
        throw new RunExistsException("run directory " + dir
            + " already exists; choose another run.id or remove it");
      }
      // No .crc side files next to every output on the local filesystem.
      fs.setWriteChecksum(false);
      if (!fs.mkdirs(dir)) {
        throw new IOException("mkdirs returned false");
      }
      return new RunDirectory(dir, fs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run directory " + runId + " under " + root, e);
    }
  }

  /**
   * Opens the existing run directory at {@code path} (to resume it).
   *
   * @throws IllegalArgumentException when there is no directory at {@code path}
   */
  public static RunDirectory open(String path, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      Path dir = fs.makeQualified(p);
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new IllegalArgumentException(dir + " is not a run directory (a file)");
      }
      fs.setWriteChecksum(false);
      return new RunDirectory(dir, fs);
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("no run directory at " + path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open run directory " + path, e);
    }
  }

  /**
   * The sub-directory {@code name}, created, with the same atomic writes (one repeat of a run).
   */
  public RunDirectory child(String name) {
    Path child = resolve(name);
    try {
      if (!fs.mkdirs(child)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + child, e);
    }
    return new RunDirectory(child, fs);
  }

  /** Fully qualified path of the directory, e.g. {@code file:/work/runs/x}. */
  public Path path() {
    return path;
  }

  /** The filesystem the directory is on. */
  public FileSystem fileSystem() {
    return fs;
  }

  /** Path of {@code name} inside the directory. */
  public Path resolve(String name) {
    return new Path(path, name);
  }

  /** Writes a UTF-8 text file atomically, replacing an earlier version. */
  public void write(String name, String text) {
    write(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes a file through {@code writer} atomically, replacing an earlier version. */
  public void write(String name, StreamWriter writer) {
    Path target = resolve(name);
    Path temp = resolve("." + name + ".tmp");
    try {
      try (FSDataOutputStream out = fs.create(temp, true)) {
        writer.writeTo(out);
      }
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(temp, target)) {
        throw new IOException("cannot rename " + temp + " to " + target);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  /** The whole content of file {@code name}. */
  public byte[] readBytes(String name) {
    try (var in = fs.open(resolve(name))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resolve(name), e);
    }
  }

  /** Names of the entries directly in sub-directory {@code name}; empty when it is missing. */
  public List<String> list(String name) {
    try {
      if (!fs.exists(resolve(name))) {
        return List.of();
      }
      return Arrays.stream(fs.listStatus(resolve(name)))
          .map(status -> status.getPath().getName()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + resolve(name), e);
    }
  }

  /**
   * Renames {@code from} to {@code to} (files or directories, relative to this directory),
   * replacing {@code to} (deleted first): the rename itself is one atomic step on HDFS and local
   * disks.
   */
  public void rename(String from, String to) {
    try {
      delete(to);
      if (!fs.rename(resolve(from), resolve(to))) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rename " + resolve(from) + " to " + resolve(to), e);
    }
  }

  /** Writes {@code _SUCCESS}: call only when every other output is complete. */
  public void markSuccess() {
    write(SUCCESS, "");
  }

  public boolean exists(String name) {
    try {
      return fs.exists(resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code name} (a file or a directory tree) if it exists. */
  public void delete(String name) {
    try {
      fs.delete(resolve(name), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + resolve(name), e);
    }
  }

  /** Writes the content of one file. */
  @FunctionalInterface
  public interface StreamWriter {
    void writeTo(OutputStream out) throws IOException;
  }
}
