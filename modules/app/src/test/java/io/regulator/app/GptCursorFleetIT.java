package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.spec.FleetSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The default config, {@code conf/regulator.conf}, as shipped: the gpt-cursor fleet of
 * {@code examples/gpt-cursor} (webhook runner, Slack command server, tunnel stand-in, two patch
 * daemons) run by {@code bin/regulator run}. Only the environment differs from a user's start:
 * free ports and temporary directories, through the variables the config reads, and no
 * REGULATOR_TOKEN, so the programs find the admin token in the generated token file as they do
 * on a fresh clone. One Regulator serves the tests in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GptCursorFleetIT {

  private static final List<String> FLEET = List.of("runner", "slack-server", "tunnel", "braun", "cyops");
  private static final String SIGNING_SECRET = "fleet-it-signing-secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CONFIG = RegulatorProcess.HOME.resolve("conf").resolve("regulator.conf");
  private static final Path JSON_CONFIG =
      RegulatorProcess.HOME.resolve("examples").resolve("gpt-cursor").resolve("system_monitor_config.json");
  /** The variables conf/regulator.conf reads; with any of them set, it differs from the JSON on purpose. */
  private static final Set<String> OVERRIDES = Set.of("REGULATOR_HTTP_PORT", "REGULATOR_DATA_DIR", "REGULATOR_LOG_DIR",
      "RUNNER_PORT", "SLACK_SERVER_PORT", "TUNNEL_PORT", "TUNNEL_API_PORT", "GPT_CURSOR_STATE_DIR", "BRAUN_SILENT_FOR",
      "REGULATOR_ALERT_GROUP_WAIT");

  private Path tmp;
  private Path state;
  private int runnerPort;
  private int tunnelApiPort;
  private int slackPort;
  private Instant launched;
  private RegulatorProcess regulator;
  private HttpCalls api;
  private HttpCalls publicUrl;

  @BeforeAll
  void start() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(onPath("node"), "skipped: Node.js (node) is not installed, and the"
        + " default fleet's slack-server runs on it; .ci/run installs Debian's nodejs");
    tmp = Files.createTempDirectory("gpt-cursor-it");
    state = tmp.resolve("state");
    int[] ports = distinctFreePorts(5);
    int apiPort = ports[0];
    runnerPort = ports[1];
    slackPort = ports[2];
    int tunnelPort = ports[3];
    tunnelApiPort = ports[4];
    launched = Instant.now();
    regulator = RegulatorProcess.run(CONFIG, tmp, tmp.resolve("logs"), env -> {
      env.remove("REGULATOR_TOKEN");
      env.remove("REGULATOR_READ_TOKEN");
      env.remove("SLACK_WEBHOOK_URL"); // alerts of this run go to the log, never to a real channel
      env.put("REGULATOR_HTTP_PORT", Integer.toString(apiPort));
      env.put("REGULATOR_DATA_DIR", tmp.resolve("data").toString());
      env.put("REGULATOR_LOG_DIR", tmp.resolve("logs").toString());
      env.put("RUNNER_PORT", Integer.toString(runnerPort));
      env.put("SLACK_SERVER_PORT", Integer.toString(slackPort));
      env.put("TUNNEL_PORT", Integer.toString(tunnelPort));
      env.put("TUNNEL_API_PORT", Integer.toString(tunnelApiPort));
      env.put("GPT_CURSOR_STATE_DIR", state.toString());
      env.put("SLACK_SIGNING_SECRET", SIGNING_SECRET);
    });
    api = new HttpCalls("http://127.0.0.1:" + apiPort, Optional.empty());
  }

  @AfterAll
  void stop() throws Exception {
    if (regulator == null) {
      return;
    }
    List<Long> pids = new ArrayList<>();
    FLEET.forEach(c -> regulator.events("ProcessStarted", c).forEach(e -> pids.add(e.path("pid").asLong())));
    try {
      regulator.process.destroy(); // SIGTERM, as systemd or Ctrl-C stops it
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).as("Regulator stopped within 30 s").isTrue();
      assertThat(regulator.process.exitValue()).isZero();
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
          assertThat(pids).as("fleet processes left behind").noneMatch(LauncherIT::alive));
      for (String component : FLEET) {
        assertThat(regulator.events("ProcessExited", component)).last()
            .satisfies(e -> assertThat(e.path("status").path("code").asInt(-1)).as(component + " exit code on SIGTERM")
                .isZero());
      }
    } finally {
      pids.stream().filter(LauncherIT::alive).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
      regulator.close();
    }
  }

  @Test
  @Order(1)
  void theDefaultConfigBringsAllFiveComponentsToReadyWithin15Seconds() throws IOException {
    Instant deadline = launched.plusSeconds(15);
    for (String component : FLEET) {
      Duration left = Duration.between(Instant.now(), deadline);
      regulator.awaitState(component, "READY", left.isNegative() ? Duration.ZERO : left);
    }
    await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> api.get("/api/v1/status").status() == 200);
    JsonNode status = api.get("/api/v1/status").json();
    assertThat(status.path("state").asText()).isEqualTo("UP");
    assertThat(names(status.path("components"))).containsExactlyInAnyOrderElementsOf(FLEET);
    assertThat(regulator.consoleText()).doesNotContain("Exception");

    // The tunnel's local API has ngrok's shape, and names the runner as its upstream.
    JsonNode tunnels = tunnelApi().path("tunnels");
    assertThat(tunnels).hasSize(1);
    assertThat(tunnels.get(0).path("proto").asText()).isEqualTo("http");
    assertThat(tunnels.get(0).path("config").path("addr").asText())
        .isEqualTo("http://localhost:" + runnerPort);
    publicUrl = new HttpCalls(tunnels.get(0).path("public_url").asText(), Optional.empty());
  }

  @Test
  @Order(2)
  void aPatchPostedThroughTheTunnelIsAppliedByItsDaemon() throws Exception {
    HttpCalls.Reply queued = publicUrl.post("/webhook",
        "{\"daemon\": \"braun\", \"target\": \"src/greeting.txt\", \"content\": \"hello through the tunnel\\n\"}");
    assertThat(queued.status()).as(queued.body()).isEqualTo(202);
    String file = queued.json().path("file").asText();
    Path target = state.resolve("workspace/braun/src/greeting.txt");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(target).hasContent("hello through the tunnel");
      assertThat(state.resolve("queue/braun/done").resolve(file)).exists();
    });
    assertThat(workIn(state.resolve("queue/braun/pending"))).isEmpty();

    // A find/replace patch edits what is there; the other daemon has a workspace of its own.
    assertThat(publicUrl.post("/webhook",
        "{\"daemon\": \"cyops\", \"target\": \"notes.md\", \"content\": \"status: draft\\n\"}").status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(state.resolve("workspace/cyops/notes.md")));
    HttpCalls.Reply edit = publicUrl.post("/webhook",
        "{\"daemon\": \"cyops\", \"target\": \"notes.md\", \"find\": \"draft\", \"replace\": \"final\"}");
    assertThat(edit.status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(state.resolve("workspace/cyops/notes.md")).hasContent("status: final"));
    assertThat(state.resolve("workspace/braun/notes.md")).doesNotExist();

    // The daemons push their counts with their heartbeats, with the admin token of the token file.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      JsonNode braun = api.get("/api/v1/components/braun").json().path("heartbeat").path("metrics");
      assertThat(braun.path("processed").asDouble()).isGreaterThanOrEqualTo(1);
      assertThat(braun.path("queue_depth").asDouble()).isZero();
      assertThat(api.get("/api/v1/components/cyops").json().path("heartbeat").path("metrics")
          .path("processed").asDouble()).isGreaterThanOrEqualTo(2);
    });
  }

  @Test
  @Order(3)
  void aBadPatchIsRefusedWith400AndNeverQueued() {
    assertRefused("{\"daemon\": \"braun\", \"target\": ", "not valid JSON");
    assertRefused("{\"target\": \"a.txt\", \"content\": \"x\"}", "daemon must be one of braun, cyops");
    assertRefused("{\"daemon\": \"nobody\", \"target\": \"a.txt\", \"content\": \"x\"}", "daemon must be one of");
    assertRefused("{\"daemon\": \"braun\", \"content\": \"x\"}", "target must be a non-empty string");
    assertRefused("{\"daemon\": \"braun\", \"target\": \"../escape.txt\", \"content\": \"x\"}", "contains '..'");
    assertRefused("{\"daemon\": \"braun\", \"target\": \"/etc/passwd\", \"content\": \"x\"}", "is absolute");
    assertRefused("{\"daemon\": \"braun\", \"target\": \"a.txt\"}", "missing content, or find and replace");
    assertRefused("[1, 2]", "expected a JSON object");
    assertThat(workIn(state.resolve("queue/braun/pending"))).isEmpty();
    assertThat(workIn(state.resolve("queue/cyops/pending"))).isEmpty();
  }

  @Test
  @Order(4)
  void aPatchWithABadTargetLandsInFailedWithItsReason() throws Exception {
    // Whatever else drops files into a queue: the daemon confines targets itself.
    drop("braun", "escape.json", "{\"target\": \"../../escape.txt\", \"content\": \"out\"}");
    drop("cyops", "absolute.json", "{\"target\": \"" + tmp.resolve("absolute.txt") + "\", \"content\": \"out\"}");
    // Through the tunnel: a well-formed patch whose text is not in its target.
    HttpCalls.Reply missing = publicUrl.post("/webhook",
        "{\"daemon\": \"braun\", \"target\": \"src/greeting.txt\", \"find\": \"no such text\", \"replace\": \"x\"}");
    assertThat(missing.status()).isEqualTo(202);
    String missingFile = missing.json().path("file").asText();

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(reason("braun", "escape.json")).contains("'..'").contains("workspace/braun/");
      assertThat(reason("cyops", "absolute.json")).contains("is absolute");
      assertThat(reason("braun", missingFile)).contains("find text not found in 'src/greeting.txt'");
    });
    assertThat(state.resolve("queue/braun/failed/escape.json")).exists();
    assertThat(tmp.resolve("absolute.txt")).doesNotExist();
    assertThat(state.resolve("escape.txt")).doesNotExist();
    assertThat(state.getParent().resolve("escape.txt")).doesNotExist();
    assertThat(state.resolve("workspace/braun/src/greeting.txt")).hasContent("hello through the tunnel");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
        api.get("/api/v1/components/braun").json().path("heartbeat").path("metrics").path("failed").asDouble())
        .isGreaterThanOrEqualTo(2));
  }

  @Test
  @Order(5)
  void theSlackServerAnswersASignedStatusCommandAndRefusesABadSignature() throws Exception {
    long now = Instant.now().getEpochSecond();
    String body = "command=%2Fregulator&text=status&user_name=ops";
    // Through the tunnel's public URL, as Slack reaches it.
    HttpCalls.Reply status = slack(publicUrl, body, now, sign(body, now));
    assertThat(status.status()).as(status.body()).isEqualTo(200);
    String text = status.json().path("text").asText();
    assertThat(text).startsWith("Fleet *UP*");
    FLEET.forEach(c -> assertThat(text).contains("• " + c + ": READY"));

    HttpCalls direct = new HttpCalls("http://127.0.0.1:" + slackPort, Optional.empty());
    assertThat(slack(direct, body, now, "v0=" + "0".repeat(64)).status()).isEqualTo(401);
    assertThat(slack(direct, body, now, sign(body.replace("status", "restart+braun"), now)).status())
        .as("a signature over another body").isEqualTo(401);
    assertThat(slack(direct, body, now - 600, sign(body, now - 600)).status())
        .as("a correctly signed request ten minutes old (a replay)").isEqualTo(401);
    assertThat(slack(direct, body, now, null).status()).as("no signature at all").isEqualTo(401);
  }

  @Test
  @Order(6)
  void aSignedRestartCommandRestartsTheComponentThroughRegulator() throws Exception {
    int starts = regulator.events("ProcessStarted", "cyops").size();
    long pid = regulator.lastPid("cyops");
    long now = Instant.now().getEpochSecond();
    String body = "command=%2Fregulator&text=restart+cyops&user_name=ops";
    HttpCalls.Reply reply = slack(publicUrl, body, now, sign(body, now));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("text").asText()).startsWith("Restarting *cyops*");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(regulator.events("ProcessStarted", "cyops")).hasSizeGreaterThan(starts);
      assertThat(api.get("/api/v1/components/cyops").json().path("state").asText()).isEqualTo("READY");
    });
    assertThat(regulator.lastPid("cyops")).isNotEqualTo(pid);
    assertThat(regulator.events("StateChanged", "cyops").toString()).contains("Slack /command by ops");
  }

  @Test
  @Order(7)
  void theJsonConfigValidatesAndLoadsAsTheSameFleet() throws Exception {
    RegulatorProcess.Result validated = RegulatorProcess.exec("validate", JSON_CONFIG.toString());
    assertThat(validated.exitCode()).as(validated.output()).isZero();
    assertThat(validated.output()).contains("OK: " + JSON_CONFIG).contains("(5 components, 2 groups)");

    RegulatorProcess.Result defaults = RegulatorProcess.exec("validate");
    assertThat(defaults.exitCode()).as(defaults.output()).isZero();
    assertThat(defaults.output()).contains("(5 components, 2 groups)");

    FleetSpec fromJson = RegulatorConfig.load(JSON_CONFIG, RegulatorProcess.HOME);
    FleetSpec fromConf = RegulatorConfig.load(CONFIG, RegulatorProcess.HOME);
    assertThat(fromJson.components().keySet()).containsExactlyInAnyOrderElementsOf(FLEET);
    if (System.getenv().keySet().stream().noneMatch(OVERRIDES::contains)) {
      assertThat(fromJson.components()).isEqualTo(fromConf.components());
      assertThat(fromJson.settings()).isEqualTo(fromConf.settings());
    }
    assertThat(fromJson.groups()).isEqualTo(fromConf.groups());
    assertThat(fromJson.component("tunnel").dependsOn().keySet()).containsExactly("runner", "slack-server");
  }

  // ---- helpers ----

  private JsonNode tunnelApi() throws IOException {
    return JSON.readTree(URI.create("http://127.0.0.1:" + tunnelApiPort + "/api/tunnels").toURL());
  }

  private void assertRefused(String body, String why) {
    HttpCalls.Reply reply = publicUrl.post("/webhook", body);
    assertThat(reply.status()).as(body + " -> " + reply.body()).isEqualTo(400);
    assertThat(reply.json().path("error").asText()).as(body).contains(why);
  }

  /** Writes a patch file into a daemon's pending/ the way producers should: a dot file, then a rename. */
  private void drop(String daemon, String name, String patch) throws IOException {
    Path pending = state.resolve("queue").resolve(daemon).resolve("pending");
    Path tmpFile = Files.writeString(pending.resolve("." + name), patch);
    Files.move(tmpFile, pending.resolve(name));
  }

  private String reason(String daemon, String file) throws IOException {
    Path reason = state.resolve("queue").resolve(daemon).resolve("failed").resolve(file + ".reason");
    return Files.exists(reason) ? Files.readString(reason) : "";
  }

  private static List<String> workIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> names(JsonNode components) {
    List<String> names = new ArrayList<>();
    components.forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  private static HttpCalls.Reply slack(HttpCalls server, String body, long timestamp, String signature) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base + "/slack/commands"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Slack-Signature", signature);
    }
    return server.send(request);
  }

  /** Slack's v0 signature: HMAC-SHA256 of "v0:<timestamp>:<body>" with the signing secret. */
  private static String sign(String body, long timestamp) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
  }

  private static int[] distinctFreePorts(int count) {
    Set<Integer> ports = new LinkedHashSet<>();
    while (ports.size() < count) {
      ports.add(HttpCalls.freePort());
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether a program is on the PATH (the fleet needs python3 and node). */
  static boolean onPath(String program) {
    return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program)));
  }
}
