package org.sparkcnn.data;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.FixedLengthInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.sparkcnn.models.ImageShape;
import scala.Tuple2;

/**
 * CIFAR-10 or CIFAR-100 binary files ({@code data_batch_1.bin}, {@code train.bin}, ...) on any
 * Hadoop filesystem, read as fixed-length records ({@link CifarFormat}).
 *
 * <p>{@link #open} expands the paths and globs and checks every file's size on the driver; {@link
 * #load} reads the records on the executors with Hadoop's {@link FixedLengthInputFormat} (what
 * {@code sc.binaryRecords} uses), the files cut into splits of whole records, so the driver never
 * holds the data. Records are numbered across the files in the order given: file 0's records
 * first. Labels are checked against the class range as they are read.
 */
public final class CifarDataset implements ImageDataset {
  private static final long serialVersionUID = 1L;
  /** Hadoop conf key: the file in which the limit falls ({@link LimitedInputFormat}). */
  static final String LIMIT_FILE_KEY = "sparkcnn.cifar.limit.file";
  /** Hadoop conf key: bytes of that file, from its start, that lie within the limit. */
  static final String LIMIT_BYTES_KEY = "sparkcnn.cifar.limit.bytes";

  private final CifarFormat format;
  private final List<CifarFile> files;
  private final long count;

  /**
   * One file to read.
   *
   * @param path the path as its filesystem qualifies it (e.g. {@code hdfs://nn:8020/cifar/x.bin}),
   *     the form in which Hadoop's splits name it
   * @param firstIndex dataset index of the file's first record
   * @param records how many of its records lie within the limit
   */
  record CifarFile(String path, long firstIndex, long records) implements Serializable {}

  private CifarDataset(CifarFormat format, List<CifarFile> files, long count) {
    this.format = format;
    this.files = files;
    this.count = count;
  }

  /**
   * Expands {@code paths} and checks the files' sizes.
   *
   * @param paths files or Hadoop globs ({@code /data/cifar-10-batches-bin/data_batch_*.bin}); the
   *     files are taken in this order, each glob's matches sorted by path
   * @param limit use only the first {@code limit} examples; 0 for all. Files wholly past the limit
   *     are not read.
   * @throws BadInputException naming the path at fault: no match, a directory, a compressed file,
   *     or a size that is not a whole number of records
   */
  public static CifarDataset open(
      List<String> paths, CifarFormat format, long limit, Configuration conf) {
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("paths must name at least one CIFAR file");
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    List<CifarFile> files = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    long total = 0;
    for (String pattern : paths) {
      for (FileStatus status : expand(pattern, conf)) {
        String file = status.getPath().toString();
        if (!seen.add(file)) {
          throw new BadInputException(file + " is named more than once by the CIFAR inputs "
              + paths + "; each file must be read once, or its records would be counted twice");
        }
        long records = records(status, format, conf);
        if (limit == 0 || total < limit) {
          long used = limit == 0 ? records : Math.min(records, limit - total);
          files.add(new CifarFile(file, total, used));
        }
        total += records;
      }
    }
    long count = limit == 0 ? total : Math.min(limit, total);
    return new CifarDataset(format, List.copyOf(files), count);
  }

  /**
   * Refuses a CIFAR input whose path holds ':' after its scheme: Hadoop's glob and its record
   * reader (through the checksum layer, see {@link HadoopFiles#openFile}) cannot open it.
   */
  private static void requireNoColon(Path path, String named) {
    if (path.toUri().getPath().indexOf(':') >= 0) {
      throw new BadInputException(named + ": a CIFAR file name must not hold ':' (Hadoop's"
          + " record reader cannot open it); rename the file");
    }
  }

  /** The files {@code pattern} names, sorted by path. */
  private static FileStatus[] expand(String pattern, Configuration conf) {
    Path p = new Path(pattern);
    requireNoColon(p, pattern);
    FileStatus[] matches;
    try {
      matches = p.getFileSystem(conf).globStatus(p);
    } catch (IOException e) {
      throw new BadInputException("cannot read " + pattern + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof URISyntaxException bad) { // a listed name with ':'
        throw new BadInputException(pattern + ": the folder holds '" + bad.getInput() + "', and a"
            + " CIFAR file name must not hold ':' (Hadoop's glob and record reader cannot open"
            + " it); rename the file", e);
      }
      throw e;
    }
    // null: a plain path that does not exist; empty: a glob that matches nothing
    if (matches == null || matches.length == 0) {
      throw new BadInputException("input file not found: " + pattern);
    }
    Arrays.sort(matches);
    return matches;
  }

  /** Number of records in the file {@code status} describes, checked to be whole. */
  private static long records(FileStatus status, CifarFormat format, Configuration conf) {
    String file = status.getPath().toString();
    if (status.isDirectory()) {
      throw new BadInputException(file + " is a directory; a CIFAR input must be a file or a glob"
          + " matching files, such as " + file + "/data_batch_*.bin");
    }
    requireNoColon(status.getPath(), file);
    if (HadoopFiles.isCompressed(status.getPath(), conf)) {
      throw new BadInputException(file + " is compressed, but CIFAR files are read in fixed-length"
          + " records at byte offsets, which needs the uncompressed .bin files: extract it first");
    }
    long bytes = status.getLen();
    int recordBytes = format.recordBytes();
    if (bytes == 0) {
      throw new BadInputException(String.format(
          "%s is empty (0 bytes), not a whole number of %d-byte %s records",
          file, recordBytes, format.datasetName()));
    }
    if (bytes % recordBytes != 0) {
      throw new BadInputException(String.format(
          "%s is %d bytes, not a whole number of %d-byte %s records (%d records and %d bytes left"
              + " over)",
          file, bytes, recordBytes, format.datasetName(), bytes / recordBytes,
          bytes % recordBytes));
    }
    return bytes / recordBytes;
  }

  /** Shape of one image: [3, 32, 32]. */
  @Override
  public ImageShape shape() {
    return CifarFormat.SHAPE;
  }

  @Override
  public int numClasses() {
    return format.numClasses();
  }

  public CifarFormat format() {
    return format;
  }

  /** Number of examples this dataset yields (after the limit). */
  public long size() {
    return count;
  }

  /** The files read, in order, as their filesystems qualify them; files past the limit left out. */
  public List<String> files() {
    return files.stream().map(CifarFile::path).toList();
  }

  @Override
  public String location() {
    return String.join(", ", files());
  }

  /**
   * An RDD of the examples in index order, in about {@code partitions} partitions of whole records
   * (at least one per file). No shuffle: the files are split so.
   */
  @Override
  public JavaRDD<LabeledImage> load(JavaSparkContext sc, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0, got " + partitions);
    }
    var records = (JavaNewHadoopRDD<LongWritable, BytesWritable>) sc.newAPIHadoopRDD(
        job(sc.hadoopConfiguration(), partitions).getConfiguration(), LimitedInputFormat.class,
        LongWritable.class, BytesWritable.class);
    Map<String, Long> firstIndexByPath = new HashMap<>();
    files.forEach(f -> firstIndexByPath.put(f.path(), f.firstIndex()));
    CifarFormat format = this.format;
    return records.mapPartitionsWithInputSplit(
        (split, fileRecords) -> examples((FileSplit) split, fileRecords, firstIndexByPath, format),
        false);
  }

  /**
   * The Hadoop job that reads the files: a copy of {@code base} set for records of this format,
   * splits of whole records sized for {@code partitions}, the files as input paths and the limit.
   */
  Job job(Configuration base, int partitions) {
    int recordBytes = format.recordBytes();
    Job job;
    try {
      job = Job.getInstance(new Configuration(base));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the Hadoop job reading " + location(), e);
    }
    Configuration conf = job.getConfiguration();
    FixedLengthInputFormat.setRecordLength(conf, recordBytes);
    long recordsPerSplit = (count + partitions - 1) / partitions;
    conf.setLong(FileInputFormat.SPLIT_MAXSIZE, recordsPerSplit * recordBytes);
    conf.setLong(FileInputFormat.SPLIT_MINSIZE, recordBytes);
    // Splits come in the order the files are listed only when they are listed by one thread.
    conf.setInt(FileInputFormat.LIST_STATUS_NUM_THREADS, 1);
    CifarFile last = files.get(files.size() - 1);
    conf.set(LIMIT_FILE_KEY, last.path());
    conf.setLong(LIMIT_BYTES_KEY, last.records() * recordBytes);
    try {
      // FileInputFormat globs its input paths again: escape them so that a name holding [ or {
      // means only itself. Passing Paths (not one comma-joined string) lets names hold commas.
      FileInputFormat.setInputPaths(job,
          files.stream().map(f -> new Path(escapeGlob(f.path()))).toArray(Path[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the Hadoop job reading " + location(), e);
    }
    return job;
  }

  /** The examples of one split: the file's records, indexed from the file's first index. */
  static Iterator<LabeledImage> examples(FileSplit split,
      Iterator<Tuple2<LongWritable, BytesWritable>> records, Map<String, Long> firstIndexByPath,
      CifarFormat format) {
    String file = split.getPath().toString();
    Long firstIndex = firstIndexByPath.get(file);
    if (firstIndex == null) {
      throw new IllegalStateException("Hadoop split of " + file + ", which is none of the files "
          + firstIndexByPath.keySet().stream().sorted().collect(Collectors.joining(", ")));
    }
    int recordBytes = format.recordBytes();
    int pixelOffset = format.pixelOffset();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public LabeledImage next() {
        Tuple2<LongWritable, BytesWritable> record = records.next();
        long recordInFile = record._1().get() / recordBytes;
        // Hadoop reuses the writable for the next record: copy out of it.
        byte[] bytes = record._2().getBytes();
        int label = bytes[format.labelOffset()] & 0xFF;
        if (label >= format.numClasses()) {
          throw new BadInputException(String.format(
              "%s record %d: label %d is outside the class range 0..%d",
              file, recordInFile, label, format.numClasses() - 1));
        }
        byte[] pixels =
            Arrays.copyOfRange(bytes, pixelOffset, pixelOffset + CifarFormat.SHAPE.size());
        return new LabeledImage(firstIndex + recordInFile, pixels, label);
      }
    };
  }

  /** {@code path} with Hadoop's glob characters escaped, so that a glob matches only it. */
  static String escapeGlob(String path) {
    StringBuilder escaped = new StringBuilder(path.length());
    for (char c : path.toCharArray()) {
      if ("\\*?[]{}".indexOf(c) >= 0) {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /**
   * {@link FixedLengthInputFormat} whose splits of the file named by {@link #LIMIT_FILE_KEY} end
   * at {@link #LIMIT_BYTES_KEY}, so records past the dataset's limit are never read and the
   * partitions stay balanced. Public, as Spark instantiates it through its public no-argument
   * constructor.
   */
  public static final class LimitedInputFormat extends FixedLengthInputFormat {
    public LimitedInputFormat() {}

    @Override
    public List<InputSplit> getSplits(JobContext job) throws IOException {
      String limitFile = job.getConfiguration().get(LIMIT_FILE_KEY);
      long limitBytes = job.getConfiguration().getLong(LIMIT_BYTES_KEY, Long.MAX_VALUE);
      List<InputSplit> kept = new ArrayList<>();
      for (InputSplit split : super.getSplits(job)) {
        FileSplit fileSplit = (FileSplit) split;
        long end = fileSplit.getStart() + fileSplit.getLength();
        if (!fileSplit.getPath().toString().equals(limitFile) || end <= limitBytes) {
          kept.add(fileSplit);
        } else if (fileSplit.getStart() < limitBytes) {
          kept.add(new FileSplit(fileSplit.getPath(), fileSplit.getStart(),
              limitBytes - fileSplit.getStart(), fileSplit.getLocations()));
        }
      }
      return kept;
    }
  }
}
