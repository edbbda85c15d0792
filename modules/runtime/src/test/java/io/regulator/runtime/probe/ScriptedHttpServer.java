package io.regulator.runtime.probe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A loopback server on one or many ports that answers each request with raw bytes chosen by a
 * script, then keeps the connection, closes it, resets it or stalls: for the answers a real HTTP
 * server would not give (garbage, oversized headers, a body that stops halfway). One selector
 * thread, so hundreds of ports cost nothing.
 */
final class ScriptedHttpServer implements AutoCloseable {

  /** What happens to the connection after the reply's bytes are sent. */
  enum After { KEEP, CLOSE, RESET, STALL }

  record Reply(byte[] bytes, After after) {
    static Reply of(String raw, After after) {
      return new Reply(raw.getBytes(StandardCharsets.ISO_8859_1), after);
    }

    static Reply ok(String body) {
      return of("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, After.KEEP);
    }
  }

  /**
   * @param port index of the port it came in on
   * @param connection which accepted connection it is, from 1, over all ports
   * @param onConnection which request on that connection, from 1
   */
  record Request(int port, String line, int connection, int onConnection) {}

  private final Selector selector = Selector.open();
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final Function<Request, Reply> script;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread thread;
  private volatile boolean closed;

  ScriptedHttpServer(Function<Request, Reply> script) throws IOException {
    this(1, script);
  }

  ScriptedHttpServer(int ports, Function<Request, Reply> script) throws IOException {
    this.script = script;
    for (int i = 0; i < ports; i++) {
      ServerSocketChannel server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress("127.0.0.1", 0), 100);
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT, i);
      listeners.add(server);
    }
    thread = new Thread(this::run, "scripted-http");
    thread.setDaemon(true);
    thread.start();
  }

  int port(int index) {
    return listeners.get(index).socket().getLocalPort();
  }

  String url(String path) {
    return url(0, path);
  }

  String url(int index, String path) {
    return "http://127.0.0.1:" + port(index) + path;
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** Requests read so far. */
  int requests() {
    return requests.get();
  }

  private static final class Conn {
    final int port;
    final int number;
    final StringBuilder in = new StringBuilder();
    ByteBuffer out;
    After after;
    int served;
    boolean stalled;

    Conn(int port, int number) {
      this.port = port;
      this.number = number;
    }
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
    while (!closed) {
      try {
        selector.select(key -> {
          try {
            if (key.isAcceptable()) {
              SocketChannel c = ((ServerSocketChannel) key.channel()).accept();
              if (c != null) {
                c.configureBlocking(false);
                c.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.register(selector, SelectionKey.OP_READ, new Conn((Integer) key.attachment(),
                    connections.incrementAndGet()));
              }
            } else if (key.isWritable()) {
              flush(key);
            } else if (key.isReadable()) {
              read(key, buffer);
            }
          } catch (IOException e) {
            key.cancel();
            closeQuietly(key);
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  private void read(SelectionKey key, ByteBuffer buffer) throws IOException {
    Conn conn = (Conn) key.attachment();
    SocketChannel channel = (SocketChannel) key.channel();
    buffer.clear();
    int n = channel.read(buffer);
    if (n < 0) {
      closeQuietly(key);
      return;
    }
    if (conn.stalled) {
      return;
    }
    conn.in.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
    int end = conn.in.indexOf("\r\n\r\n");
    if (end < 0 || conn.out != null) {
      return;
    }
    String line = conn.in.substring(0, conn.in.indexOf("\r\n"));
    conn.in.delete(0, end + 4);
    requests.incrementAndGet();
    Reply reply = script.apply(new Request(conn.port, line, conn.number, ++conn.served));
    conn.out = ByteBuffer.wrap(reply.bytes());
    conn.after = reply.after();
    flush(key);
  }

  private void flush(SelectionKey key) throws IOException {
    Conn conn = (Conn) key.attachment();
    SocketChannel channel = (SocketChannel) key.channel();
    channel.write(conn.out);
    if (conn.out.hasRemaining()) {
      key.interestOps(SelectionKey.OP_WRITE);
      return;
    }
    conn.out = null;
    key.interestOps(SelectionKey.OP_READ);
    switch (conn.after) {
      case KEEP -> { }
      case CLOSE -> closeQuietly(key);
      case RESET -> {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        closeQuietly(key);
      }
      case STALL -> conn.stalled = true;
    }
  }

  private static void closeQuietly(SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      // going away anyway
    }
  }

  @Override
  public void close() throws Exception {
    closed = true;
    selector.wakeup();
    thread.join(2000);
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
