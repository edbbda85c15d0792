package io.regulator.app;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real local HTTP server standing in for Slack's incoming webhook: it answers 200 to every POST
 * on {@code /hook} and records what it received, and when.
 */
final class RecordingWebhook implements AutoCloseable {

  /** One message as it arrived. */
  record Message(Instant at, String body) {}

  private final HttpServer server;
  private final List<Message> messages = new CopyOnWriteArrayList<>();

  RecordingWebhook() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      messages.add(new Message(Instant.now(), body));
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Every message so far, oldest first. */
  List<Message> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
