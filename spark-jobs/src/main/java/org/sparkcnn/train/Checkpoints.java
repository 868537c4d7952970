package org.sparkcnn.train;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.DeserializationFeature;
import org.nd4j.shade.jackson.databind.JsonMappingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.exc.MismatchedInputException;
import org.nd4j.shade.jackson.databind.exc.UnrecognizedPropertyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkcnn.data.BadInputException;
import org.sparkcnn.report.RunDirectory;
import org.sparkcnn.report.RunLayout;

/**
 * The checkpoints of one training (a run, or one repeat of it) in {@code checkpoints/} of its
 * directory, on any Hadoop filesystem: {@code checkpoints/epoch-0003/} holds the network with its
 * updater state ({@value #MODEL}), the moving average of the parameters ({@value #AVERAGE}, when
 * one is kept) and {@value #STATE}: the epoch, every epoch's metrics and round so far, the
 * moving average's update count, the workers and partitions trained with, and the SHA-256 of the
 * other files.
 *
 * <p>A checkpoint is written into a hidden temporary directory that is renamed into place once
 * complete, with {@value #STATE} written last: a directory without a readable state, or whose
 * files do not match their checksums, is not a checkpoint. The newest {@code kept} checkpoints
 * are kept, so that a damaged newest one leaves an older one to resume from.
 *
 * <p>{@value #STATE} is read strictly: a field this version does not know, or one it needs that
 * is missing or null (a field renamed between versions), makes the checkpoint unreadable, naming
 * the field, rather than resuming from a default. Checkpoints that exist but none of which reads
 * back fail the resume ({@link #latest}); they are never passed over for a start from epoch 1.
 */
final class Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
  static final String DIR = RunLayout.CHECKPOINTS;
  static final String MODEL = RunLayout.CHECKPOINT_MODEL;
  static final String AVERAGE = RunLayout.CHECKPOINT_AVERAGE;
  static final String STATE = RunLayout.CHECKPOINT_STATE;
  private static final String PREFIX = RunLayout.CHECKPOINT_PREFIX;
  private static final ObjectMapper JSON = new ObjectMapper().enable(
      DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
      DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES,
      DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * What a checkpoint records besides the network and the moving average.
   *
   * @param epoch the last completed epoch (1-based)
   * @param epochs the metrics of epochs 1..epoch
   * @param rounds every averaging round of epochs 1..epoch
   * @param averageUpdates updates of the moving average so far; 0 when none is kept
   * @param workers training workers the run used
   * @param partitions partitions of the cached training data the run used
   * @param sha256 SHA-256 (hex) of each other file of the checkpoint, by name
   */
  record State(int epoch, List<EpochMetrics> epochs, List<RoundProgress.Round> rounds,
      long averageUpdates, int workers, int partitions, Map<String, String> sha256) {
    State withSha256(Map<String, String> sums) {
      return new State(epoch, epochs, rounds, averageUpdates, workers, partitions, sums);
    }
  }

  /** A checkpoint read back: its state, the network (with updater) and the moving average. */
  record Restored(State state, Model network, INDArray average) {}

  /** Reads a network (a MultiLayerNetwork or a ComputationGraph) with its updater state. */
  @FunctionalInterface
  interface ModelReader {
    Model read(java.io.InputStream in) throws IOException;
  }

  private final RunDirectory dir;
  private final int every;
  private final int kept;

  /**
   * @param dir the run's (or repeat's) directory
   * @param every checkpoint every this many epochs, and after the last one; 0: never
   * @param kept how many of the newest checkpoints to keep (at least 1)
   */
  Checkpoints(RunDirectory dir, int every, int kept) {
    if (every < 0 || kept < 1) {
      throw new IllegalArgumentException("every must be >= 0 and kept >= 1, got " + every
          + ", " + kept);
    }
    this.dir = dir;
    this.every = every;
    this.kept = kept;
  }

  /** Whether to checkpoint after {@code epoch} of {@code lastEpoch}. */
  boolean due(int epoch, int lastEpoch) {
    return every > 0 && (epoch % every == 0 || epoch == lastEpoch);
  }

  /** Name of the checkpoint of {@code epoch}, e.g. {@code epoch-0003}. */
  static String name(int epoch) {
    return String.format(Locale.ROOT, PREFIX + "%04d", epoch);
  }

  /**
   * Writes the checkpoint of {@code state.epoch()} atomically, then deletes all but the newest
   * {@code kept} ones.
   *
   * @param average the moving average of the parameters, or null
   */
  void save(Model network, INDArray average, State state) {
    String name = name(state.epoch());
    String temp = "." + name + ".tmp";
    RunDirectory all = dir.child(DIR);
    all.delete(temp);
    RunDirectory out = all.child(temp);
    Map<String, String> sums = new LinkedHashMap<>();
    sums.put(MODEL, writeHashed(out, MODEL,
        stream -> ModelSerializer.writeModel(network, stream, true)));
    if (average != null) {
      sums.put(AVERAGE, writeHashed(out, AVERAGE,
          stream -> Nd4j.write(average, new DataOutputStream(stream))));
    }
    State complete = state.withSha256(sums);
    out.write(STATE, toJson(complete));
    all.rename(temp, name);
    List<String> names = complete();
    for (int i = 0; i < names.size() - kept; i++) {
      all.delete(names.get(i));
    }
    log.info("checkpoint {}", all.resolve(name));
  }

  /** Names of the checkpoint directories, oldest first (temporary ones left out). */
  private List<String> complete() {
    return dir.list(DIR).stream().filter(n -> n.matches(PREFIX + "\\d+")).toList();
  }

  /**
   * The newest checkpoint that reads back whole, with a warning for each newer one that does not;
   * empty when there is none (no checkpoint directory, or only the temporary one of a checkpoint
   * never completed).
   *
   * @throws BadInputException when checkpoints exist but none reads back: naming each one's
   *     directory and why (the field of {@value #STATE}, the file whose checksum fails); nothing
   *     is deleted
   */
  Optional<Restored> latest(ModelReader reader) {
    List<String> names = complete();
    List<String> unreadable = new ArrayList<>();
    for (int i = names.size() - 1; i >= 0; i--) {
      String name = names.get(i);
      try {
        return Optional.of(read(name, reader));
      } catch (RuntimeException | IOException e) {
        String why = e.getMessage() != null ? e.getMessage() : e.toString();
        unreadable.add(dir.resolve(DIR + "/" + name) + ": " + why);
        if (i > 0) {
          log.warn("checkpoint {} is damaged and left out ({}); falling back to {}",
              dir.resolve(DIR + "/" + name), why, names.get(i - 1));
        }
      }
    }
    if (!unreadable.isEmpty()) {
      throw new BadInputException("cannot resume " + dir.path() + ": none of its checkpoints"
          + " can be read (" + String.join("; ", unreadable) + "). Nothing was deleted: resume"
          + " with the version that wrote them, or move " + DIR + "/ out of the run directory to"
          + " train from epoch 1");
    }
    return Optional.empty();
  }

  private Restored read(String name, ModelReader reader) throws IOException {
    State state;
    try {
      state = JSON.readValue(dir.readBytes(DIR + "/" + name + "/" + STATE), State.class);
    } catch (JsonProcessingException e) {
      throw new IOException(unreadable(e));
    }
    if (!name.equals(name(state.epoch()))) {
      throw new IOException(STATE + " says epoch " + state.epoch());
    }
    byte[] model = verified(name, MODEL, state);
    Model network = reader.read(new ByteArrayInputStream(model));
    INDArray average = null;
    if (state.sha256().containsKey(AVERAGE)) {
      average = Nd4j.read(new DataInputStream(
          new ByteArrayInputStream(verified(name, AVERAGE, state))));
      if (average.length() != network.numParams()) {
        throw new IOException(AVERAGE + " holds " + average.length() + " values for a network of "
            + network.numParams() + " parameters");
      }
    }
    return new Restored(state, network, average);
  }

  /**
   * Why {@value #STATE} cannot be read, naming the field where there is one, as a path from the
   * top ({@code epochs[0].testAccuracy}).
   */
  private static String unreadable(JsonProcessingException e) {
    String field = "";
    if (e instanceof JsonMappingException mapping) {
      StringBuilder path = new StringBuilder();
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        if (ref.getFieldName() != null) {
          path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          path.append('[').append(ref.getIndex()).append(']');
        }
      }
      field = path.toString();
    }
    String message = String.valueOf(e.getOriginalMessage());
    if (e instanceof UnrecognizedPropertyException) {
      return STATE + " has the field '" + field + "', which this version does not read";
    }
    if (e instanceof MismatchedInputException && message.startsWith("Missing creator property")) {
      return STATE + " lacks the field '" + field + "', which this version needs";
    }
    if (e instanceof MismatchedInputException && !field.isEmpty()) {
      return STATE + ": the field '" + field + "' cannot be read: " + message;
    }
    return STATE + " is not a whole checkpoint state: " + message;
  }

  /** The content of {@code file}, checked against the state's checksum. */
  private byte[] verified(String name, String file, State state) throws IOException {
    String expected = state.sha256().get(file);
    if (expected == null) {
      throw new IOException(STATE + " has no checksum of " + file);
    }
    byte[] bytes = dir.readBytes(DIR + "/" + name + "/" + file);
    String actual = HexFormat.of().formatHex(sha256().digest(bytes));
    if (!actual.equals(expected)) {
      throw new IOException(file + " does not match its checksum");
    }
    return bytes;
  }

  /** Writes {@code name} into {@code out} atomically and returns the SHA-256 of its bytes. */
  private static String writeHashed(RunDirectory out, String name,
      RunDirectory.StreamWriter writer) {
    MessageDigest digest = sha256();
    out.write(name, stream -> {
      DigestOutputStream hashing = new DigestOutputStream(stream, digest);
      writer.writeTo(new NonClosing(hashing));
      hashing.flush();
    });
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String toJson(State state) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lets a writer close its stream (ModelSerializer does) without closing the file early. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
