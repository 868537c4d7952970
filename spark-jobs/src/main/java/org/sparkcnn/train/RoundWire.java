package org.sparkcnn.train;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The messages of a barrier epoch's connection between a worker task and the driver ({@code
 * train.round-scheduling = "barrier"}, {@link RoundExchange}), in {@link DataOutputStream}'s
 * encoding (big-endian; float arrays as their length and IEEE 754 bits):
 * <ul>
 *   <li>worker to driver, once: hello = {@link #MAGIC}, the epoch's token ({@value
 *       #TOKEN_BYTES} bytes), epoch, worker, stage attempt;
 *   <li>driver to worker: state = 1, round, {@link RoundState}; after the epoch's last round,
 *       end = 2, the number of rounds;
 *   <li>worker to driver, once per round: result = 3, round, then 1 and its {@link RoundResult},
 *       or 0 when it had no minibatch in the round.
 * </ul>
 */
final class RoundWire {
  /** Starts a hello: "SCNR". */
  static final int MAGIC = 0x53434e52;
  /** Length of an epoch's token. */
  static final int TOKEN_BYTES = 16;
  private static final byte STATE = 1;
  private static final byte END = 2;
  private static final byte RESULT = 3;
  /** Floats converted at a time. */
  private static final int CHUNK = 1 << 16;

  private RoundWire() {}

  /** A worker task's first message. */
  record Hello(byte[] token, int epoch, int worker, int attempt) {}

  /** What the driver sends: the state of round {@code round}, or the end when state is null. */
  record Next(int round, RoundState state) {
    boolean end() {
      return state == null;
    }
  }

  /** A worker's result of round {@code round}, null when it had no minibatch in it. */
  record Received(int round, RoundResult result) {}

  static void writeHello(DataOutputStream out, Hello hello) throws IOException {
    out.writeInt(MAGIC);
    out.write(hello.token());
    out.writeInt(hello.epoch());
    out.writeInt(hello.worker());
    out.writeInt(hello.attempt());
    out.flush();
  }

  /**
   * Reads a hello.
   *
   * @throws IOException when the connection does not start with one
   */
  static Hello readHello(DataInputStream in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a spark-cnn round connection");
    }
    byte[] token = new byte[TOKEN_BYTES];
    in.readFully(token);
    return new Hello(token, in.readInt(), in.readInt(), in.readInt());
  }

  /** Round {@code round}'s state message, encoded once for every worker. */
  static byte[] state(int round, RoundState state) throws IOException {
    ExactBytes bytes = new ExactBytes(1 + 4 + state.encodedBytes());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(STATE);
      out.writeInt(round);
      state.write(out);
    }
    return bytes.bytes();
  }

  /** The end message of an epoch of {@code rounds} rounds. */
  static byte[] end(int rounds) {
    return ByteBuffer.allocate(5).put(END).putInt(rounds).array();
  }

  /**
   * Reads a state or the end.
   *
   * @throws IOException when the driver sent something else or the connection broke
   */
  static Next readNext(DataInputStream in) throws IOException {
    byte type = in.readByte();
    int round = in.readInt();
    return switch (type) {
      case STATE -> new Next(round, RoundState.read(in));
      case END -> new Next(round, null);
      default -> throw new IOException("unexpected message " + type + " from the driver");
    };
  }

  /** Writes a worker's result of {@code round} ({@code result} null: no minibatch in it). */
  static void writeResult(DataOutputStream out, int round, RoundResult result)
      throws IOException {
    out.writeByte(RESULT);
    out.writeInt(round);
    out.writeBoolean(result != null);
    if (result != null) {
      result.write(out);
    }
    out.flush();
  }

  /**
   * Reads a result.
   *
   * @throws IOException when the worker sent something else or the connection broke
   */
  static Received readResult(DataInputStream in) throws IOException {
    byte type = in.readByte();
    if (type != RESULT) {
      throw new IOException("unexpected message " + type + " from a worker");
    }
    int round = in.readInt();
    return new Received(round, in.readBoolean() ? RoundResult.read(in) : null);
  }

  /** Bytes {@link #writeFloats} writes for {@code length} floats. */
  static long floatBytes(int length) {
    return 4 + 4L * length;
  }

  static void writeFloats(DataOutputStream out, float[] values) throws IOException {
    out.writeInt(values.length);
    ByteBuffer bytes = ByteBuffer.allocate(4 * Math.min(values.length, CHUNK));
    FloatBuffer floats = bytes.asFloatBuffer();
    for (int i = 0; i < values.length; i += CHUNK) {
      int n = Math.min(CHUNK, values.length - i);
      floats.clear();
      floats.put(values, i, n);
      out.write(bytes.array(), 0, 4 * n);
    }
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    float[] values = new float[length(in.readInt())];
    byte[] chunk = new byte[4 * Math.min(values.length, CHUNK)];
    FloatBuffer floats = ByteBuffer.wrap(chunk).asFloatBuffer();
    for (int i = 0; i < values.length; i += CHUNK) {
      int n = Math.min(CHUNK, values.length - i);
      in.readFully(chunk, 0, 4 * n);
      floats.clear();
      floats.get(values, i, n);
    }
    return values;
  }

  /**
   * {@code length}, a count read from the connection.
   *
   * @throws IOException when it is negative
   */
  static int length(int length) throws IOException {
    if (length < 0) {
      throw new IOException("corrupt round message: length " + length);
    }
    return length;
  }

  /** A byte stream of a known size that hands over its buffer when it is full. */
  private static final class ExactBytes extends ByteArrayOutputStream {
    ExactBytes(long size) {
      super((int) Math.min(size, Integer.MAX_VALUE - 8));
    }

    byte[] bytes() {
      return count == buf.length ? buf : toByteArray();
    }
  }
}
