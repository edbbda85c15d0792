package io.regulator.app;

import static io.regulator.app.HttpApiIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The API's security promises on a real {@code bin/regulator run} over HTTPS, with both tokens and
 * two Slack receivers configured: it listens on loopback only by default; every mutating endpoint
 * refuses a missing, wrong or read-only token and changes nothing; no path trick on any GET route
 * reads a file; and no secret (the tokens, the keystore password, the webhook URLs) shows up in the
 * console, the logs, the event log, any API answer, the journal or the journal's files, even after
 * alerts were sent and failed and a broken config was reloaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiSecurityIT {

  private static final String ADMIN = "admin-SECRET-a1b2c3";
  private static final String READ = "read-SECRET-d4e5f6";
  private static final String TLS_PASSWORD = "tls-SECRET-g7h8";
  private static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/SECRETXYZ";
  private static final String LOCAL_HOOK_SECRET = "SECRETLOCAL";

  private Path tmp;
  private Path config;
  private String configText;
  private int port;
  private SSLContext tls;
  private HttpServer hook;
  private final AtomicInteger hookCalls = new AtomicInteger();
  private RegulatorProcess regulator;
  private HttpCalls anonymous;
  private HttpCalls reader;
  private HttpCalls admin;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("api-security-it");
    Path keystore = tmp.resolve("regulator.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "regulator", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", TLS_PASSWORD, "-keypass", TLS_PASSWORD)
        .redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    tls = HttpSecurityIT.trusting(keystore, TLS_PASSWORD);

    // a webhook that always fails, and echoes the path it was called on: a careless log would print it
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext("/", exchange -> {
      hookCalls.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      byte[] body = ("no hook at " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(500, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    hook.start();

    port = HttpCalls.freePort();
    String mark = "security-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    config = tmp.resolve("regulator.conf");
    configText = """
        regulator {
          data-dir = "%1$s/data"
          log-dir = "%1$s/logs"
          http {
            port = %2$d
            token = "%3$s"
            read-token = "%4$s"
            tls { keystore = "%5$s", password = "%6$s", type = PKCS12 }
          }
          defaults { ready-after = 300ms, backoff { min = 500ms, max = 500ms } }
          components {
            web    { command = ["%7$s", "%8$s-web"] }
            worker { command = ["%7$s", "%8$s-worker"], depends-on = [web] }
          }
          alerts {
            group-wait = 0s
            group-wait-critical = 0s
            receivers {
              ops  { type = slack, webhook-url = "%9$s" }
              hook { type = slack, webhook-url = "http://127.0.0.1:%10$d/services/T111/B111/%11$s" }
            }
            # the real Slack is never called: only the local hook and the log get alerts
            route.receivers = [log, hook]
          }
        }
        """.formatted(tmp, port, ADMIN, READ, keystore, TLS_PASSWORD, RegulatorProcess.COMPONENT, mark, SLACK_URL,
        hook.getAddress().getPort(), LOCAL_HOOK_SECRET);
    Files.writeString(config, configText);
    regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"));
    HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
    anonymous = new HttpCalls("https://127.0.0.1:" + port, Optional.empty(), client);
    reader = anonymous.withToken(READ);
    admin = anonymous.withToken(ADMIN);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> anonymous.get("/ready").status() == 200);
    regulator.awaitState("worker", "READY", Duration.ofSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    if (regulator != null) {
      regulator.process.destroy();
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      regulator.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
  }

  @Test
  @Order(1)
  void byDefaultItListensOnLoopbackOnly() throws Exception {
    // what the kernel says is listening on the port: 127.0.0.1, and nothing on a wildcard or IPv6 address
    List<String> listeners = listeners(port);
    assertThat(listeners).as("listening sockets on port %d", port).isNotEmpty().containsOnly("127.0.0.1");
    // and from this machine's other addresses, if it has any, nobody gets through
    for (InetAddress address : nonLoopbackAddresses()) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(address, port), 2_000);
        throw new AssertionError("connected to " + address + ":" + port + "; expected only 127.0.0.1 to listen");
      } catch (ConnectException refused) {
        assertThat(refused.getMessage()).contains("refused");
      }
    }
  }

  @Test
  @Order(2)
  void everyMutatingEndpointNeedsTheAdminTokenAndChangesNothingWithout() {
    Map<String, Long> pids = pids();
    String silence = admin.post("/api/v1/silences", "{\"component\": \"web\", \"duration\": \"10m\", \"reason\": \"kept\"}")
        .json().path("id").asText();
    assertThat(silence).isNotBlank();
    Map<String, HttpRequest.Builder> mutating = new LinkedHashMap<>();
    for (String action : List.of("start", "stop", "restart", "heartbeat")) {
      mutating.put("POST /api/v1/components/web/" + action, post("/api/v1/components/web/" + action, "{}"));
    }
    mutating.put("POST /api/v1/silences", post("/api/v1/silences",
        "{\"component\": \"*\", \"duration\": \"1h\", \"reason\": \"not allowed\"}"));
    mutating.put("DELETE /api/v1/silences/{id}", HttpRequest.newBuilder(uri("/api/v1/silences/" + silence)).DELETE());
    mutating.put("POST /api/v1/reload", post("/api/v1/reload", ""));
    // unknown targets are refused before they are looked up: no probing of names without the token
    mutating.put("POST /api/v1/components/nope/stop", post("/api/v1/components/nope/stop", ""));

    SoftAssertions soft = new SoftAssertions();
    mutating.forEach((name, request) -> {
      for (Map.Entry<String, Optional<String>> who : Map.of("no token", Optional.<String>empty(),
          "a wrong token", Optional.of("guess"), "a token in the wrong scheme", Optional.of("Basic " + ADMIN),
          "the read token", Optional.of("Bearer " + READ)).entrySet()) {
        HttpRequest.Builder b = request.copy();
        who.getValue().ifPresent(h -> b.header("Authorization", h.contains(" ") ? h : "Bearer " + h));
        HttpCalls.Reply reply = anonymous.send(b);
        int expected = who.getKey().equals("the read token") ? 403 : 401;
        soft.assertThat(reply.status()).as(name + " with " + who.getKey() + ": " + reply.body()).isEqualTo(expected);
        soft.assertThat(reply.contentType()).as(name).startsWith("application/problem+json");
      }
    });
    soft.assertAll();

    // nothing changed: the same processes, the one silence, no heartbeat recorded
    assertThat(pids()).isEqualTo(pids);
    assertThat(reader.get("/api/v1/silences").json()).hasSize(1);
    assertThat(reader.get("/api/v1/components/web").json().path("heartbeat").isNull()).isTrue();
    // reads need a token too once a read token is configured
    assertProblem(anonymous.get("/api/v1/status"), 401, "read or the admin token");
    assertProblem(anonymous.get("/metrics"), 401, "read or the admin token");
    // and the admin token does what the others could not
    assertThat(admin.delete("/api/v1/silences/" + silence).status()).isEqualTo(200);
    assertThat(admin.post("/api/v1/components/web/heartbeat", "{}").status()).isEqualTo(202);
  }

  @Test
  @Order(3)
  void noPathTrickReadsAFile() {
    List<String> routes = List.of("/", "/health", "/ready", "/metrics", "/assets/dashboard.js", "/api/v1/status",
        "/api/v1/components", "/api/v1/components/web", "/api/v1/events", "/api/v1/events/stream",
        "/api/v1/incidents", "/api/v1/report", "/api/v1/alerts", "/api/v1/silences");
    List<String> tricks = List.of("/../../../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "/%252e%252e/%252e%252e/etc/passwd", "%00/../../../etc/passwd",
        "/..;/..;/..;/etc/passwd", "/..%5c..%5c..%5cetc%5cpasswd", "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/....//....//....//etc/passwd", "/.%2e/.%2e/.%2e/etc/passwd");
    List<String> targets = new ArrayList<>();
    routes.forEach(route -> tricks.forEach(trick -> targets.add(route + trick)));
    // the dashboard's assets come from the classpath: nothing next to them, above them or listed
    targets.addAll(List.of("/assets/", "/assets", "/assets/.", "/assets/../ApiServer.class",
        "/assets/%2e%2e/ApiServer.class", "/assets/..%2fApiServer.class", "/assets/..%2f..%2fApiServer.class",
        "/assets/../../../../reference.conf", "/assets/..%2f..%2f..%2f..%2freference.conf",
        "/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2freference.conf", "/assets/../../../../io/regulator/http/ApiServer.class",
        "/assets/..%2f..%2f..%2f..%2fio%2fregulator%2fhttp%2fApiServer.class", "/assets/../../../../META-INF/MANIFEST.MF",
        "/assets/..%2f..%2f..%2f..%2fMETA-INF%2fMANIFEST.MF", "/assets/....//....//reference.conf",
        "/assets/dashboard.js/../../ApiServer.class", "/assets/%2e%2e%5cApiServer.class", "/assets/file:/etc/passwd",
        "/assets/jar:file:/etc/passwd", "/assets//etc/passwd", "/assets/%2fetc%2fpasswd"));

    SoftAssertions soft = new SoftAssertions();
    for (String target : targets) {
      RawHttp.Answer a = RawHttp.exchange(tls, port, RawHttp.get(target, "Authorization: Bearer " + READ),
          Duration.ofSeconds(10));
      String what = target + " -> " + a.status() + " " + a.body().substring(0, Math.min(200, a.body().length()));
      soft.assertThat(a.status()).as(what).isBetween(400, 499);
      soft.assertThat(a.body()).as(what).doesNotContain("root:", "pekko {", "regulator {", "\u00ca\u00fe\u00ba\u00be",
          "Manifest-Version", "class ", "<!DOCTYPE");
    }
    soft.assertAll();
  }

  @Test
  @Order(4)
  void secretsAppearNowhereEvenAfterFailedAlertsAndARefusedReload() throws Exception {
    // alerts that go out and fail: a crash of the worker, delivered to the log and to the hook (which answers 500)
    long worker = reader.get("/api/v1/components/worker").json().path("pid").asLong();
    ProcessHandle.of(worker).orElseThrow().destroyForcibly();
    // the first try and at least one retry
    await().atMost(Duration.ofSeconds(30)).until(() -> hookCalls.get() >= 2);

    // the admin token with a stray byte: a malformed header Pekko would log with its value
    for (String tail : List.of("\u00c3\u00a9", " x", "\u0001")) {
      RawHttp.Answer a = RawHttp.exchange(tls, port, RawHttp.request("POST", "/api/v1/reload", "",
          "Authorization: Bearer " + ADMIN + tail), Duration.ofSeconds(10));
      assertThat(a.status()).as(tail).isBetween(400, 401);
    }

    // a reload of a config with the secrets in the wrong types: refused, the problems name keys, not values
    Files.writeString(config, configText.replace("password = \"" + TLS_PASSWORD + "\"", "password = [\"" + TLS_PASSWORD
        + "\"]").replace("read-token = \"" + READ + "\"", "read-token { value = \"" + READ + "\" }"));
    HttpCalls.Reply refused = admin.post("/api/v1/reload", "");
    assertProblem(refused, 400, "nothing was changed");
    assertThat(refused.body()).contains("regulator.http.tls.password", "regulator.http.read-token");
    RegulatorProcess.Result validate = RegulatorProcess.exec("validate", config.toString());
    assertThat(validate.exitCode()).isEqualTo(1);
    Files.writeString(config, configText);

    Map<String, String> seen = new LinkedHashMap<>();
    seen.put("reload answer", refused.body());
    seen.put("validate output", validate.output());
    for (String path : List.of("/", "/health", "/ready", "/metrics", "/api/v1/status", "/api/v1/components",
        "/api/v1/components/web", "/api/v1/components/worker", "/api/v1/events?limit=10000", "/api/v1/incidents",
        "/api/v1/report", "/api/v1/alerts", "/api/v1/silences", "/assets/dashboard.js")) {
      HttpCalls.Reply reply = reader.get(path);
      assertThat(reply.status()).as(path).isEqualTo(200);
      seen.put("GET " + path, reply.body());
    }
    RegulatorProcess.Result journal = RegulatorProcess.exec("events", "--format", "json", "-c", config.toString());
    assertThat(journal.exitCode()).as(journal.output()).isZero();
    assertThat(journal.output()).contains("ProcessStarted", "Audit");
    seen.put("bin/regulator events --format json", journal.output());
    RegulatorProcess.Result status = RegulatorProcess.exec("status", "-c", config.toString());
    assertThat(status.exitCode()).as(status.output()).isBetween(0, 1);
    seen.put("bin/regulator status", status.output());
    seen.put("console", regulator.consoleText());
    try (Stream<Path> files = Stream.concat(Files.walk(tmp.resolve("logs")), Files.walk(tmp.resolve("data")))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        // the journal's database too, byte for byte: an alert's outbox must not hold a URL
        seen.put(tmp.relativize(file).toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
      }
    }
    assertThat(seen).containsKeys("logs/regulator.log", "logs/events.json");
    assertThat(seen.get("logs/regulator.log")).contains("hooks.slack.com/***#");

    SoftAssertions soft = new SoftAssertions();
    for (String secret : List.of(ADMIN, READ, TLS_PASSWORD, SLACK_URL, "SECRETXYZ", LOCAL_HOOK_SECRET,
        "/services/T111/B111")) {
      seen.forEach((where, text) -> soft.assertThat(text).as("%s in %s", secret, where).doesNotContain(secret));
    }
    soft.assertAll();
  }

  private HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private java.net.URI uri(String path) {
    return java.net.URI.create("https://127.0.0.1:" + port + path);
  }

  private Map<String, Long> pids() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String name : List.of("web", "worker")) {
      out.put(name, reader.get("/api/v1/components/" + name).json().path("pid").asLong());
    }
    return out;
  }

  /** The local addresses listening on {@code port}, from the kernel's socket tables (Linux). */
  private static List<String> listeners(int port) throws IOException {
    List<String> out = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path file = Path.of(table);
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (f[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
          out.add(address(local[0]));
        }
      }
    }
    return out;
  }

  /** A hex address of /proc/net/tcp (little-endian words) as text. */
  private static String address(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
      }
    }
    return InetAddress.getByAddress(bytes).getHostAddress().toLowerCase(Locale.ROOT);
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
