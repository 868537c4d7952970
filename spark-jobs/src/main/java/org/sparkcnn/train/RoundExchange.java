package org.sparkcnn.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's end of a barrier epoch ({@code train.round-scheduling = "barrier"}): a server
 * socket the epoch's worker tasks connect to, which sends each of them every round's state and
 * receives their results ({@link RoundWire}).
 *
 * <p>A task is accepted when its hello carries the epoch's random token (sent to the tasks with
 * their function, so only this training's tasks have it) and a worker number below the
 * workers'. A task of a newer stage attempt (Spark reruns every task of a barrier stage when one
 * fails) replaces the connections of older attempts; a newly connected task gets the newest
 * state at once, so a rerun resumes at the round the driver is at. A worker's first result of a
 * round counts; later ones (of a rerun task) are read and dropped, which keeps the sum the same:
 * a round's result depends only on its state and the worker's data.
 */
final class RoundExchange implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(RoundExchange.class);
  private static final int BUFFER = 1 << 16;
  private static final int HELLO_TIMEOUT_MS = 60_000;
  private static final long POLL_MS = 100;

  private final ServerSocket server;
  private final byte[] token = new byte[RoundWire.TOKEN_BYTES];
  private final int epoch;
  private final int workers;
  private final Thread acceptor;
  private final List<Connection> connections = new ArrayList<>();
  // guarded by this
  private final Connection[] newest;
  private int attempt = -1;
  private byte[] latest;
  private int round = -1;
  private final boolean[] received;
  private final RoundResult[] results;
  private boolean closed;

  /**
   * Listens on {@code bindAddress}, an ephemeral port.
   *
   * @throws IOException when the socket cannot be bound
   */
  RoundExchange(String bindAddress, int epoch, int workers) throws IOException {
    this.epoch = epoch;
    this.workers = workers;
    this.newest = new Connection[workers];
    this.received = new boolean[workers];
    this.results = new RoundResult[workers];
    new SecureRandom().nextBytes(token);
    server = new ServerSocket(0, Math.max(50, workers), InetAddress.getByName(bindAddress));
    acceptor = new Thread(this::accept, "spark-cnn-rounds-accept-" + epoch);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port the tasks connect to. */
  int port() {
    return server.getLocalPort();
  }

  /** The token the tasks send in their hello. */
  byte[] token() {
    return token.clone();
  }

  /**
   * Sends round {@code round}'s message ({@link RoundWire#state} or {@link RoundWire#end}) to
   * every connected task and to every task that connects later, and starts collecting that
   * round's results.
   */
  synchronized void publish(int newRound, byte[] message) {
    round = newRound;
    latest = message;
    Arrays.fill(received, false);
    Arrays.fill(results, null);
    for (Connection c : newest) {
      if (c != null) {
        c.send(message);
      }
    }
  }

  /**
   * Waits for every worker's result of the published round and returns their sum, added in
   * worker order as they arrive, or null when none had a minibatch.
   *
   * @param job the epoch's Spark job: its failure ends the wait with the job's exception
   * @throws IllegalStateException when the job ends before every result came
   */
  RoundResult sum(Future<?> job) throws InterruptedException {
    RoundResult sum = null;
    for (int w = 0; w < workers; w++) {
      RoundResult result;
      synchronized (this) {
        while (!received[w]) {
          if (job.isDone()) {
            failWith(job);
          }
          wait(POLL_MS);
        }
        result = results[w];
        results[w] = null;
      }
      sum = RoundResult.add(sum, result);
    }
    return sum;
  }

  /** Throws the ended {@code job}'s error, or an error saying it ended too soon. */
  private void failWith(Future<?> job) throws InterruptedException {
    try {
      job.get();
    } catch (ExecutionException e) {
      throw Sneaky.<RuntimeException>rethrow(e.getCause());
    }
    throw new IllegalStateException("the Spark job of epoch " + epoch + " ended before round "
        + (round + 1) + "'s results came");
  }

  private void accept() {
    while (true) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread reader = new Thread(() -> serve(socket), "spark-cnn-rounds-" + epoch + "-"
          + socket.getRemoteSocketAddress());
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** A connection's reading thread: the hello, then the task's results. */
  private void serve(Socket socket) {
    Connection c = null;
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(HELLO_TIMEOUT_MS);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(),
          BUFFER));
      RoundWire.Hello hello = RoundWire.readHello(in);
      if (!MessageDigest.isEqual(token, hello.token()) || hello.epoch() != epoch
          || hello.worker() < 0 || hello.worker() >= workers) {
        log.warn("refused a round connection from {}: not a worker of epoch {}",
            socket.getRemoteSocketAddress(), epoch);
        socket.close();
        return;
      }
      socket.setSoTimeout(0);
      c = new Connection(socket, hello.worker(), hello.attempt());
      if (!register(c)) {
        return;
      }
      while (true) {
        RoundWire.Received r = RoundWire.readResult(in);
        deliver(c, r);
      }
    } catch (IOException e) {
      log.debug("round connection {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
    } finally {
      if (c != null) {
        c.close();
      } else {
        closeQuietly(socket);
      }
    }
  }

  /** Registers {@code c} unless a newer attempt's task connected; sends it the newest state. */
  private synchronized boolean register(Connection c) {
    if (closed || c.attempt < attempt) {
      c.close();
      return false;
    }
    if (c.attempt > attempt) {
      if (attempt >= 0) {
        log.warn("epoch {}: stage attempt {} replaces attempt {}, resuming at round {}", epoch,
            c.attempt, attempt, round + 1);
      }
      attempt = c.attempt;
      for (int w = 0; w < workers; w++) {
        if (newest[w] != null) {
          newest[w].close();
          newest[w] = null;
        }
      }
    }
    if (newest[c.worker] != null) {
      newest[c.worker].close();
    }
    newest[c.worker] = c;
    connections.add(c);
    if (latest != null) {
      c.send(latest);
    }
    return true;
  }

  private synchronized void deliver(Connection c, RoundWire.Received r) {
    if (r.round() == round && !received[c.worker]) {
      received[c.worker] = true;
      results[c.worker] = r.result();
      notifyAll();
    }
  }

  /** Closes the server and every connection (the tasks still running fail). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      for (Connection c : connections) {
        c.close();
      }
      notifyAll();
    }
    closeQuietly(server);
    acceptor.interrupt();
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", c, e.toString());
    }
  }

  /** One task's connection; messages to it are written by a thread of its own. */
  private static final class Connection {
    private final Socket socket;
    private final int worker;
    private final int attempt;
    private final DataOutputStream out;
    private final ExecutorService writer;

    Connection(Socket socket, int worker, int attempt) throws IOException {
      this.socket = socket;
      this.worker = worker;
      this.attempt = attempt;
      this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(),
          BUFFER));
      this.writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "spark-cnn-rounds-write-" + worker);
        t.setDaemon(true);
        return t;
      });
    }

    void send(byte[] message) {
      try {
        writer.execute(() -> {
          try {
            out.write(message);
            out.flush();
          } catch (IOException e) {
            log.debug("writing to worker {} failed: {}", worker, e.toString());
            close();
          }
        });
      } catch (RejectedExecutionException e) {
        log.debug("worker {}'s connection is closed", worker);
      }
    }

    void close() {
      writer.shutdown();
      closeQuietly(socket);
    }

    @Override
    public String toString() {
      return "worker " + worker + " (attempt " + attempt + ")";
    }
  }

  /** Rethrows a checked exception unchanged (as Spark's own job calls throw them). */
  static final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T rethrow(Throwable t) throws T {
      throw (T) t;
    }
  }
}
