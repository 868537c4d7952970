package org.sparkcnn.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * A headless Chromium driven through the DevTools protocol (JSON over a WebSocket, with the JDK's
 * HTTP client): one page, commands sent one at a time, events kept in the order they came.
 *
 * <p>Usage: {@code try (var browser = HeadlessChromium.start(binary, profile)) {
 * browser.send("Page.enable", null); ... }}.
 */
final class HeadlessChromium implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final long COMMAND_TIMEOUT_SECONDS = 60;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final WebSocket socket;
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final List<JsonNode> events = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();

  private HeadlessChromium(Process process, URI page) {
    this.process = process;
    this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(page, new Collector()).join();
  }

  /** The Chromium to test with: {@code $CHROMIUM}, or {@code chromium} on the PATH. */
  static Optional<Path> find() {
    String named = System.getenv("CHROMIUM");
    if (named != null && !named.isEmpty()) {
      return Optional.of(Path.of(named)).filter(Files::isExecutable);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts {@code binary} headless with a fresh profile in {@code profile} on {@code about:blank}
   * and connects to that page.
   */
  static HeadlessChromium start(Path binary, Path profile) throws IOException,
      InterruptedException {
    Path log = profile.resolve("chromium.log");
    Files.createDirectories(profile);
    Process process = new ProcessBuilder(binary.toString(), "--headless", "--disable-gpu",
        "--no-sandbox", "--no-first-run", "--remote-debugging-port=0",
        "--user-data-dir=" + profile.resolve("profile"), "--window-size=1300,900",
        "about:blank").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        URI browser = URI.create(m.group(1));
        return new HeadlessChromium(process, pageOf(browser));
      }
      if (!process.isAlive()) {
        throw new IOException("chromium exited with " + process.exitValue() + ":\n"
            + Files.readString(log));
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new IOException("chromium did not open its DevTools port in " + START_TIMEOUT
        + ":\n" + Files.readString(log));
  }

  /** The WebSocket address of the first page target of the browser at {@code browser}. */
  private static URI pageOf(URI browser) throws IOException, InterruptedException {
    URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
    String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(list).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (JsonNode target : JSON.readTree(body)) {
      if ("page".equals(target.path("type").asText())) {
        return URI.create(target.path("webSocketDebuggerUrl").asText());
      }
    }
    throw new IOException("chromium has no page target: " + body);
  }

  /**
   * Sends command {@code method} with {@code params} (none when null) and waits for its result.
   *
   * @throws IOException when the browser answers with an error or not in time
   */
  JsonNode send(String method, ObjectNode params) throws IOException, InterruptedException {
    int id = ids.incrementAndGet();
    ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
    if (params != null) {
      command.set("params", params);
    }
    socket.sendText(JSON.writeValueAsString(command), true).join();
    JsonNode answer = next(m -> m.path("id").asInt(-1) == id);
    if (answer.has("error")) {
      throw new IOException(method + " failed: " + answer.get("error"));
    }
    return answer.path("result");
  }

  /** Waits for the event {@code method}, keeping every message before it. */
  JsonNode await(String method) throws IOException, InterruptedException {
    for (JsonNode event : events) {
      if (method.equals(event.path("method").asText())) {
        return event;
      }
    }
    return next(m -> method.equals(m.path("method").asText()));
  }

  /** The events received so far, in order. */
  List<JsonNode> events() {
    return List.copyOf(events);
  }

  static ObjectNode params() {
    return JSON.createObjectNode();
  }

  private JsonNode next(Predicate<JsonNode> wanted) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_SECONDS);
    while (true) {
      JsonNode message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new IOException("no answer from chromium in " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      if (message.has("method")) {
        events.add(message);
      }
      if (wanted.test(message)) {
        return message;
      }
    }
  }

  /**
   * Closes the browser ({@code Browser.close}), then ends what is left of the processes it
   * started: Debian's {@code chromium} is a script that runs the browser as its child.
   */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> started = new ArrayList<>(process.descendants().toList());
    started.add(process.toHandle());
    try {
      socket.sendText(JSON.createObjectNode().put("id", ids.incrementAndGet())
          .put("method", "Browser.close").toString(), true).get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // the browser is gone already or does not answer: the processes are ended below
    }
    socket.abort();
    for (ProcessHandle p : started) {
      p.destroy();
    }
    for (ProcessHandle p : started) {
      try {
        p.onExit().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        p.destroyForcibly();
      }
    }
  }

  /** Joins the frames of each message and queues the parsed message. */
  private final class Collector implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          messages.add(JSON.readTree(text.toString()));
        } catch (IOException e) {
          messages.add(JSON.createObjectNode().put("method", "unparsable").put("text",
              e.getMessage()));
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
