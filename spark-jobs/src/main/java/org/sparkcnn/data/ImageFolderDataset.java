package org.sparkcnn.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.config.ChannelPolicy;
import org.sparkcnn.config.SizePolicy;
import org.sparkcnn.models.ImageShape;

/**
 * A folder of JPEG and PNG images with one sub-folder per class, on any Hadoop filesystem:
 *
 * <pre>
 * root/cat/0001.jpg, root/cat/0002.png, ..., root/dog/0001.jpg, ...
 * </pre>
 *
 * <p>{@link #open} lists the folder on the driver. The classes are the sub-folders sorted by name
 * (label = position in that order); the examples are the class folders' .jpg, .jpeg and .png files
 * (any case), each folder's sorted by name, and an example's index is its position in that whole
 * list. Names starting with "." or "_" (.DS_Store, _SUCCESS) are ignored, and so are other files
 * (counted in the log).
 *
 * <p>{@link #load} decodes the images on the executors ({@link ImageDecoder}) into the configured
 * shape. An image that cannot be decoded, has more pixels than the limit, or whose size or channel
 * count a policy rejects, is skipped with a warning in the executor's log; {@link #loadCached}
 * lists every skipped file. Any other failure to read a file fails the job with a {@link
 * BadInputException} naming it, and an unexpected exception or error while decoding a file (a
 * decoder's bug, too little memory) is rethrown with the file's path in its message.
 */
public final class ImageFolderDataset implements ImageDataset {
  private static final long serialVersionUID = 1L;
  private static final Logger log = LoggerFactory.getLogger(ImageFolderDataset.class);

  /** File name endings, lower case, of the images a class folder holds. */
  static final List<String> IMAGE_SUFFIXES = List.of(".jpg", ".jpeg", ".png");
  /** Coordinate that keeps the seed of a limit's sample apart from the other uses of run.seed. */
  private static final long SAMPLE = 0x5A3B_1E00L;

  private final String root;
  private final ImageShape shape;
  private final SizePolicy onSizeMismatch;
  private final ChannelPolicy onChannelMismatch;
  private final long maxPixels;
  private final List<String> classNames;
  private final List<ImageFile> files;

  private ImageFolderDataset(String root, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxPixels, List<String> classNames,
      List<ImageFile> files) {
    this.root = root;
    this.shape = shape;
    this.onSizeMismatch = onSizeMismatch;
    this.onChannelMismatch = onChannelMismatch;
    this.maxPixels = maxPixels;
    this.classNames = classNames;
    this.files = files;
  }

  /**
   * Lists and checks an image folder.
   *
   * @param shape [channels, height, width] every image is brought to; channels 1 or 3
   * @param maxPixels largest image decoded, in pixels (width x height, from the file's header); a
   *     larger one is skipped ({@code data.max-image-pixels})
   * @param limit use only {@code limit} images, a random sample of the folder's (in index order,
   *     each keeping its index in the whole folder); 0 for all. A class-sorted list cut after its
   *     first images would hold the first classes only.
   * @param seed selects the sample ({@code run.seed})
   * @throws BadInputException naming the path when the root is missing or not a folder, holds no
   *     class folders, or a class folder holds no images
   */
  public static ImageFolderDataset open(String root, ImageShape shape, SizePolicy onSizeMismatch,
      ChannelPolicy onChannelMismatch, long maxPixels, long limit, long seed,
      Configuration conf) {
    if (shape.channels() != 1 && shape.channels() != 3) {
      throw new IllegalArgumentException(
          "an image folder yields images of 1 or 3 channels, got shape " + shape);
    }
    if (onSizeMismatch == null || onChannelMismatch == null) {
      throw new IllegalArgumentException("the size and channel policies must be given");
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be > 0, got " + maxPixels);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    Path rootPath = new Path(root);
    FileSystem fs;
    FileStatus rootStatus;
    try {
      fs = rootPath.getFileSystem(conf);
      rootStatus = fs.getFileStatus(rootPath);
    } catch (FileNotFoundException e) {
      throw new BadInputException("image folder not found: " + root, e);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + root + ": " + e.getMessage(), e);
    }
    if (!rootStatus.isDirectory()) {
      throw new BadInputException("image folder " + root + " is a file, not a folder");
    }
    List<FileStatus> classFolders = list(fs, rootPath).stream()
        .filter(FileStatus::isDirectory)
        .toList();
    if (classFolders.isEmpty()) {
      throw new BadInputException("image folder " + root
          + " holds no class sub-folders (one per class, holding its JPEG and PNG images)");
    }
    List<String> classNames = new ArrayList<>();
    List<ImageFile> files = new ArrayList<>();
    long total = 0;
    long ignored = 0;
    for (FileStatus folder : classFolders) {
      int label = classNames.size();
      classNames.add(folder.getPath().getName());
      long images = 0;
      for (FileStatus file : list(fs, folder.getPath())) {
        if (file.isFile() && isImageName(file.getPath().getName())) {
          files.add(new ImageFile(file.getPath().toString(), label, total));
          images++;
          total++;
        } else {
          ignored++;
        }
      }
      if (images == 0) {
        throw new BadInputException("class folder " + folder.getPath()
            + " holds no JPEG or PNG images (.jpg, .jpeg, .png)");
      }
    }
    List<ImageFile> used = limit == 0 || limit >= total ? files : sample(files, limit, seed);
    log.info("image folder {}: {} classes, {} images{}; entries ignored as not .jpg, .jpeg or"
        + " .png files: {}", root, classNames.size(), total,
        used.size() < total ? " (using a random sample of " + used.size() + ")" : "", ignored);
    return new ImageFolderDataset(root, shape, onSizeMismatch, onChannelMismatch, maxPixels,
        List.copyOf(classNames), List.copyOf(used));
  }

  /** The innermost cause's class and message, e.g. "UnknownHostException: nn1". */
  public static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /**
   * Lists images without labels, to score: {@code location} is a folder (its .jpg, .jpeg and .png
   * files, those of its sub-folders included) or a glob of files and folders, on any Hadoop
   * filesystem. The images are sorted by path, an image's index is its position in that order,
   * and its label is -1; {@link #numClasses()} is 0. Loading decodes and skips as for a labelled
   * folder.
   *
   * @param shape [channels, height, width] every image is brought to; channels 1 or 3
   * @throws BadInputException naming {@code location} when nothing is there or it holds no image
   */
  public static ImageFolderDataset openUnlabelled(String location, ImageShape shape,
      SizePolicy onSizeMismatch, ChannelPolicy onChannelMismatch, long maxPixels,
      Configuration conf) {
    Path path = new Path(location);
    FileSystem fs;
    FileStatus[] matched;
    try {
      fs = path.getFileSystem(conf);
      // A folder or file of that very name first: its name may hold [ ] { } * ? as they are.
      matched = fs.exists(path) ? new FileStatus[] {fs.getFileStatus(path)}
          : fs.globStatus(path);
    } catch (IOException | IllegalArgumentException e) {
      // An unknown host comes as an IllegalArgumentException around UnknownHostException.
      throw new BadInputException("cannot read " + location + ": " + rootMessage(e), e);
    }
    if (matched == null || matched.length == 0) {
      throw new BadInputException("no images: nothing at " + location
          + (location.matches(".*[\\[\\]{}*?].*") ? " (read as a Hadoop glob pattern, in which"
              + " [ ] { } * ? are special: escape them with \\ to match them as they are)" : ""));
    }
    List<String> paths = new ArrayList<>();
    for (FileStatus status : matched) {
      addImages(fs, status, paths);
    }
    if (paths.isEmpty()) {
      throw new BadInputException("no images: " + location + " holds no JPEG or PNG files (.jpg,"
          + " .jpeg, .png)");
    }
    Collections.sort(paths);
    List<ImageFile> files = new ArrayList<>(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      files.add(new ImageFile(paths.get(i), -1, i));
    }
    log.info("images to score at {}: {}", location, files.size());
    return new ImageFolderDataset(location, shape, onSizeMismatch, onChannelMismatch, maxPixels,
        List.of(), List.copyOf(files));
  }

  /**
   * Adds the image at {@code status}, or a folder's images, recursively, to {@code paths}; inside
   * folders, hidden names (starting "." or "_") are left out.
   */
  private static void addImages(FileSystem fs, FileStatus status, List<String> paths) {
    String name = status.getPath().getName();
    if (status.isDirectory()) {
      for (FileStatus entry : list(fs, status.getPath())) {
        addImages(fs, entry, paths);
      }
    } else if (isImageName(name)) {
      paths.add(status.getPath().toString());
    }
  }

  /**
   * {@code n} of {@code files} drawn at random without replacement, in their order: those whose
   * position a permutation seeded by {@code seed} sends below {@code n}.
   */
  static List<ImageFile> sample(List<ImageFile> files, long n, long seed) {
    Permutation draw = new Permutation(files.size(), Seeds.mix(seed, SAMPLE));
    List<ImageFile> sample = new ArrayList<>((int) n);
    for (int i = 0; i < files.size(); i++) {
      if (draw.apply(i) < n) {
        sample.add(files.get(i));
      }
    }
    return sample;
  }

  /** True for a file name that a class folder's images have: .jpg, .jpeg, .png in any case. */
  static boolean isImageName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return IMAGE_SUFFIXES.stream().anyMatch(lower::endsWith);
  }

  /** True for a name starting with "." or "_": hidden files, Spark's _SUCCESS, _temporary. */
  static boolean isHidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /** The folder's entries sorted by name, without hidden ones (names starting "." or "_"). */
  private static List<FileStatus> list(FileSystem fs, Path folder) {
    FileStatus[] entries;
    try {
      entries = fs.listStatus(folder);
    } catch (IOException e) {
      throw new BadInputException("cannot list " + folder + ": " + e.getMessage(), e);
    }
    return Arrays.stream(entries)
        .filter(s -> !isHidden(s.getPath().getName()))
        .sorted(Comparator.comparing(s -> s.getPath().getName()))
        .toList();
  }

  /**
   * Checks that {@code other} (a test folder, say) has the same class folders as this one, so the
   * same label means the same class in both.
   *
   * @throws BadInputException naming both folders and the classes only one of them has
   */
  public void requireSameClasses(ImageFolderDataset other) {
    ClassNames.requireSame("class folders", classNames, root, other.classNames, other.root);
  }

  @Override
  public ImageShape shape() {
    return shape;
  }

  @Override
  public int numClasses() {
    return classNames.size();
  }

  /** The class folders' names, in label order. */
  @Override
  public List<String> classNames() {
    return classNames;
  }

  @Override
  public String location() {
    return root;
  }

  /** Number of image files this dataset reads (after the limit), skipped ones included. */
  public int size() {
    return files.size();
  }

  /** Each image's path by its index, in index order. */
  public Map<Long, String> paths() {
    Map<Long, String> paths = new LinkedHashMap<>();
    files.forEach(f -> paths.put(f.index(), f.path()));
    return paths;
  }

  /** The image files in index order. */
  List<ImageFile> files() {
    return files;
  }

  /**
   * The decoded images in index order, the file list cut into {@code partitions} contiguous
   * ranges; images that cannot be used are left out.
   */
  @Override
  public JavaRDD<LabeledImage> load(JavaSparkContext sc, int partitions) {
    return load(sc, partitions, null);
  }

  /**
   * Decodes every image into the executors' memory and counts them, listing the files skipped
   * (sorted by path, each with its reason).
   */
  @Override
  public Loaded loadCached(JavaSparkContext sc, int partitions) {
    return SkippingDecoder.loadCached(sc, root, skipped -> load(sc, partitions, skipped));
  }

  private JavaRDD<LabeledImage> load(
      JavaSparkContext sc, int partitions, CollectionAccumulator<SkippedInput> skipped) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0, got " + partitions);
    }
    int parts = Math.min(partitions, Math.max(files.size(), 1));
    HadoopFiles.SerializableConf conf = new HadoopFiles.SerializableConf(sc.hadoopConfiguration());
    // Locals, so the closure does not carry this dataset's file list to every task.
    ImageShape shape = this.shape;
    SizePolicy onSize = onSizeMismatch;
    ChannelPolicy onChannels = onChannelMismatch;
    long maxPixels = this.maxPixels;
    return sc.parallelize(files, parts)
        .flatMap(file -> read(file, conf.get(), shape, onSize, onChannels, maxPixels, skipped));
  }

  /**
   * Reads and decodes one image: the example, or nothing when the image cannot be used (logged,
   * and added to {@code skipped} when not null).
   *
   * @throws BadInputException naming the file when it cannot be read
   * @throws OutOfMemoryError naming the file, with advice, when reading or decoding it ran out of
   *     heap (the executor dies of it: Spark ends an executor on any OutOfMemoryError)
   * @throws IllegalStateException naming the file when its decoding failed unexpectedly
   */
  static Iterator<LabeledImage> read(ImageFile file, Configuration conf, ImageShape shape,
      SizePolicy onSizeMismatch, ChannelPolicy onChannelMismatch, long maxPixels,
      CollectionAccumulator<SkippedInput> skipped) {
    return SkippingDecoder.example(file.path(), file.index(), file.label(), maxPixels, skipped,
        () -> ImageDecoder.decode(readBytes(file.path(), conf), shape, onSizeMismatch,
            onChannelMismatch, maxPixels));
  }

  /**
   * The bytes of file {@code path}.
   *
   * @throws BadInputException naming the file when it cannot be read
   */
  static byte[] readBytes(String path, Configuration conf) {
    Path file = new Path(path);
    try (InputStream in = HadoopFiles.openFile(file.getFileSystem(conf), file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new BadInputException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
