package io.regulator.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Calls to a running Regulator's HTTP API, as a client program makes them (JDK HTTP client). */
final class HttpCalls {

  private static final ObjectMapper JSON = new ObjectMapper();

  final String base;
  private final HttpClient client;
  private final Optional<String> token;

  HttpCalls(String base, Optional<String> token) {
    this(base, token, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }

  HttpCalls(String base, Optional<String> token, HttpClient client) {
    this.base = base;
    this.token = token;
    this.client = client;
  }

  HttpCalls withToken(String other) {
    return new HttpCalls(base, Optional.ofNullable(other), client);
  }

  record Reply(int status, String contentType, String body, HttpResponse<String> raw) {

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
      }
    }
  }

  Reply get(String path) {
    return send(request(path).GET());
  }

  Reply post(String path, String body) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Reply delete(String path) {
    return send(request(path).DELETE());
  }

  HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpClient client() {
    return client;
  }

  /** A port nobody listens on right now. */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String readToken(Path dataDir) {
    try {
      return Files.readString(dataDir.resolve("http-token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
