package org.sparkcnn.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.config.RunIds;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * Where DL4J writes each epoch's minibatches for a run: {@code <run directory>/_export}, or, when
 * the run directory's path holds a character that DL4J's export cannot carry, {@code
 * _spark-cnn-export-<hash>} in the nearest folder above it whose path holds none.
 *
 * <p>DL4J passes the export directory around as text and reads it back three ways: as a {@code
 * java.net.URI} (writing a minibatch: a space is illegal, "Illegal character in path"), as a Hadoop
 * {@code Path} through {@code textFile} (the list of minibatch files: '[', ']', '{', '}', '*', '?'
 * are glob patterns and ',' separates paths) and, in the workers, the URI's encoded text as a
 * {@code Path} (where "%20" is a literal name). Only a path whose characters mean the same in all
 * three works: ASCII letters, digits and {@code . _ - ~ + = @ /}. The run directory itself keeps
 * the name it was given.
 */
final class ExportDirectory {
  private static final Logger log = LoggerFactory.getLogger(ExportDirectory.class);
  /** Name of the export directory inside a run directory whose path DL4J can carry. */
  static final String INSIDE = RunLayout.EXPORT;
  /** Name prefix of the export directory beside an ancestor, for other run directories. */
  static final String BESIDE_PREFIX = "_spark-cnn-export-";
  /** Characters of a path DL4J's export handles as written (see the class comment). */
  private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9._~+=@/-]*");

  private ExportDirectory() {}

  /**
   * The export directory of the run directory {@code runDirectory} (fully qualified): {@code
   * runDirectory/_export} when its path is safe, else {@code
   * <nearest safe ancestor>/_spark-cnn-export-<first 16 hex digits of the SHA-256 of the run
   * directory's URI>}, the same on every call so a resumed run finds it.
   */
  static Path of(Path runDirectory) {
    if (isSafe(runDirectory)) {
      return new Path(runDirectory, INSIDE);
    }
    Path ancestor = runDirectory.getParent();
    while (!isSafe(ancestor)) {
      ancestor = ancestor.getParent();
    }
    return new Path(ancestor, BESIDE_PREFIX + hash(runDirectory.toUri().toString()));
  }

  /**
   * Creates the export directory of {@code dir} ({@link #of}) and returns it, so that a place DL4J
   * cannot write fails the run before any training.
   *
   * @throws InvalidConfigException naming the run directory, its first character DL4J cannot
   *     carry and the export directory, when that cannot be created
   */
  static Path create(RunDirectory dir) {
    Path export = of(dir.path());
    boolean inside = export.getParent().equals(dir.path());
    String unsafe = inside ? "" : RunIds.describe(firstUnsafe(dir.path()));
    if (!inside) {
      log.info("the path of run directory {} holds {}, which DL4J's minibatch export cannot"
          + " carry; exporting to {} instead", dir.path(), unsafe, export);
    }
    try {
      if (!dir.fileSystem().mkdirs(export)) {
        throw new IOException("mkdirs returned false");
      }
    } catch (IOException e) {
      throw new InvalidConfigException("cannot create " + export + ", where the minibatches of"
          + " run directory " + dir.path() + " are exported" + (inside ? "" : " because its path"
              + " holds " + unsafe + " (DL4J's export carries only ASCII letters, digits and"
              + " . _ - ~ + = @ /); choose a run.output-root whose path holds only those")
          + ": " + e.getMessage(), e);
    }
    return export;
  }

  /** Deletes the export directory of {@code dir} ({@link #of}), if it exists. */
  static void delete(RunDirectory dir) {
    Path export = of(dir.path());
    try {
      dir.fileSystem().delete(export, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + export, e);
    }
  }

  /** True when every character of the path of {@code path} is one DL4J's export carries. */
  static boolean isSafe(Path path) {
    return SAFE_PATH.matcher(path.toUri().getPath()).matches();
  }

  /** The first character of {@code path}'s path that DL4J's export cannot carry, or -1. */
  static int firstUnsafe(Path path) {
    String p = path.toUri().getPath();
    for (int i = 0; i < p.length(); i = p.offsetByCodePoints(i, 1)) {
      int c = p.codePointAt(i);
      if (!SAFE_PATH.matcher(new String(Character.toChars(c))).matches()) {
        return c;
      }
    }
    return -1;
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
