package io.regulator.alerting.delivery;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real webhook endpoint on 127.0.0.1 and a free port (the JDK's HTTP server): answers from a
 * script (500 three times, then 429 with Retry-After, ...; when the script is used up, the
 * standing answer), and records every request with the time it arrived and what it answered.
 */
final class RecordingWebhook implements AutoCloseable {

  static {
    // Without it the JDK server's small writes meet delayed ACKs: 40 ms per request on loopback.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  /** One request as it arrived: when, the notification id (Idempotency-Key), the body, and the answer given. */
  record Request(Instant at, long nanos, String method, String path, String id, String contentType, String body,
      int status) {

    boolean accepted() {
      return status >= 200 && status < 300;
    }
  }

  record Answer(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "recording-webhook");
    t.setDaemon(true);
    return t;
  });
  private final Deque<Answer> script = new ArrayDeque<>();
  private Answer otherwise = new Answer(200, Map.of(), "ok");
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  RecordingWebhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** The next {@code times} requests get {@code status}. */
  synchronized RecordingWebhook then(int status, int times) {
    for (int i = 0; i < times; i++) {
      script.add(new Answer(status, Map.of(), status >= 400 ? "error " + status : "ok"));
    }
    return this;
  }

  synchronized RecordingWebhook then(Answer answer) {
    script.add(answer);
    return this;
  }

  /** What every request gets once the script is used up. */
  synchronized RecordingWebhook otherwise(int status, String body) {
    otherwise = new Answer(status, Map.of(), body);
    return this;
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The notification ids of the requests answered 2xx, in arrival order. */
  List<String> acceptedIds() {
    return requests.stream().filter(Request::accepted).map(Request::id).toList();
  }

  List<String> requestedIds() {
    return requests.stream().map(Request::id).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    long nanos = System.nanoTime();
    Instant at = Instant.now();
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Answer answer;
    synchronized (this) {
      answer = script.isEmpty() ? otherwise : script.poll();
    }
    requests.add(new Request(at, nanos, exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
        exchange.getRequestHeaders().getFirst("Idempotency-Key"),
        exchange.getRequestHeaders().getFirst("Content-Type"), body, answer.status()));
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain");
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
