package io.regulator.runtime.probe;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response to a GET from bytes as they arrive, in whatever pieces the network
 * cuts them: status line, headers, then a body delimited by Content-Length, chunked transfer
 * coding (trailers skipped) or the end of the connection. Interim 1xx answers are skipped.
 *
 * <p>It is written for health checks, not for general use: the header section is capped (a server
 * that sends 64 KiB of headers is broken, not healthy), and so is the body. A kept body stops at
 * the cap and the answer ends there; a discarded body is skipped to its end so the connection can
 * serve the next check, unless more than the cap would have to be skipped: then the answer ends
 * at once and the connection is not reused. {@link #reusable()} says whether the connection may
 * carry another request.
 *
 * <p>Used by one thread at a time. A malformed response is a {@link Malformed} with a short
 * reason for the probe's cause; nothing else is thrown.
 */
final class ResponseParser {

  /** A response that is not HTTP/1.x; the message is the reason, for one line. */
  static final class Malformed extends Exception {
    Malformed(String reason) {
      super(reason, null, false, false);
    }
  }

  private enum State { STATUS_LINE, HEADER_LINE, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER_LINE,
    BODY_TO_CLOSE, DONE }

  private static final int CHUNK_LINE_CAP = 1024;

  private final boolean keepBody;
  private final int bodyCap;
  private final int headCap;

  private State state = State.STATUS_LINE;
  private boolean started;
  /** Bytes of the current line, and of the header (or trailer) section so far. */
  private byte[] line = new byte[256];
  private int lineLength;
  private int headBytes;

  private int status;
  private boolean http10;
  private boolean connectionClose;
  private boolean connectionKeepAlive;
  private boolean chunked;
  private boolean otherCoding;
  private long contentLength = -1;
  /** Bytes left in the fixed-length body or in the current chunk. */
  private long remaining;

  private byte[] body = new byte[0];
  private int bodyLength;
  private long skipped;
  /** The body was cut at the cap: the rest is still on the wire, the connection cannot be reused. */
  private boolean cut;
  /** The body was delimited by the server closing the connection. */
  private boolean untilClose;

  ResponseParser(boolean keepBody, int bodyCap, int headCap) {
    this.keepBody = keepBody;
    this.bodyCap = bodyCap;
    this.headCap = headCap;
  }

  /**
   * Consumes bytes from {@code in} up to the end of the response; bytes after it stay in
   * {@code in}.
   *
   * @return whether the response is complete
   */
  boolean feed(ByteBuffer in) throws Malformed {
    if (in.hasRemaining()) {
      started = true;
    }
    while (in.hasRemaining() && state != State.DONE) {
      switch (state) {
        case STATUS_LINE -> {
          String l = readLine(in, true, "response headers too large");
          if (l != null) {
            statusLine(l);
          }
        }
        case HEADER_LINE -> {
          String l = readLine(in, true, "response headers too large");
          if (l != null) {
            headerLine(l);
          }
        }
        case FIXED_BODY, CHUNK_DATA -> {
          int n = (int) Math.min(in.remaining(), remaining);
          take(in, n);
          remaining -= n;
          if (remaining == 0) {
            state = state == State.FIXED_BODY ? State.DONE : State.CHUNK_END;
          } else {
            cutIfFull();
          }
        }
        case CHUNK_SIZE -> {
          String l = readLine(in, false, "malformed chunk size line");
          if (l != null) {
            chunkSize(l);
          }
        }
        case CHUNK_END -> {
          String l = readLine(in, false, "malformed chunk end");
          if (l != null) {
            if (!l.isEmpty()) {
              throw new Malformed("malformed chunk end");
            }
            state = State.CHUNK_SIZE;
            cutIfFull();
          }
        }
        case TRAILER_LINE -> {
          String l = readLine(in, true, "response trailers too large");
          if (l != null && l.isEmpty()) {
            state = State.DONE;
          }
        }
        case BODY_TO_CLOSE -> {
          take(in, in.remaining());
          cutIfFull();
        }
        case DONE -> { }
      }
    }
    return state == State.DONE;
  }

  /**
   * The server closed the connection.
   *
   * @return true when that ends the body (no length was given); otherwise it is a {@link Malformed}
   */
  boolean endOfStream() throws Malformed {
    if (state == State.BODY_TO_CLOSE) {
      untilClose = true;
      state = State.DONE;
      return true;
    }
    if (state == State.DONE) {
      return true;
    }
    throw new Malformed(started ? "connection closed mid-response" : "connection closed without an answer");
  }

  /** Whether any byte of the response arrived (a reused connection that closes before is retried). */
  boolean started() {
    return started;
  }

  int status() {
    return status;
  }

  /** The kept body (up to the cap), decoded as UTF-8; empty when the body is discarded. */
  String body() {
    return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
  }

  /** The response is complete and the server keeps the connection open for another request. */
  boolean reusable() {
    boolean keepAlive = http10 ? connectionKeepAlive && !connectionClose : !connectionClose;
    return state == State.DONE && !cut && !untilClose && keepAlive && !otherCoding && !(chunked && contentLength >= 0)
        && status != 101;
  }

  private void statusLine(String l) throws Malformed {
    // "HTTP/1.1 200 OK"; the reason phrase may be empty or missing.
    if (l.length() < 12 || !l.startsWith("HTTP/1.") || l.charAt(8) != ' '
        || (l.length() > 12 && l.charAt(12) != ' ')) {
      throw new Malformed("not an HTTP/1.x response: " + Wording.quote(printable(l), 60));
    }
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char c = l.charAt(i);
      if (c < '0' || c > '9') {
        throw new Malformed("bad status in " + Wording.quote(printable(l), 60));
      }
      code = code * 10 + (c - '0');
    }
    if (code < 100) {
      throw new Malformed("bad status in " + Wording.quote(printable(l), 60));
    }
    status = code;
    http10 = l.charAt(7) == '0';
    connectionClose = false;
    connectionKeepAlive = false;
    chunked = false;
    otherCoding = false;
    contentLength = -1;
    state = State.HEADER_LINE;
  }

  private void headerLine(String l) throws Malformed {
    if (l.isEmpty()) {
      endOfHead();
      return;
    }
    if (l.charAt(0) == ' ' || l.charAt(0) == '\t') {
      return; // obsolete line folding: continues a header we do not need
    }
    int colon = l.indexOf(':');
    if (colon <= 0) {
      throw new Malformed("malformed header line " + Wording.quote(printable(l), 60));
    }
    String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    String value = l.substring(colon + 1).trim();
    switch (name) {
      case "content-length" -> contentLength(value);
      case "transfer-encoding" -> {
        String[] codings = value.toLowerCase(Locale.ROOT).split(",");
        boolean last = codings[codings.length - 1].trim().equals("chunked");
        chunked = last;
        otherCoding = !last;
      }
      case "connection" -> {
        for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
          connectionClose |= token.trim().equals("close");
          connectionKeepAlive |= token.trim().equals("keep-alive");
        }
      }
      default -> { }
    }
  }

  private void contentLength(String value) throws Malformed {
    long n = -1;
    for (String part : value.split(",")) {
      long v = digits(part.trim());
      if (v < 0 || (n >= 0 && v != n)) {
        throw new Malformed("bad Content-Length " + Wording.quote(printable(value), 40));
      }
      n = v;
    }
    if (contentLength >= 0 && contentLength != n) {
      throw new Malformed("conflicting Content-Length headers");
    }
    contentLength = n;
  }

  private void endOfHead() {
    headBytes = 0;
    if (status < 200 && status != 101) {
      state = State.STATUS_LINE; // interim answer (100 Continue, 103 Early Hints): the real one follows
    } else if (status == 101 || status == 204 || status == 304) {
      state = State.DONE;
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (otherCoding) {
      state = State.BODY_TO_CLOSE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      state = contentLength == 0 ? State.DONE : State.FIXED_BODY;
      if (!keepBody && contentLength > bodyCap) {
        cut = true; // not worth skipping: answer now, drop the connection
        state = State.DONE;
      }
    } else {
      state = State.BODY_TO_CLOSE;
    }
  }

  private void chunkSize(String l) throws Malformed {
    int end = l.indexOf(';');
    String hex = (end >= 0 ? l.substring(0, end) : l).trim();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new Malformed("malformed chunk size " + Wording.quote(printable(l), 40));
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      int d = Character.digit(hex.charAt(i), 16);
      if (d < 0) {
        throw new Malformed("malformed chunk size " + Wording.quote(printable(l), 40));
      }
      size = size * 16 + d;
    }
    if (size == 0) {
      headBytes = 0;
      state = State.TRAILER_LINE;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  /** Keeps (up to the cap) or skips {@code n} body bytes of {@code in}. */
  private void take(ByteBuffer in, int n) {
    if (keepBody) {
      int keep = Math.min(n, bodyCap - bodyLength);
      if (bodyLength + keep > body.length) {
        body = Arrays.copyOf(body, Math.min(bodyCap, Math.max(Math.max(body.length * 2, 4096), bodyLength + keep)));
      }
      in.get(body, bodyLength, keep);
      bodyLength += keep;
      in.position(in.position() + (n - keep));
    } else {
      skipped += n;
      in.position(in.position() + n);
    }
  }

  /** Ends the answer when the body reached the cap but not its end. */
  private void cutIfFull() {
    if (state == State.DONE) {
      return;
    }
    if (keepBody ? bodyLength >= bodyCap : skipped > bodyCap) {
      cut = true;
      state = State.DONE;
    }
  }

  /**
   * The next line of {@code in} without its line end (CRLF or a bare LF), or null if it has not
   * all arrived. Lines of the head and trailers count against the head's cap, chunk lines have a
   * small cap of their own.
   */
  private String readLine(ByteBuffer in, boolean head, String tooLong) throws Malformed {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (head && ++headBytes > headCap) {
        throw new Malformed(tooLong);
      }
      if (b == '\n') {
        int n = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
      }
      if (!head && lineLength >= CHUNK_LINE_CAP) {
        throw new Malformed(tooLong);
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return null;
  }

  private static long digits(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
