package org.sparkcnn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkcnn.data.ImageFolderFixtures.SIZE;
import static org.sparkcnn.data.ImageFolderFixtures.image;
import static org.sparkcnn.data.ImageFolderFixtures.png;
import static org.sparkcnn.data.ImageFolderFixtures.rgb;
import static org.sparkcnn.data.ImageFolderFixtures.write;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkcnn.MiniHdfs;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/**
 * Input folder and file names holding the characters file systems allow in a name (space, {@code
 * # % [ ] : ( ) ,}, non-ASCII letters), listed and read through the readers on the local
 * filesystem and, for the names HDFS allows (no ':'), on HDFS.
 */
class FileNamesTest {
  static final Configuration CONF = new Configuration();
  static final ImageShape RGB = new ImageShape(3, SIZE, SIZE);
  /** One name per character class; the first as a screenshot tool names its files. */
  static final List<String> NAMES = List.of("shot 2024-05-01 12:30:00", "x:1", "a#1", "50%",
      "[x]", "f(1)", "a,b", "café", "日本", "%20 {a} *?");
  @TempDir static Path hdfsDir;
  static MiniHdfs hdfs;
  @TempDir Path dir;

  @BeforeAll
  static void startHdfs() {
    hdfs = MiniHdfs.start(hdfsDir);
  }

  @AfterAll
  static void stopHdfs() {
    hdfs.close();
  }

  static Stream<String> names() {
    return NAMES.stream();
  }

  static Stream<String> hdfsNames() {
    return NAMES.stream().filter(n -> n.indexOf(':') < 0);
  }

  /**
   * An image folder {@code <root>/<name>/<name>.png} plus a plain class "plain": both classes are
   * listed, and the named image reads back with its pixels.
   */
  @ParameterizedTest
  @MethodSource("names")
  void localImageFolderAndFileNamesAreListedAndRead(String name) throws Exception {
    Path root = dir.resolve("images " + name);
    write(root.resolve(name).resolve(name + ".png"), png(image(rgb(0), 3, SIZE, SIZE)));
    write(root.resolve("plain/b.png"), png(image(rgb(1), 3, SIZE, SIZE)));
    checkListedAndRead(root.toString(), name, root.resolve(name).resolve(name + ".png"));
  }

  @ParameterizedTest
  @MethodSource("hdfsNames")
  void hdfsImageFolderAndFileNamesAreListedAndRead(String name) throws Exception {
    String root = "/images " + name;
    hdfs.write(root + "/" + name + "/" + name + ".png", png(image(rgb(0), 3, SIZE, SIZE)));
    hdfs.write(root + "/plain/b.png", png(image(rgb(1), 3, SIZE, SIZE)));
    ImageFolderDataset data = ImageFolderDataset.open(hdfs.uri(root), RGB, SizePolicy.REJECT,
        ChannelPolicy.REJECT, ImageDecoder.DEFAULT_MAX_PIXELS, 0, 1, hdfs.conf());
    assertEquals(List.of(name, "plain").stream().sorted().toList(), data.classNames());
    ImageFile file = fileOf(data, name);
    assertEquals(hdfs.uri() + root + "/" + name + "/" + name + ".png", file.path());
    assertArrayEquals(rgb(0), readOne(file, hdfs.conf()));
  }

  /** An IDX label file whose name holds the character, raw (seek) and gzip (stream) alike. */
  @ParameterizedTest
  @MethodSource("names")
  void idxFileNamesAreRead(String name) throws Exception {
    byte[] labels = {0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 9};
    Path raw = Files.write(dir.resolve(name + ".idx"), labels);
    IdxFile file = IdxFile.open(raw.toString(), CONF, 1);
    assertEquals(3, file.count());
    try (InputStream in = file.openAt(CONF, 1)) {
      assertArrayEquals(new byte[] {2, 9}, in.readAllBytes());
    }
  }

  /**
   * Hadoop's glob and record reader cannot open a CIFAR file with ':': refused on the driver,
   * named directly or matched by a glob.
   */
  @Test
  void cifarFileNameWithAColonIsRefusedNamingIt() throws Exception {
    Path file = CifarFixtures.write(dir, "data 12:30.bin", CifarFixtures.cifar10(0, 2));
    BadInputException e = assertThrows(BadInputException.class, () -> CifarDataset.open(
        List.of(file.toString()), CifarFormat.CIFAR10, 0, CONF));
    assertEquals(file + ": a CIFAR file name must not hold ':' (Hadoop's record reader cannot"
        + " open it); rename the file", e.getMessage());
    BadInputException matched = assertThrows(BadInputException.class, () -> CifarDataset.open(
        List.of(dir + "/data*.bin"), CifarFormat.CIFAR10, 0, CONF));
    assertEquals(dir + "/data*.bin: the folder holds 'data 12:30.bin', and a CIFAR file name"
        + " must not hold ':' (Hadoop's glob and record reader cannot open it); rename the file",
        matched.getMessage());
  }

  private static void checkListedAndRead(String root, String name, Path image) throws Exception {
    ImageFolderDataset data = ImageFolderDataset.open(root, RGB, SizePolicy.REJECT,
        ChannelPolicy.REJECT, ImageDecoder.DEFAULT_MAX_PIXELS, 0, 1, CONF);
    assertEquals(List.of(name, "plain").stream().sorted().toList(), data.classNames());
    ImageFile file = fileOf(data, name);
    assertEquals("file:" + image, file.path(), "the path as messages and skipped-images.csv show");
    assertArrayEquals(rgb(0), readOne(file, CONF));
  }

  private static ImageFile fileOf(ImageFolderDataset data, String name) {
    int label = data.classNames().indexOf(name);
    List<ImageFile> files =
        data.files().stream().filter(f -> f.label() == label).toList();
    assertEquals(1, files.size(), files.toString());
    return files.get(0);
  }

  private static byte[] readOne(ImageFile file, Configuration conf) {
    Iterator<LabeledImage> read = ImageFolderDataset.read(
        file, conf, RGB, SizePolicy.REJECT, ChannelPolicy.REJECT, ImageDecoder.DEFAULT_MAX_PIXELS,
        null);
    assertTrue(read.hasNext(), "decoded nothing from " + file);
    return read.next().pixels();
  }
}
