package org.sparkcnn.data;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the image readers (image folders, DataFrames) share: decoding one input on an executor into
 * an example or skipping it when it is unusable, and caching the examples with the list of the
 * inputs skipped.
 */
final class SkippingDecoder {
  private static final Logger log = LoggerFactory.getLogger(SkippingDecoder.class);

  /** Reads and decodes one input into uint8 channel-major pixels. */
  @FunctionalInterface
  interface Decode {
    byte[] pixels() throws UnusableImageException;
  }

  private SkippingDecoder() {}

  /**
   * The example that {@code decode} gives, or nothing when the input is unusable (logged, and
   * added to {@code skipped} when not null).
   *
   * @param name the input's path (or row), for the messages
   * @throws BadInputException from {@code decode}, when the input cannot be read
   * @throws OutOfMemoryError naming the input, with advice, when decoding it ran out of heap (the
   *     executor dies of it: Spark ends an executor on any OutOfMemoryError)
   * @throws IllegalStateException naming the input when its decoding failed unexpectedly
   */
  static Iterator<LabeledImage> example(String name, long index, int label, long maxPixels,
      CollectionAccumulator<SkippedInput> skipped, Decode decode) {
    try {
      return List.of(new LabeledImage(index, decode.pixels(), label)).iterator();
    } catch (UnusableImageException e) {
      log.warn("skipped {}: {}", name, e.getMessage());
      if (skipped != null) {
        skipped.add(new SkippedInput(name, e.getMessage()));
      }
      return Collections.emptyIterator();
    } catch (OutOfMemoryError e) {
      throw outOfMemory(name, maxPixels, e);
    } catch (BadInputException e) {
      throw e;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      throw new IllegalStateException("decoding " + name + " failed: " + e, e);
    }
  }

  /**
   * The error to end a task with when reading {@code path} ran out of memory: still an {@link
   * OutOfMemoryError}, so Spark still treats it as fatal, but one that names the file and says
   * what to change. Logged here too, since the executor may die before its report reaches the
   * driver.
   */
  static OutOfMemoryError outOfMemory(String path, long maxPixels, OutOfMemoryError e) {
    OutOfMemoryError named = new OutOfMemoryError(String.format(Locale.ROOT,
        "%s while reading %s (data.max-image-pixels = %,d): give the executors more memory"
            + " (spark.executor.memory; spark.driver.memory in local mode) or lower"
            + " data.max-image-pixels", e.getMessage(), path, maxPixels));
    named.initCause(e);
    log.error(named.getMessage());
    return named;
  }

  /**
   * Decodes every input into the executors' memory and counts them, listing the inputs skipped
   * (sorted by path, each with its reason), gathered by an accumulator of this load.
   *
   * @param where what is read, naming the accumulator
   * @param load the examples, given the accumulator their reader adds skipped inputs to
   */
  static Loaded loadCached(JavaSparkContext sc, String where,
      Function<CollectionAccumulator<SkippedInput>, JavaRDD<LabeledImage>> load) {
    CollectionAccumulator<SkippedInput> skipped =
        sc.sc().collectionAccumulator("images skipped in " + where);
    JavaRDD<LabeledImage> examples = load.apply(skipped).persist(StorageLevel.MEMORY_ONLY());
    try {
      long count = examples.count();
      return new Loaded(examples, count, byPath(skipped.value()));
    } catch (RuntimeException e) {
      examples.unpersist(false);
      throw e;
    }
  }

  /** One entry per path, sorted by path: a task run twice (retry, speculation) adds twice. */
  static List<SkippedInput> byPath(Collection<SkippedInput> skipped) {
    TreeMap<String, SkippedInput> byPath = new TreeMap<>();
    for (SkippedInput input : skipped) {
      byPath.putIfAbsent(input.path(), input);
    }
    return List.copyOf(byPath.values());
  }
}
