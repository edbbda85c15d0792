package io.regulator.runtime.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.runtime.probe.HttpGet.Answer;
import io.regulator.runtime.probe.HttpGet.Failure;
import io.regulator.runtime.probe.HttpGet.FailureKind;
import io.regulator.runtime.probe.HttpGet.Outcome;
import io.regulator.runtime.probe.ScriptedHttpServer.After;
import io.regulator.runtime.probe.ScriptedHttpServer.Reply;
import io.regulator.runtime.probe.ScriptedHttpServer.Request;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The probes' GET against real loopback servers that answer well, badly, or not at all. */
final class PlainHttpClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final ExecutorService io = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-io");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger jdkClients = new AtomicInteger();
  private final HttpGet http = new HttpGet(new PlainHttpClient(io, io), () -> {
    jdkClients.incrementAndGet();
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }, timer);
  private final List<AutoCloseable> servers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    http.close();
    for (AutoCloseable s : servers) {
      s.close();
    }
    io.shutdownNow();
    timer.shutdownNow();
  }

  private ScriptedHttpServer server(Function<Request, Reply> script) throws Exception {
    return server(1, script);
  }

  private ScriptedHttpServer server(int ports, Function<Request, Reply> script) throws Exception {
    ScriptedHttpServer s = new ScriptedHttpServer(ports, script);
    servers.add(s);
    return s;
  }

  private Outcome get(String url, boolean readBody) throws Exception {
    return get(url, TIMEOUT, readBody);
  }

  private Outcome get(String url, Duration timeout, boolean readBody) throws Exception {
    return http.get(URI.create(url), timeout, readBody).get(30, TimeUnit.SECONDS);
  }

  private static Answer answer(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Answer.class);
    return (Answer) outcome;
  }

  private static Failure failure(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Failure.class);
    return (Failure) outcome;
  }

  @Test
  void statusesAndBodiesByContentLength() throws Exception {
    ScriptedHttpServer s = server(r -> {
      String path = r.line().split(" ")[1];
      return switch (path) {
        case "/204" -> Reply.of("HTTP/1.1 204 No Content\r\n\r\n", After.KEEP);
        case "/301" -> Reply.of("HTTP/1.1 301 Moved Permanently\r\nLocation: /elsewhere\r\nContent-Length: 5\r\n\r\nmoved",
            After.KEEP);
        case "/404" -> Reply.of("HTTP/1.1 404 Not Found\r\ncontent-length: 9\r\n\r\nnot found", After.KEEP);
        case "/500" -> Reply.of("HTTP/1.1 500 Internal Server Error\r\nCONTENT-LENGTH: 7\r\nX-Unknown: y\r\n\r\nfailed!",
            After.KEEP);
        // "é" as UTF-8 bytes (the script's text is sent as ISO-8859-1, one byte per char)
        default -> Reply.of("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nall good \u00c3\u00a9",
            After.KEEP);
      };
    });

    Answer ok = answer(get(s.url("/health"), true));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("all good \u00e9");
    assertThat(ok.latency()).isPositive().isLessThan(TIMEOUT);
    assertThat(answer(get(s.url("/204"), true)).status()).isEqualTo(204);
    Answer moved = answer(get(s.url("/301"), true));
    assertThat(moved.status()).isEqualTo(301);
    assertThat(moved.body()).isEqualTo("moved");
    assertThat(answer(get(s.url("/404"), true)).body()).isEqualTo("not found");
    Answer failed = answer(get(s.url("/500"), false));
    assertThat(failed.status()).isEqualTo(500);
    assertThat(failed.body()).isEmpty();
    assertThat(s.connections()).as("all on one kept-alive connection").isEqualTo(1);
  }

  @Test
  void theRequestIsAPlainGetWithTheHostAndPath() throws Exception {
    List<String> lines = new ArrayList<>();
    ScriptedHttpServer s = server(r -> {
      lines.add(r.line());
      return Reply.ok("ok");
    });

    answer(get(s.url("/health?deep=1&x=%20y"), false));
    answer(get("http://127.0.0.1:" + s.port(0), false));

    assertThat(lines).containsExactly("GET /health?deep=1&x=%20y HTTP/1.1", "GET / HTTP/1.1");
  }

  @Test
  void chunkedBodiesWithExtensionsAndTrailers() throws Exception {
    ScriptedHttpServer s = server(r -> Reply.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: 1\r\n\r\n", After.KEEP));

    assertThat(answer(get(s.url("/"), true)).body()).isEqualTo("hello, world");
    assertThat(answer(get(s.url("/"), false)).status()).isEqualTo(200);
    assertThat(s.connections()).isEqualTo(1);
  }

  @Test
  void aBodyWithoutLengthEndsWhenTheServerCloses() throws Exception {
    ScriptedHttpServer s = server(r -> Reply.of("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
        After.CLOSE));

    assertThat(answer(get(s.url("/"), true)).body()).isEqualTo("until the end");
    assertThat(answer(get(s.url("/"), false)).status()).isEqualTo(200);
    assertThat(s.connections()).isEqualTo(2);
  }

  @Test
  void aServerThatSaysCloseGetsAFreshConnectionEachTime() throws Exception {
    ScriptedHttpServer s = server(r -> Reply.of("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok",
        After.KEEP));

    for (int i = 0; i < 3; i++) {
      assertThat(answer(get(s.url("/"), true)).body()).isEqualTo("ok");
    }
    assertThat(s.connections()).isEqualTo(3);
  }

  @Test
  void theBodyIsCappedAndAnOversizedDiscardedBodyIsNotWaitedFor() throws Exception {
    String big = "a".repeat(1024 * 1024);
    ScriptedHttpServer s = server(r -> Reply.of("HTTP/1.1 200 OK\r\nContent-Length: " + big.length() + "\r\n\r\n" + big,
        After.KEEP));

    Answer kept = answer(get(s.url("/"), true));
    assertThat(kept.body()).hasSize(HttpGet.BODY_CAP);
    assertThat(answer(get(s.url("/"), false)).status()).isEqualTo(200);
    assertThat(s.connections()).as("a connection with body left on it is not reused").isEqualTo(2);
  }

  @Test
  void fiftySequentialGetsShareOneConnection() throws Exception {
    ScriptedHttpServer s = server(r -> Reply.ok("ok " + r.onConnection()));

    for (int i = 1; i <= 50; i++) {
      assertThat(answer(get(s.url("/health"), true)).body()).isEqualTo("ok " + i);
    }
    assertThat(s.connections()).isEqualTo(1);
    assertThat(s.requests()).isEqualTo(50);
  }

  @Test
  void anIdleConnectionTheServerClosedIsNotUsedAgain() throws Exception {
    // Answers as if keeping the connection, then closes it.
    ScriptedHttpServer s = server(r -> Reply.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", After.CLOSE));

    for (int i = 0; i < 3; i++) {
      assertThat(answer(get(s.url("/"), true)).body()).isEqualTo("ok");
      Thread.sleep(50);
    }
    assertThat(s.connections()).isEqualTo(3);
  }

  @Test
  void aRequestOnAKeptConnectionTheServerDroppedIsSentAgainOnce() throws Exception {
    // Every second request on a connection is dropped unanswered: closed, or reset.
    for (After drop : new After[] {After.CLOSE, After.RESET}) {
      ScriptedHttpServer s = server(r -> r.onConnection() == 2 ? new Reply(new byte[0], drop) : Reply.ok("ok"));

      assertThat(answer(get(s.url("/"), true)).body()).as(drop.name()).isEqualTo("ok");
      assertThat(answer(get(s.url("/"), true)).body()).as(drop.name()).isEqualTo("ok");
      assertThat(s.connections()).as(drop.name()).isEqualTo(2);
      assertThat(s.requests()).as(drop.name()).isEqualTo(3);
    }
  }

  @Test
  void aFreshConnectionThatClosesUnansweredIsAnErrorNotARetry() throws Exception {
    ScriptedHttpServer s = server(r -> new Reply(new byte[0], After.CLOSE));

    Failure f = failure(get(s.url("/"), true));

    assertThat(f.kind()).isEqualTo(FailureKind.ERROR);
    assertThat(f.message()).isEqualTo("connection closed without an answer");
    assertThat(s.requests()).isEqualTo(1);
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port = TestHttpServer.closedPort();

    Failure f = failure(get("http://127.0.0.1:" + port + "/health", true));

    assertThat(f.kind()).isEqualTo(FailureKind.REFUSED);
    assertThat(f.message()).isEqualTo("connection refused");
    assertThat(f.latency()).isLessThan(TIMEOUT);
  }

  @Test
  void anUnknownHostIsAnError() throws Exception {
    Failure f = failure(get("http://no-such-host.invalid/health", true));

    assertThat(f.kind()).isIn(FailureKind.ERROR, FailureKind.TIMEOUT); // a resolver may be slow to say no
    if (f.kind() == FailureKind.ERROR) {
      assertThat(f.message()).isEqualTo("unknown host");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutOnTime() throws Exception {
    ScriptedHttpServer s = server(r -> new Reply(new byte[0], After.STALL));
    Duration timeout = Duration.ofMillis(300);

    long start = System.nanoTime();
    Failure f = failure(get(s.url("/hang"), timeout, true));
    Duration took = HttpGet.since(start);

    assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(f.message()).isEqualTo("no answer within 300 ms");
    assertThat(took).isBetween(timeout.minusMillis(5), timeout.plusMillis(200));
  }

  @Test
  void aBodyThatStallsTimesOutOnTime() throws Exception {
    ScriptedHttpServer s = server(r -> Reply.of("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nthe first", After.STALL));
    Duration timeout = Duration.ofMillis(300);

    for (boolean readBody : new boolean[] {true, false}) {
      long start = System.nanoTime();
      Failure f = failure(get(s.url("/"), timeout, readBody));
      Duration took = HttpGet.since(start);

      assertThat(f.kind()).isEqualTo(FailureKind.TIMEOUT);
      assertThat(took).isBetween(timeout.minusMillis(5), timeout.plusMillis(200));
    }
  }

  @Test
  void somethingThatIsNotHttpIsAnError() throws Exception {
    ScriptedHttpServer s = server(r -> Reply.of("SSH-2.0-OpenSSH_9.6\r\n", After.KEEP));

    Failure f = failure(get(s.url("/"), true));

    assertThat(f.kind()).isEqualTo(FailureKind.ERROR);
    assertThat(f.message()).isEqualTo("not an HTTP/1.x response: 'SSH-2.0-OpenSSH_9.6'");
  }

  @Test
  void oversizedHeadersAreAnError() throws Exception {
    StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; head.length() < 70 * 1024; i++) {
      head.append("X-Filler-").append(i).append(": ").append("x".repeat(100)).append("\r\n");
    }
    ScriptedHttpServer s = server(r -> Reply.of(head + "Content-Length: 2\r\n\r\nok", After.KEEP));

    Failure f = failure(get(s.url("/"), true));

    assertThat(f.kind()).isEqualTo(FailureKind.ERROR);
    assertThat(f.message()).isEqualTo("response headers too large");
  }

  @Test
  void fiveHundredConcurrentGetsToFiveHundredPortsOnOneThread() throws Exception {
    Set<Thread> before = selectorThreads();
    int n = 500;
    ScriptedHttpServer s = server(n, r -> Reply.ok("port " + r.port()));

    for (int round = 0; round < 2; round++) {
      List<CompletableFuture<Outcome>> gets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        gets.add(http.get(URI.create(s.url(i, "/health")), Duration.ofSeconds(20), true));
      }
      for (int i = 0; i < n; i++) {
        assertThat(answer(gets.get(i).get(30, TimeUnit.SECONDS)).body()).isEqualTo("port " + i);
      }
    }

    assertThat(s.connections()).as("the second round reuses the first round's connections").isEqualTo(n);
    Set<Thread> started = selectorThreads();
    started.removeAll(before);
    assertThat(started).hasSize(1);
  }

  @Test
  void httpsGoesToTheJdkClient() throws Exception {
    assertThat(HttpGet.plain(URI.create("http://127.0.0.1:8080/health"))).isTrue();
    assertThat(HttpGet.plain(URI.create("HTTP://localhost/"))).isTrue();
    assertThat(HttpGet.plain(URI.create("https://127.0.0.1:8443/health"))).isFalse();
    assertThat(HttpGet.plain(URI.create("http://user:secret@127.0.0.1/health"))).isFalse();
    // A plain HTTP server cannot complete a TLS handshake: the JDK client says so in its own words.
    ScriptedHttpServer s = server(r -> Reply.ok("plain"));
    assertThat(jdkClients).hasValue(0);

    Failure f = failure(get("https://127.0.0.1:" + s.port(0) + "/", Duration.ofMillis(500), true));

    assertThat(jdkClients).hasValue(1);
    assertThat(f.kind()).isIn(FailureKind.ERROR, FailureKind.TIMEOUT); // the server waits for a request head
    assertThat(s.requests()).isZero();
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(PlainHttpClient.THREAD_NAME))
        .collect(Collectors.toSet());
  }
}
