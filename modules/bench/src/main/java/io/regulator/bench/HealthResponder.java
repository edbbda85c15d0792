package io.regulator.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Many tiny health endpoints in one thread: one listening port per component, each answering
 * every request with {@code 200 ok} (keep-alive), and recording when each request arrived, per
 * port, with {@link System#nanoTime()}. One selector thread serves them all, so the harness adds
 * little load of its own; the time recorded is when that thread saw the complete request, which
 * is never earlier than when the probe sent it.
 */
final class HealthResponder implements AutoCloseable {

  private static final byte[] ANSWER = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
      .getBytes(StandardCharsets.US_ASCII);

  private final Selector selector;
  private final int[] ports;
  private final long[][] arrivals;
  private final int[] counts;
  private volatile boolean recording;
  private volatile boolean closed;
  private final Thread thread;

  /** Per connection: the port index it belongs to and the bytes of a request not yet complete. */
  private static final class Connection {
    final int index;
    final ByteBuffer in = ByteBuffer.allocate(4096);

    Connection(int index) {
      this.index = index;
    }
  }

  HealthResponder(int endpoints) throws IOException {
    selector = Selector.open();
    ports = new int[endpoints];
    arrivals = new long[endpoints][];
    counts = new int[endpoints];
    for (int i = 0; i < endpoints; i++) {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress("127.0.0.1", 0), 128);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT, i);
      ports[i] = ((InetSocketAddress) server.getLocalAddress()).getPort();
      arrivals[i] = new long[128];
    }
    thread = new Thread(this::serve, "health-responder");
    thread.setDaemon(true);
    thread.start();
  }

  int port(int index) {
    return ports[index];
  }

  /** Forgets what was recorded so far and records from now on. */
  synchronized void startRecording() {
    Arrays.fill(counts, 0);
    recording = true;
  }

  synchronized void stopRecording() {
    recording = false;
  }

  /** The arrival times recorded for endpoint {@code index}, in order. */
  synchronized long[] arrivals(int index) {
    return Arrays.copyOf(arrivals[index], counts[index]);
  }

  private synchronized void record(int index, long nanos) {
    if (!recording) {
      return;
    }
    if (counts[index] == arrivals[index].length) {
      arrivals[index] = Arrays.copyOf(arrivals[index], arrivals[index].length * 2);
    }
    arrivals[index][counts[index]++] = nanos;
  }

  private void serve() {
    try {
      while (!closed) {
        selector.select(500);
        for (SelectionKey key : selector.selectedKeys()) {
          try {
            if (key.isAcceptable()) {
              SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
              if (c != null) {
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, new Connection((Integer) key.attachment()));
              }
            } else if (key.isReadable()) {
              read(key);
            }
          } catch (IOException e) {
            key.channel().close();
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        System.err.println("health responder stopped: " + e);
      }
    }
  }

  private void read(SelectionKey key) throws IOException {
    SocketChannel c = (SocketChannel) key.channel();
    Connection conn = (Connection) key.attachment();
    int n = c.read(conn.in);
    if (n < 0) {
      c.close();
      return;
    }
    long now = System.nanoTime();
    // Answer each complete request (ends with an empty line; probes send no body).
    while (true) {
      int end = headerEnd(conn.in);
      if (end < 0) {
        if (!conn.in.hasRemaining()) {
          c.close(); // a request larger than the buffer: not a probe
        }
        return;
      }
      record(conn.index, now);
      ByteBuffer out = ByteBuffer.wrap(ANSWER);
      while (out.hasRemaining()) {
        c.write(out); // tiny, the socket buffer takes it
      }
      conn.in.flip();
      conn.in.position(end);
      conn.in.compact();
    }
  }

  /** The index just past "\r\n\r\n" in the buffer's written part, or -1. */
  private static int headerEnd(ByteBuffer in) {
    for (int i = 3; i < in.position(); i++) {
      if (in.get(i - 3) == '\r' && in.get(i - 2) == '\n' && in.get(i - 1) == '\r' && in.get(i) == '\n') {
        return i + 1;
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
