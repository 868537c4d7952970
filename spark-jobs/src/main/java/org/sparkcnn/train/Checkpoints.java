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
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 */
final class Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
  static final String DIR = RunLayout.CHECKPOINTS;
  static final String MODEL = RunLayout.CHECKPOINT_MODEL;
  static final String AVERAGE = RunLayout.CHECKPOINT_AVERAGE;
  static final String STATE = RunLayout.CHECKPOINT_STATE;
  private static final String PREFIX = RunLayout.CHECKPOINT_PREFIX;
  private static final ObjectMapper JSON = new ObjectMapper();

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
   * empty when there is none.
   */
  Optional<Restored> latest(ModelReader reader) {
    List<String> names = complete();
    for (int i = names.size() - 1; i >= 0; i--) {
      String name = names.get(i);
      try {
        return Optional.of(read(name, reader));
      } catch (RuntimeException | IOException e) {
        log.warn("checkpoint {} is damaged and left out ({}); {}", dir.resolve(DIR + "/" + name),
            e.getMessage(), i > 0 ? "falling back to " + names.get(i - 1)
                : "no older checkpoint: training starts from epoch 1");
      }
    }
    return Optional.empty();
  }

  private Restored read(String name, ModelReader reader) throws IOException {
    State state;
    try {
      state = JSON.readValue(dir.readBytes(DIR + "/" + name + "/" + STATE), State.class);
    } catch (JsonProcessingException e) {
      throw new IOException(STATE + " is not a whole checkpoint state: " + e.getOriginalMessage());
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
