package io.regulator.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Bytes on a plain socket, for what the JDK HTTP client refuses to send (bad request lines, bad
 * headers, bad framing, garbage). Each exchange is one connection: the request is written on its
 * own thread (the server may answer and close before the whole body is sent), the answer is read
 * until the server closes the connection or {@code timeout} passes.
 */
final class RawHttp {

  /**
   * What came back: a parsed response, or nothing.
   *
   * @param status 0 when no status line came back
   * @param closed the server closed the connection (with or without a response)
   */
  record Answer(int status, String head, String body, boolean closed) {

    Optional<String> header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return Optional.of(line.substring(colon + 1).trim());
        }
      }
      return Optional.empty();
    }

    String contentType() {
      return header("Content-Type").orElse("");
    }
  }

  private RawHttp() {}

  static Answer exchange(int port, String request, Duration timeout) {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeout);
  }

  static Answer exchange(int port, byte[] request, Duration timeout) {
    return exchange(null, port, request, timeout);
  }

  /** Over TLS when {@code tls} is given. */
  static Answer exchange(SSLContext tls, int port, String request, Duration timeout) {
    return exchange(tls, port, request.getBytes(StandardCharsets.ISO_8859_1), timeout);
  }

  static Answer exchange(SSLContext tls, int port, byte[] request, Duration timeout) {
    try (Socket socket = tls == null ? new Socket() : tls.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) timeout.toMillis());
      if (socket instanceof SSLSocket ssl) {
        ssl.startHandshake();
      }
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          out.write(request);
          out.flush();
        } catch (IOException answeredOrClosedEarly) {
          // the server may refuse before reading it all (413 on a declared length): the answer says so
        }
      }, "raw-http-writer");
      writer.setDaemon(true);
      writer.start();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      boolean closed = read(socket.getInputStream(), got);
      return parse(got.toString(StandardCharsets.ISO_8859_1), closed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads until the end of the stream (true) or the timeout (false); a reset counts as closed. */
  static boolean read(InputStream in, ByteArrayOutputStream into) throws IOException {
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        into.write(buffer, 0, n);
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }

  static Answer parse(String text, boolean closed) {
    if (!text.startsWith("HTTP/")) {
      return new Answer(0, "", text, closed);
    }
    int end = text.indexOf("\r\n\r\n");
    String head = end < 0 ? text : text.substring(0, end);
    String body = end < 0 ? "" : text.substring(end + 4);
    String[] statusLine = head.split("\r\n", 2)[0].split(" ");
    int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
    // the body is UTF-8 (the status line and headers are ASCII)
    body = new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    return new Answer(status, head, body, closed);
  }

  /** A GET with {@code Connection: close}, so the answer ends with the connection. */
  static String get(String target, String... headers) {
    return request("GET", target, "", headers);
  }

  static String request(String method, String target, String body, String... headers) {
    StringBuilder r = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    if (!body.isEmpty() && java.util.Arrays.stream(headers).noneMatch(h -> h.toLowerCase(Locale.ROOT)
        .startsWith("content-length") || h.toLowerCase(Locale.ROOT).startsWith("transfer-encoding"))) {
      r.append("Content-Length: ").append(body.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n");
    }
    return r.append("Connection: close\r\n\r\n").append(body).toString();
  }
}
