package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A corpus of hostile requests against a real {@code bin/regulator run}: malformed JSON, wrong
 * types, deep nesting, oversized and badly framed bodies, path tricks, wrong methods, broken
 * authorization, bad query parameters, header floods, protocol garbage and slow clients. Each gets
 * the right 4xx as {@code application/problem+json} with a clear detail and nothing of Regulator's
 * insides (or, for bytes that are not HTTP, a closed connection). Afterwards the server still
 * answers, the components run with the pids they had, and the journal holds every event.
 *
 * <p>The server's idle timeout is shortened through {@code REGULATOR_OPTS} (-D settings reach
 * Pekko's config), so a stalled client is cut off within the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRequestsIT {

  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> COMPONENTS = List.of("web", "worker", "beat");

  private Path tmp;
  private int port;
  private RegulatorProcess regulator;
  private HttpCalls anonymous;
  private HttpCalls admin;
  private Map<String, Long> pids;
  private int corpusSize;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("hostile-it");
    port = HttpCalls.freePort();
    String mark = "hostile-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String c = RegulatorProcess.COMPONENT;
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%1$s/data"
          log-dir = "%1$s/logs"
          http { port = %2$d, sse-keep-alive = 1s }
          defaults { ready-after = 300ms }
          components {
            web    { command = ["%3$s", "%4$s-web"] }
            worker { command = ["%3$s", "%4$s-worker"], depends-on = [web] }
            beat   { command = ["%3$s", "%4$s-beat"] }
          }
        }
        """.formatted(tmp, port, c, mark));
    regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"),
        Map.of("REGULATOR_OPTS", "-Dpekko.http.server.idle-timeout=" + IDLE_TIMEOUT.toSeconds() + "s"));
    anonymous = new HttpCalls("http://127.0.0.1:" + port, Optional.empty());
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> anonymous.get("/ready").status() == 200);
    admin = anonymous.withToken(HttpCalls.readToken(tmp.resolve("data")));
    for (String name : COMPONENTS) {
      regulator.awaitState(name, "READY", Duration.ofSeconds(30));
    }
    pids = pids();
  }

  @AfterAll
  void stop() throws Exception {
    if (regulator != null) {
      regulator.process.destroy();
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      regulator.close();
    }
  }

  /** One hostile request and what it must get. {@code status} 0: the connection may just be closed. */
  private record Hostile(String name, Supplier<RawHttp.Answer> send, int status, String detail) {}

  private Hostile hostile(String name, int status, String detail, Supplier<RawHttp.Answer> send) {
    return new Hostile(name, send, status, detail);
  }

  private Supplier<RawHttp.Answer> raw(String request) {
    return () -> RawHttp.exchange(port, request, Duration.ofSeconds(10));
  }

  private Supplier<RawHttp.Answer> raw(byte[] request) {
    return () -> RawHttp.exchange(port, request, Duration.ofSeconds(10));
  }

  private static Supplier<RawHttp.Answer> client(Supplier<HttpCalls.Reply> call) {
    return () -> {
      HttpCalls.Reply r = call.get();
      return new RawHttp.Answer(r.status(), "Content-Type: " + r.contentType(), r.body(), false);
    };
  }

  private String bearer() {
    return "Authorization: Bearer " + HttpCalls.readToken(tmp.resolve("data"));
  }

  List<Hostile> corpus() {
    String auth = bearer();
    String deepArray = "[".repeat(5000) + "]".repeat(5000);
    String deepObject = "{\"a\":".repeat(3000) + "1" + "}".repeat(3000);
    String manyMetrics = IntStream.range(0, 40).mapToObj(i -> "\"m" + i + "\": " + i)
        .collect(Collectors.joining(", ", "{\"metrics\": {", "}}"));
    String chunkedHuge = ("4000\r\n" + "a".repeat(0x4000) + "\r\n").repeat(10) + "0\r\n\r\n";
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);
    byte[] tlsHello = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03, 0x5a, 0x5a, 0x5a};
    String manyHeaders = IntStream.range(0, 200).mapToObj(i -> "X-Flood-" + i + ": v").collect(Collectors.joining("\r\n"));
    return List.of(
        // ---- bodies that are not the JSON asked for
        hostile("malformed JSON", 400, "the body is not valid JSON",
            client(() -> admin.post("/api/v1/silences", "{\"component\": \"web\", "))),
        hostile("a JSON array for an object", 400, "the body must be a JSON object, not array",
            client(() -> admin.post("/api/v1/silences", "[1,2,3]"))),
        hostile("JSON null", 400, "the body must be a JSON object, not null",
            client(() -> admin.post("/api/v1/silences", "null"))),
        hostile("a number for a name", 400, "'component' must be a string, not number",
            client(() -> admin.post("/api/v1/silences", "{\"component\": 42, \"duration\": \"1h\", \"reason\": \"x\"}"))),
        hostile("a list for a duration", 400, "'duration' must be a string, not array",
            client(() -> admin.post("/api/v1/silences", "{\"component\": \"web\", \"duration\": [\"1h\"], \"reason\": \"x\"}"))),
        hostile("a word for a metric", 400, "metric 'processed' must be a number, not string",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": {\"processed\": \"many\"}}"))),
        hostile("a list for the metrics", 400, "'metrics' must be an object",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": [1, 2]}"))),
        hostile("a number too large for a double", 400, "metric 'x' must be a finite number",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": {\"x\": 1e999}}"))),
        hostile("too many metrics", 400, "at most 32 metrics per heartbeat, not 40",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", manyMetrics))),
        hostile("arrays nested 5000 deep", 400, "nesting depth",
            client(() -> admin.post("/api/v1/silences", deepArray))),
        hostile("objects nested 3000 deep", 400, "nesting depth",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", deepObject))),
        hostile("NaN", 400, "Non-standard token 'NaN'",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": {\"x\": NaN}}"))),
        hostile("XML", 400, "the body is not valid JSON",
            client(() -> admin.send(admin.request("/api/v1/silences").header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString("<silence component=\"web\"/>"))))),
        hostile("a silence of a million days", 400, "a silence may end at most 90 days from now",
            client(() -> admin.post("/api/v1/silences",
                "{\"component\": \"web\", \"duration\": \"999999d\", \"reason\": \"forever\"}"))),
        hostile("a silence ending in the year 999999999", 400, "a silence may end at most 90 days from now",
            client(() -> admin.post("/api/v1/silences",
                "{\"component\": \"*\", \"endsAt\": \"+999999999-12-31T23:59:59Z\", \"reason\": \"forever\"}"))),
        hostile("a silence starting in 2999", 400, "a silence may end at most 90 days from now",
            client(() -> admin.post("/api/v1/silences",
                "{\"component\": \"web\", \"startsAt\": \"2999-01-01T00:00:00Z\", \"duration\": \"1h\", \"reason\": \"x\"}"))),
        hostile("HOCON injected into a duration", 400, "is not a duration",
            client(() -> admin.post("/api/v1/silences",
                "{\"component\": \"web\", \"duration\": \"1h\\\" , x = \\\"${HOME}\", \"reason\": \"x\"}"))),
        hostile("a silence without a reason", 400, "a silence needs a reason",
            client(() -> admin.post("/api/v1/silences", "{\"component\": \"web\", \"duration\": \"1h\"}"))),
        hostile("a silence of an unknown component", 404, "unknown component 'wbe'",
            client(() -> admin.post("/api/v1/silences", "{\"component\": \"wbe\", \"duration\": \"1h\", \"reason\": \"x\"}"))),

        // ---- bodies too large or badly framed
        hostile("a 200 KB body", 413, "larger than the limit of 65536 bytes",
            client(() -> admin.post("/api/v1/components/beat/heartbeat", "{\"pad\": \"" + "a".repeat(200_000) + "\"}"))),
        hostile("a declared 10 MB body", 413, "larger than the limit of 65536 bytes",
            raw(RawHttp.request("POST", "/api/v1/silences", "{\"pad\": \"" + "a".repeat(100_000),
                auth, "Content-Type: application/json", "Content-Length: 10000000"))),
        hostile("a chunked body of 160 KB without a length", 413, "larger than the limit of 65536 bytes",
            raw(RawHttp.request("POST", "/api/v1/silences", chunkedHuge, auth, "Content-Type: application/json",
                "Transfer-Encoding: chunked"))),
        hostile("a broken chunk size", 400, "the request body could not be read",
            raw(RawHttp.request("POST", "/api/v1/silences", "ZZZ\r\nabc\r\n0\r\n\r\n", auth,
                "Transfer-Encoding: chunked"))),
        hostile("Expect: 100-continue with a 1 GB length", 413, "larger than the limit of 65536 bytes",
            raw(RawHttp.request("POST", "/api/v1/silences", "", auth, "Content-Type: application/json",
                "Content-Length: 999999999", "Expect: 100-continue"))),
        hostile("both Content-Length and chunked", 400, "must not contain a Content-Length header",
            raw(RawHttp.request("POST", "/api/v1/silences", "0\r\n\r\n", auth, "Content-Length: 5",
                "Transfer-Encoding: chunked"))),
        hostile("two Content-Lengths", 400, "more than one Content-Length header",
            raw(RawHttp.request("POST", "/api/v1/silences", "{}", auth, "Content-Length: 2", "Content-Length: 3"))),
        hostile("a negative Content-Length", 400, "Illegal `Content-Length` header value",
            raw(RawHttp.request("POST", "/api/v1/silences", "", auth, "Content-Length: -1"))),

        // ---- paths
        hostile("../ out of the API", 404, "there is nothing at /etc/passwd",
            raw(RawHttp.get("/api/v1/../../../etc/passwd"))),
        hostile("%2e%2e out of a component", 404, "there is nothing at",
            raw(RawHttp.get("/api/v1/components/%2e%2e/%2e%2e/%2e%2e/etc/passwd"))),
        hostile("an encoded slash in a name", 404, "unknown component '../status'",
            raw(RawHttp.get("/api/v1/components/..%2fstatus"))),
        hostile("a NUL in a name", 404, "unknown component",
            raw(RawHttp.get("/api/v1/components/web%00"))),
        hostile("a double slash", 404, "there is nothing at //api/v1/status",
            raw(RawHttp.get("//api/v1/status"))),
        hostile("a 5000-character path", 414, "URI length exceeds the configured limit",
            raw(RawHttp.get("/api/v1/components/" + "x".repeat(5000)))),
        hostile("an emoji for a name", 404, "unknown component '\uD83D\uDCA5'",
            raw(RawHttp.get("/api/v1/components/%F0%9F%92%A5"))),
        hostile("a backslash path", 400, "Illegal request-target",
            raw(RawHttp.get("/assets/..\\..\\reference.conf"))),
        hostile("../ out of the assets", 404, "there is nothing at",
            raw(RawHttp.get("/assets/../../../etc/passwd"))),
        hostile("%2e%2e%2f out of the assets", 404, "there is nothing at",
            raw(RawHttp.get("/assets/%2e%2e%2f%2e%2e%2freference.conf"))),

        // ---- methods
        hostile("PUT on a read", 405, "supported methods: GET",
            client(() -> admin.send(admin.request("/api/v1/status").PUT(HttpRequest.BodyPublishers.noBody())))),
        hostile("PATCH on a component", 405, "supported methods",
            client(() -> admin.send(admin.request("/api/v1/components/web")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{}"))))),
        hostile("TRACE", 405, "supported methods: GET", raw(RawHttp.request("TRACE", "/health", ""))),
        hostile("POST on /health", 405, "supported methods: GET", raw(RawHttp.request("POST", "/health", "{}"))),
        hostile("an invented method", 501, "Unsupported HTTP method", raw(RawHttp.request("FROB", "/health", ""))),
        hostile("CONNECT", 400, "CONNECT requests are not supported",
            raw("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n")),

        // ---- authorization
        hostile("no Authorization on a restart", 401, "needs 'Authorization: Bearer <token>' with the admin token",
            client(() -> anonymous.post("/api/v1/components/web/restart", ""))),
        hostile("Basic instead of Bearer", 401, "the bearer token was refused",
            raw(RawHttp.request("POST", "/api/v1/components/web/restart", "", "Authorization: Basic YWRtaW46YWRtaW4="))),
        hostile("an empty Authorization", 401, "needs 'Authorization: Bearer <token>'",
            raw(RawHttp.request("POST", "/api/v1/components/web/restart", "", "Authorization:"))),
        hostile("Bearer without a token", 401, "the bearer token was refused",
            raw(RawHttp.request("POST", "/api/v1/components/web/stop", "", "Authorization: Bearer"))),
        hostile("a 6000-character token", 401, "the bearer token was refused",
            raw(RawHttp.request("POST", "/api/v1/reload", "", "Authorization: Bearer " + "a".repeat(6000)))),
        hostile("a 20000-character token", 431, "header value exceeds the configured limit",
            raw(RawHttp.request("POST", "/api/v1/reload", "", "Authorization: Bearer " + "a".repeat(20000)))),
        hostile("a token with bytes that are not ASCII", 401, "the bearer token was refused",
            raw(RawHttp.request("POST", "/api/v1/reload", "", "Authorization: Bearer r\u00c3\u00a9ad"))),
        hostile("a wrong token on a read", 401, "the bearer token was refused",
            client(() -> anonymous.withToken("not-the-token").get("/api/v1/status"))),
        hostile("a read addressed to another name (DNS rebinding)", 403, "addressed to 'evil.example'",
            raw("GET /api/v1/status HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")),

        // ---- query parameters
        hostile("a word for a number", 400, "limit must be a whole number, not 'ten'",
            client(() -> anonymous.get("/api/v1/events?limit=ten"))),
        hostile("a number past long", 400, "limit must be a whole number",
            client(() -> anonymous.get("/api/v1/events?limit=99999999999999999999"))),
        hostile("a negative limit", 400, "limit must be between 1 and 10000, not -1",
            client(() -> anonymous.get("/api/v1/events?limit=-1"))),
        hostile("a time that is not one", 400, "since",
            client(() -> anonymous.get("/api/v1/events?since=sometime"))),
        hostile("a window that ends before it starts", 400, "must be later than since",
            client(() -> anonymous.get("/api/v1/events?since=1h&until=2h"))),
        hostile("an unknown kind", 400, "kind",
            client(() -> anonymous.get("/api/v1/events?kind=nonsense"))),
        hostile("a broken percent-encoding", 400, "Illegal request-target",
            raw(RawHttp.get("/api/v1/events?since=%zz"))),
        hostile("an unknown component filter", 404, "unknown component 'nope'",
            client(() -> anonymous.get("/api/v1/events?component=nope"))),
        hostile("a 3000-digit limit", 414, "URI length exceeds the configured limit",
            raw(RawHttp.get("/api/v1/events?limit=" + "9".repeat(3000)))),
        hostile("a stream of an unknown component", 404, "unknown component 'nope'",
            raw(RawHttp.get("/api/v1/events/stream?component=nope"))),

        // ---- headers
        hostile("200 headers", 431, "more than the configured limit of 64 headers",
            raw(RawHttp.get("/health", manyHeaders))),
        hostile("a 20000-character header", 431, "header value exceeds the configured limit",
            raw(RawHttp.get("/health", "X-Padding: " + "a".repeat(20000)))),
        hostile("a 200-character header name", 431, "header name exceeds the configured limit",
            raw(RawHttp.get("/health", "X" + "y".repeat(199) + ": v"))),
        hostile("a NUL in a header", 400, "Illegal character", raw(RawHttp.get("/health", "X-A: a\u0000b"))),
        hostile("a header without a colon", 400, "Illegal character", raw(RawHttp.get("/health", "NoColonHere"))),
        hostile("two Host headers", 400, "more than one Host header",
            raw("GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n")),
        hostile("an absolute URI for another host", 400, "doesn't match request target authority",
            raw("GET http://evil.example/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")),

        // ---- not quite HTTP
        hostile("HTTP/1.0 without Host", 400, "missing a `Host` header", raw("GET /api/v1/status HTTP/1.0\r\n\r\n")),
        hostile("an HTTP/0.9 request line", 505, "does not support the HTTP protocol version",
            raw("GET /health\r\n\r\n")),
        hostile("an HTTP/2 preface", 501, "Unsupported HTTP method", raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")),
        hostile("a TLS hello on the plain port", 0, "", raw(tlsHello)),
        hostile("4 KB of random bytes", 0, "", raw(garbage)));
  }

  @Test
  @Order(1)
  void everyHostileRequestGetsAClearProblemAndNothingOfTheInsides() {
    List<Hostile> corpus = corpus();
    corpusSize = corpus.size();
    assertThat(corpusSize).isGreaterThanOrEqualTo(30);
    SoftAssertions soft = new SoftAssertions();
    for (Hostile h : corpus) {
      RawHttp.Answer a = h.send().get();
      String what = h.name() + " -> " + a.status() + " " + a.body();
      if (h.status() == 0) {
        // not HTTP: a problem, or the connection closed, and nothing else
        soft.assertThat(a.closed() || a.status() >= 400).as(what).isTrue();
        if (a.status() != 0) {
          soft.assertThat(a.status()).as(what).isBetween(400, 599);
          soft.assertThat(a.contentType()).as(what).startsWith("application/problem+json");
        }
        soft.assertThat(a.body()).as(what).doesNotContain("Exception", "\tat ", "pekko.", "scala.", "java.");
        continue;
      }
      soft.assertThat(a.status()).as(what).isEqualTo(h.status());
      soft.assertThat(a.contentType()).as(what).startsWith("application/problem+json");
      soft.assertThat(a.body()).as(what).doesNotContain("Exception", "\tat ", "pekko.", "scala.", "java.", "io.regulator");
      JsonNode problem = parse(a.body());
      soft.assertThat(problem.path("status").asInt()).as(what).isEqualTo(h.status());
      soft.assertThat(problem.path("title").asText()).as(what).isNotBlank();
      soft.assertThat(problem.path("detail").asText()).as(what).contains(h.detail());
    }
    soft.assertAll();
  }

  @Test
  @Order(2)
  void headAnswersLikeGetWithoutABody() {
    RawHttp.Answer head = RawHttp.exchange(port, RawHttp.request("HEAD", "/health", ""), Duration.ofSeconds(10));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  @Order(3)
  void localNamesStillReadWithoutAToken() {
    for (String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "localhost")) {
      RawHttp.Answer a = RawHttp.exchange(port, "GET /api/v1/status HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
      assertThat(a.status()).as(host + ": " + a.body()).isEqualTo(200);
    }
    // a token reads whatever name the request was addressed to
    RawHttp.Answer withToken = RawHttp.exchange(port, "GET /api/v1/status HTTP/1.1\r\nHost: evil.example\r\n"
        + bearer() + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
    assertThat(withToken.status()).isEqualTo(200);
  }

  @Test
  @Order(4)
  void slowClientsAreCutOffAndNobodyElseWaits() throws Exception {
    // stalled in the middle of the request head, and in the middle of a body
    CompletableFuture<Long> stalledHead = CompletableFuture.supplyAsync(() ->
        secondsUntilClosed("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
    CompletableFuture<Long> stalledBody = CompletableFuture.supplyAsync(() ->
        secondsUntilClosed("POST /api/v1/components/beat/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\n" + bearer()
            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"met"));
    // slowloris: a byte at a time, for longer than the idle timeout in all
    CompletableFuture<RawHttp.Answer> trickled = CompletableFuture.supplyAsync(this::trickle);
    // meanwhile everybody else is served at once
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      assertThat(anonymous.get("/health").status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
      Thread.sleep(400);
    }
    long limit = IDLE_TIMEOUT.toSeconds() + 3;
    assertThat(stalledHead.get(30, TimeUnit.SECONDS)).isBetween(IDLE_TIMEOUT.toSeconds() - 1, limit);
    assertThat(stalledBody.get(30, TimeUnit.SECONDS)).isBetween(IDLE_TIMEOUT.toSeconds() - 1, limit);
    // a trickle keeps its connection alive (no Pekko setting bounds the time to read a request head;
    // see docs/http-api.md), but it holds no thread: it is answered, and it held nobody up
    assertThat(trickled.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);
  }

  /** Sends a request's start and then nothing: seconds until the server closes the connection (-1: never). */
  private long secondsUntilClosed(String start) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(30_000);
      s.getOutputStream().write(start.getBytes(StandardCharsets.ISO_8859_1));
      long t0 = System.nanoTime();
      boolean closed = RawHttp.read(s.getInputStream(), new ByteArrayOutputStream());
      return closed ? Duration.ofNanos(System.nanoTime() - t0).toSeconds() : -1;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private RawHttp.Answer trickle() {
    byte[] request = RawHttp.get("/health", "X-Slow: slowly").getBytes(StandardCharsets.ISO_8859_1);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      long pause = IDLE_TIMEOUT.toMillis() * 2 / request.length + 1;
      for (byte b : request) {
        out.write(b);
        out.flush();
        Thread.sleep(Math.max(pause, 100));
      }
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      boolean closed = RawHttp.read(s.getInputStream(), got);
      return RawHttp.parse(got.toString(StandardCharsets.ISO_8859_1), closed);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(5)
  void afterTheCorpusNothingIsLost() throws Exception {
    assertThat(regulator.process.isAlive()).isTrue();
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
    assertThat(anonymous.get("/ready").status()).isEqualTo(200);
    // the same processes: nothing was restarted, stopped or started by the corpus
    assertThat(pids()).isEqualTo(pids);
    for (String name : COMPONENTS) {
      JsonNode view = anonymous.get("/api/v1/components/" + name).json();
      assertThat(view.path("state").asText()).as(name).isEqualTo("READY");
      assertThat(view.path("restarts").asInt()).as(name).isZero();
    }
    // the alert manager still answers, and none of the refused silences exists
    HttpCalls.Reply alerts = anonymous.get("/api/v1/alerts");
    assertThat(alerts.status()).as(alerts.body()).isEqualTo(200);
    assertThat(alerts.json().path("silences")).isEmpty();
    // the journal holds every event of the event log, the audits of the refused calls included
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(journaled()).containsAll(logged()));
    JsonNode starts = anonymous.get("/api/v1/events?kind=start").json();
    Set<String> started = new HashSet<>();
    starts.forEach(e -> started.add(e.path("component").asText()));
    assertThat(started).containsAll(COMPONENTS);
    JsonNode audits = anonymous.get("/api/v1/events?kind=audit&limit=10000").json();
    assertThat(audits.size()).isGreaterThanOrEqualTo(10);
    assertThat(audits.toString()).contains("401 Unauthorized", "400 Bad Request", "413");
    // and nothing went wrong inside: no error in Regulator's own log
    assertThat(Files.readAllLines(tmp.resolve("logs").resolve("regulator.log")))
        .noneMatch(l -> l.contains(" ERROR "));
  }

  private Map<String, Long> pids() {
    Map<String, Long> out = new TreeMap<>();
    for (String name : COMPONENTS) {
      out.put(name, anonymous.get("/api/v1/components/" + name).json().path("pid").asLong());
    }
    return out;
  }

  /** (type, component, time) of every event in logs/events.json. */
  private Set<String> logged() {
    Set<String> out = new HashSet<>();
    regulator.events().forEach(e -> out.add(e.path("event").asText() + " " + e.path("component").asText() + " "
        + e.path("time").asText()));
    return out;
  }

  private Set<String> journaled() {
    Set<String> out = new HashSet<>();
    anonymous.get("/api/v1/events?limit=10000").json().forEach(e -> out.add(e.path("type").asText() + " "
        + e.path("component").asText() + " " + e.path("time").asText()));
    return out;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }
}
