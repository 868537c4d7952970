package org.sparkcnn;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS for tests: one namenode and one datanode in this JVM, on 127.0.0.1 with free ports,
 * storing their blocks under a temporary directory. Start one per test class
 * ({@code @BeforeAll} / {@code @AfterAll}); it takes a few seconds.
 *
 * <p>Paths given as full URIs ({@link #uri(String)}, {@code hdfs://127.0.0.1:<port>/...}) reach
 * it from any Hadoop {@link Configuration}, Spark's included: no {@code fs.defaultFS} needed. The
 * clients' settings for it are in the test resources' {@code hdfs-site.xml}, which every
 * Configuration in the tests reads.
 */
public final class MiniHdfs implements AutoCloseable {
  private final MiniDFSCluster cluster;
  private final FileSystem fs;

  private MiniHdfs(MiniDFSCluster cluster) throws IOException {
    this.cluster = cluster;
    this.fs = cluster.getFileSystem();
  }

  /** Starts a cluster storing its data under {@code baseDir} (a local directory). */
  public static MiniHdfs start(java.nio.file.Path baseDir) {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toAbsolutePath().toString());
    // Tests write as whoever runs them; no permission model or ACLs to satisfy.
    conf.setBoolean(DFSConfigKeys.DFS_PERMISSIONS_ENABLED_KEY, false);
    // A single datanode cannot hold the default three replicas.
    conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
    try {
      MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
          .numDataNodes(1)
          .storagesPerDatanode(1)
          .format(true)
          .build();
      cluster.waitActive();
      return new MiniHdfs(cluster);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a MiniDFSCluster in " + baseDir, e);
    }
  }

  /** The filesystem's root, {@code hdfs://127.0.0.1:<port>}. */
  public String uri() {
    return "hdfs://127.0.0.1:" + cluster.getNameNodePort();
  }

  /** The full URI of the absolute HDFS path {@code path}, e.g. {@code /runs/x}. */
  public String uri(String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + path);
    }
    return uri() + path;
  }

  /** The cluster's configuration (its {@code fs.defaultFS} is this filesystem). */
  public Configuration conf() {
    return cluster.getConfiguration(0);
  }

  /** A client of the filesystem. */
  public FileSystem fs() {
    return fs;
  }

  /**
   * Copies the local file {@code local} to the absolute HDFS path {@code path}, creating parent
   * directories.
   *
   * @return the full URI of the copy
   */
  public String put(java.nio.file.Path local, String path) throws IOException {
    fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(path));
    return uri(path);
  }

  /** Writes {@code content} to the absolute HDFS path {@code path}; returns its full URI. */
  public String write(String path, byte[] content) throws IOException {
    try (var out = fs.create(new Path(path), true)) {
      out.write(content);
    }
    return uri(path);
  }

  /** Whether {@code path} (absolute, or a full URI) exists. */
  public boolean exists(String path) throws IOException {
    return fs.exists(new Path(path));
  }

  /** Shuts the datanode and namenode down and deletes their storage. */
  @Override
  public void close() {
    cluster.shutdown(true);
  }
}
