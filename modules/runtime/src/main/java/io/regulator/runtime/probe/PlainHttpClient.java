package io.regulator.runtime.probe;

import io.regulator.runtime.probe.HttpGet.Answer;
import io.regulator.runtime.probe.HttpGet.Failure;
import io.regulator.runtime.probe.HttpGet.FailureKind;
import io.regulator.runtime.probe.HttpGet.Outcome;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * GETs of plain {@code http://} URLs for probes, all on one selector thread: hundreds of probes
 * checking every second cost a few system calls each, not a thread, a timer task or a chain of
 * futures each (the JDK's client spent most of Regulator's CPU at 500 probes on exactly that, and
 * on scanning its keep-alive pool, which is a list).
 *
 * <p>The selector thread owns everything below: the connections, the idle pool and the deadlines.
 * Other threads only post tasks to it. Deadlines sit in a heap ordered by time, and the thread
 * selects until the earliest, so a server that accepts and never answers, or stalls in the body,
 * ends in a timeout on time without any timer. Outcomes are completed on the callback executor:
 * the probe's own code never runs on the selector thread, so a slow JSON check cannot make other
 * probes late.
 *
 * <p>Connections are kept alive: after a complete answer that allows it, the connection goes
 * back to a small LIFO pool for its address (O(1) take and return) and is closed after
 * {@link #IDLE_TIMEOUT_NANOS} unused, or when the server closes it. A request on a reused
 * connection that the server closed meanwhile (end of stream or reset before the first byte of an
 * answer) is sent once more on a fresh connection, as browsers do.
 */
final class PlainHttpClient implements AutoCloseable {

  static final String THREAD_NAME = "regulator-http-probes";
  /** A health answer with 64 KiB of status line and headers is broken, not healthy. */
  static final int HEAD_CAP = 64 * 1024;
  static final long IDLE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** More idle connections than this to one address are closed: probes GET one at a time. */
  static final int IDLE_PER_ADDRESS = 4;
  private static final long SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Executor callbacks;
  private final HostAddresses hosts;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private volatile Selector selector;
  private volatile Thread thread;
  private volatile boolean closed;
  /** The selector thread has ended: posted tasks run on the posting thread (they fail their exchange). */
  private volatile boolean stopped;

  // Owned by the selector thread.
  private final PriorityQueue<Exchange> deadlines = new PriorityQueue<>(Comparator.comparingLong(x -> x.deadline));
  private final Map<InetSocketAddress, ArrayDeque<Connection>> idle = new HashMap<>();
  private int idleCount;
  private long nextSweep;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);

  /**
   * @param callbacks completes the outcomes (the probes' continuations run there)
   * @param resolver looks host names up (may block)
   */
  PlainHttpClient(Executor callbacks, Executor resolver) {
    this.callbacks = callbacks;
    this.hosts = new HostAddresses(resolver);
  }

  /**
   * Whether this client GETs {@code uri}: plain http with a host and no user info. Anything else
   * (https, credentials in the URL, a host name the URI parser does not recognise, a port out of
   * range) goes to the JDK's client, which also explains what is wrong with a bad URL.
   */
  static boolean supports(URI uri) {
    return "http".equalsIgnoreCase(uri.getScheme()) && !uri.isOpaque() && uri.getHost() != null
        && uri.getRawUserInfo() == null && uri.getPort() <= 65535 && uri.getPort() != 0;
  }

  /** GETs {@code uri} (which it {@link #supports}); completes by {@code start + timeout}. */
  CompletableFuture<Outcome> get(URI uri, Duration timeout, boolean readBody, long start) {
    Exchange x = new Exchange(request(uri), readBody, timeout, start);
    CompletableFuture<Outcome> outcome = x.outcome;
    if (!start()) {
      finish(x, new Failure(FailureKind.ERROR, "the probe HTTP client is closed", HttpGet.since(start)));
      return outcome;
    }
    String host = uri.getHost();
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    InetAddress known = hosts.known(host);
    if (known != null) {
      x.address = new InetSocketAddress(known, port);
      post(() -> begin(x));
    } else {
      post(() -> begin(x)); // the deadline runs while the name is looked up
      hosts.resolve(host, (address, error) -> post(() -> resolved(x, address, port)));
    }
    return outcome;
  }

  /** Stops the selector thread, closing every connection; GETs under way fail at once. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    if (t != null) {
      selector.wakeup();
      try {
        t.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The request, built on the caller's thread. */
  static ByteBuffer request(URI uri) {
    URI ascii = uri;
    if (!StandardCharsets.US_ASCII.newEncoder().canEncode(uri.getRawPath() + "?" + uri.getRawQuery())) {
      ascii = URI.create(uri.toASCIIString()); // non-ASCII characters are percent-encoded on the wire
    }
    String path = ascii.getRawPath() == null || ascii.getRawPath().isEmpty() ? "/" : ascii.getRawPath();
    String target = ascii.getRawQuery() == null ? path : path + "?" + ascii.getRawQuery();
    String head = "GET " + target + " HTTP/1.1\r\nHost: " + ascii.getRawAuthority()
        + "\r\nUser-Agent: regulator-probe\r\nAccept: */*\r\nConnection: keep-alive\r\n\r\n";
    return ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Starts the selector thread on the first GET; false once closed. */
  private synchronized boolean start() {
    if (closed) {
      return false;
    }
    if (thread == null) {
      try {
        selector = Selector.open();
      } catch (IOException e) {
        return false;
      }
      Thread t = new Thread(this::run, THREAD_NAME);
      t.setDaemon(true);
      t.start();
      thread = t;
    }
    return true;
  }

  private void post(Runnable task) {
    tasks.add(task);
    if (stopped) {
      runTasks();
    } else if (wakeupPending.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  private void runTasks() {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
  }

  // --- the selector thread ---

  private void run() {
    try {
      while (!closed) {
        long wait = waitMillis(System.nanoTime());
        if (wait < 0) {
          selector.select(this::onSelected);
        } else {
          selector.select(this::onSelected, wait);
        }
        wakeupPending.set(false);
        runTasks();
        long now = System.nanoTime();
        expire(now);
        sweep(now);
      }
    } catch (IOException | RuntimeException e) {
      closed = true; // a broken selector: fail what is under way and later GETs rather than hang them
    } finally {
      stop();
    }
  }

  /** Milliseconds until the earliest deadline or idle sweep, at least 1; -1 when there is none. */
  private long waitMillis(long now) {
    while (!deadlines.isEmpty() && deadlines.peek().done) {
      deadlines.poll();
    }
    long next = deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.peek().deadline;
    if (idleCount > 0) {
      next = Math.min(next, nextSweep);
    }
    if (next == Long.MAX_VALUE) {
      return -1;
    }
    return Math.max(1, (next - now + 999_999) / 1_000_000);
  }

  private void begin(Exchange x) {
    if (closed) {
      finish(x, stopping(x));
      return;
    }
    deadlines.add(x);
    if (x.address != null) {
      connect(x);
    }
  }

  private void resolved(Exchange x, InetAddress address, int port) {
    if (x.done) {
      return; // timed out while the name was looked up
    }
    if (address == null) {
      finish(x, new Failure(FailureKind.ERROR, "unknown host", HttpGet.since(x.start)));
      return;
    }
    x.address = new InetSocketAddress(address, port);
    connect(x);
  }

  private void connect(Exchange x) {
    ArrayDeque<Connection> pool = idle.get(x.address);
    Connection c = pool == null ? null : pool.pollFirst();
    if (c == null) {
      open(x);
      return;
    }
    idleCount--;
    c.reused = true;
    attach(c, x);
    write(c);
  }

  private void open(Exchange x) {
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Connection c = new Connection(channel, x.address);
      attach(c, x);
      if (channel.connect(x.address)) {
        c.key = channel.register(selector, SelectionKey.OP_WRITE, c);
        write(c);
      } else {
        c.key = channel.register(selector, SelectionKey.OP_CONNECT, c);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      x.conn = null;
      finish(x, connectFailure(e, x));
    }
  }

  private void attach(Connection c, Exchange x) {
    c.exchange = x;
    x.conn = c;
    x.parser = new ResponseParser(x.readBody, HttpGet.BODY_CAP, HEAD_CAP);
    x.request.rewind();
  }

  private void onSelected(SelectionKey key) {
    Connection c = (Connection) key.attachment();
    Exchange x = c.exchange;
    try {
      if (!key.isValid()) {
        return;
      }
      if (x == null) {
        dropIdle(c); // the server closed an idle connection (or sent what nobody asked for)
      } else if (key.isConnectable()) {
        finishConnect(c);
      } else if (key.isWritable()) {
        write(c);
      } else if (key.isReadable()) {
        read(c);
      }
    } catch (RuntimeException e) {
      close(c);
      if (x != null) {
        finish(x, new Failure(FailureKind.ERROR, HttpGet.describe(e), HttpGet.since(x.start)));
      }
    }
  }

  private void finishConnect(Connection c) {
    Exchange x = c.exchange;
    try {
      if (!c.channel.finishConnect()) {
        return;
      }
    } catch (IOException e) {
      close(c);
      finish(x, connectFailure(e, x));
      return;
    }
    write(c);
  }

  private void write(Connection c) {
    Exchange x = c.exchange;
    try {
      c.channel.write(x.request);
    } catch (IOException e) {
      broken(c, e);
      return;
    }
    c.key.interestOps(x.request.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void read(Connection c) {
    Exchange x = c.exchange;
    while (true) {
      readBuffer.clear();
      int n;
      try {
        n = c.channel.read(readBuffer);
      } catch (IOException e) {
        broken(c, e);
        return;
      }
      if (n == 0) {
        return;
      }
      try {
        if (n < 0) {
          if (!x.parser.started() && c.reused && !x.retried) {
            retry(c, x);
          } else {
            x.parser.endOfStream();
            answered(c, x, false);
          }
          return;
        }
        readBuffer.flip();
        if (x.parser.feed(readBuffer)) {
          answered(c, x, !readBuffer.hasRemaining());
          return;
        }
      } catch (ResponseParser.Malformed e) {
        close(c);
        finish(x, new Failure(FailureKind.ERROR, e.getMessage(), HttpGet.since(x.start)));
        return;
      }
    }
  }

  /** A read or write failed: retried once if the server dropped a kept-alive connection, else an error. */
  private void broken(Connection c, IOException e) {
    Exchange x = c.exchange;
    if (!x.parser.started() && c.reused && !x.retried) {
      retry(c, x);
      return;
    }
    close(c);
    finish(x, new Failure(FailureKind.ERROR, HttpGet.describe(e), HttpGet.since(x.start)));
  }

  private void retry(Connection stale, Exchange x) {
    close(stale);
    x.retried = true;
    open(x);
  }

  /** The answer is complete; the connection goes back to the pool if nothing is left over on it. */
  private void answered(Connection c, Exchange x, boolean clean) {
    Answer answer = new Answer(x.parser.status(), x.parser.body(), HttpGet.since(x.start));
    if (clean && x.parser.reusable()) {
      release(c);
    } else {
      close(c);
    }
    finish(x, answer);
  }

  private void release(Connection c) {
    c.exchange = null;
    c.idleSince = System.nanoTime();
    ArrayDeque<Connection> pool = idle.computeIfAbsent(c.address, a -> new ArrayDeque<>(2));
    if (pool.size() >= IDLE_PER_ADDRESS) {
      close(c);
      return;
    }
    pool.addFirst(c);
    idleCount++;
    c.key.interestOps(SelectionKey.OP_READ); // to see the server close it
  }

  private void dropIdle(Connection c) {
    ArrayDeque<Connection> pool = idle.get(c.address);
    if (pool != null && pool.remove(c)) {
      idleCount--;
    }
    close(c);
  }

  /** Fails the exchanges whose deadline has passed. */
  private void expire(long now) {
    for (Exchange x; (x = deadlines.peek()) != null && (x.done || x.deadline - now <= 0); ) {
      deadlines.poll();
      if (!x.done) {
        if (x.conn != null) {
          close(x.conn);
        }
        finish(x, new Failure(FailureKind.TIMEOUT, "no answer within " + Wording.duration(x.timeout),
            HttpGet.since(x.start)));
      }
    }
  }

  /** Closes connections idle for longer than {@link #IDLE_TIMEOUT_NANOS}; the oldest are at the tail. */
  private void sweep(long now) {
    if (now - nextSweep < 0) {
      return;
    }
    nextSweep = now + SWEEP_NANOS;
    for (Iterator<ArrayDeque<Connection>> it = idle.values().iterator(); it.hasNext(); ) {
      ArrayDeque<Connection> pool = it.next();
      while (!pool.isEmpty() && now - pool.peekLast().idleSince > IDLE_TIMEOUT_NANOS) {
        close(pool.pollLast());
        idleCount--;
      }
      if (pool.isEmpty()) {
        it.remove();
      }
    }
  }

  private void finish(Exchange x, Outcome outcome) {
    if (x.done) {
      return;
    }
    x.done = true;
    x.conn = null;
    x.parser = null;
    // A finished exchange stays in the deadline heap until its deadline: keep nothing big on it.
    CompletableFuture<Outcome> future = x.outcome;
    x.outcome = null;
    x.request = null;
    try {
      callbacks.execute(() -> future.complete(outcome));
    } catch (RejectedExecutionException e) {
      future.complete(outcome);
    }
  }

  /** The thread ends: close everything and fail what is under way. */
  private void stop() {
    closed = true;
    for (SelectionKey key : new ArrayList<>(selector.keys())) {
      close((Connection) key.attachment());
    }
    idle.clear();
    idleCount = 0;
    for (Exchange x : deadlines) {
      finish(x, stopping(x));
    }
    deadlines.clear();
    closeQuietly(selector);
    stopped = true;
    runTasks();
  }

  private static Failure stopping(Exchange x) {
    return new Failure(FailureKind.ERROR, "not run: Regulator is stopping", HttpGet.since(x.start));
  }

  private static Failure connectFailure(Exception e, Exchange x) {
    String message = e.getMessage();
    if (e instanceof ConnectException && (message == null || message.toLowerCase().contains("refused"))) {
      return new Failure(FailureKind.REFUSED, "connection refused", HttpGet.since(x.start));
    }
    return new Failure(FailureKind.ERROR, HttpGet.describe(e), HttpGet.since(x.start));
  }

  private static void close(Connection c) {
    if (c.key != null) {
      c.key.cancel();
    }
    c.exchange = null;
    closeQuietly(c.channel);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception e) {
        // nothing to do: it is going away either way
      }
    }
  }

  /** One GET, from its posting to its outcome. Fields after the constructor belong to the selector thread. */
  private static final class Exchange {
    final boolean readBody;
    final Duration timeout;
    final long start;
    final long deadline;
    ByteBuffer request;
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    InetSocketAddress address;
    Connection conn;
    ResponseParser parser;
    boolean retried;
    boolean done;

    Exchange(ByteBuffer request, boolean readBody, Duration timeout, long start) {
      this.request = request;
      this.readBody = readBody;
      this.timeout = timeout;
      this.start = start;
      this.deadline = start + timeout.toNanos();
    }
  }

  /** A connection to one address, serving one exchange at a time or idle in the pool. */
  private static final class Connection {
    final SocketChannel channel;
    final InetSocketAddress address;
    SelectionKey key;
    Exchange exchange;
    boolean reused;
    long idleSince;

    Connection(SocketChannel channel, InetSocketAddress address) {
      this.channel = channel;
      this.address = address;
    }
  }
}
