package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault of the gpt-cursor fleet, end to end: the default config, {@code conf/regulator.conf},
 * run by {@code bin/regulator run} with the fleet's real programs, one Regulator per test. Each
 * fault must be detected (the right event), diagnosed (its cause category and detail in the
 * journal, read back through the API, and in the component view), recovered (READY again with a
 * new pid) and alerted exactly once: one Slack message naming the component, the condition and the
 * cause, then one resolved message, and nothing about anything else. A local HTTP server stands in
 * for Slack's incoming webhook and records every message.
 *
 * <p>Which daemon gets which fault follows the probe split of the config: a component has one
 * probe per role, so the two daemons share the checks.
 *
 * <ul>
 *   <li><b>crash → cyops.</b> Exit detection sees any exit, whatever the probes: EXIT_CODE. cyops
 *       then comes back to READY through its queue (readiness) probe.
 *   <li><b>hang → braun.</b> Only braun's liveness probe watches output ({@code silent-for}):
 *       LOG_HANG. A hung cyops would only be seen once a patch waited 30 s, as not ready, and
 *       never restarted.
 *   <li><b>leak → cyops.</b> Only cyops' liveness probe measures memory ({@code max-memory =
 *       128MiB}): RESOURCE_LIMIT.
 *   <li><b>deadlock loop → braun.</b> Only braun's liveness probe counts the repeated "no pending
 *       patches" against its queue: LOG_DEADLOCK. On cyops the waiting patch would only make it
 *       not ready. The patch that waited is applied by the new process.
 *   <li><b>tunnel killed, runner killed</b> (kill -9 from outside): SIGNAL. When the runner dies,
 *       the edge group (rest-for-one) stops and starts the members after it, the Slack server and
 *       the tunnel: a stop on purpose, not a failure of theirs, so nothing is alerted about them.
 *       The tunnel requires the runner, so it starts again only once the runner is READY (its
 *       {@code on-dependency-loss = keep} does not come into play: the group has stopped it).
 * </ul>
 *
 * <p>The environment differs from a user's start in ports, directories and the Slack URL, and in
 * these variables, which the config and the daemons read, so that the class runs in about two
 * minutes:
 *
 * <ul>
 *   <li>Alerts keep the shipped {@code group-wait} (10 s). Each of these faults is READY again 0.5 to
 *       3 s after its detection, before its group goes out: it reaches Slack as one message that
 *       says what happened and that it recovered ({@code healed-notifications}, docs/alerting.md).
 *       A fault that takes longer to heal gives its alert and, later, one resolved message.
 *   <li>{@code PATCHD_POLL_SECONDS = 0.5} (2): the daemons take a fault, and say "no pending
 *       patches", every half second, so the deadlock loop repeats its line 10 times in 5 s, not 20.
 *   <li>{@code BRAUN_SILENT_FOR = 2s} (30 s): the hang is seen within about 12 s, before braun's
 *       heartbeat goes stale (15 s) and makes the same hang a second, earlier alert (not-ready).
 *   <li>{@code PATCHD_LEAK_MIB_PER_SECOND = 16} (4): cyops passes 128 MiB in about 8 s, not 30.
 * </ul>
 */
class GptCursorFaultsIT {

  private static final List<String> FLEET = List.of("runner", "slack-server", "tunnel", "braun", "cyops");
  private static final Path CONFIG = RegulatorProcess.HOME.resolve("conf").resolve("regulator.conf");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The shipped config's group-wait (not overridden here). */
  private static final Duration GROUP_WAIT = Duration.ofSeconds(10);
  private static final String BRAUN_SILENT_FOR = "2s";
  private static final String POLL_SECONDS = "0.5";
  private static final String LEAK_MIB_PER_SECOND = "16";
  /** Beyond group-wait, the time an alert may take to reach Slack (DESIGN §9: 1 s), doubled for a busy CI host. */
  private static final Duration ALERT_MARGIN = Duration.ofSeconds(2);
  /** How long after recovery the test keeps listening for a message that should not come. */
  private static final Duration SETTLE = Duration.ofSeconds(3);
  private static final Duration FLEET_READY = Duration.ofSeconds(45);
  private static final Duration DETECTED = Duration.ofSeconds(30);
  private static final Duration RECOVERED = Duration.ofSeconds(20);

  @TempDir Path tmp;
  private RecordingWebhook slack;
  private RegulatorProcess regulator;
  private HttpCalls api;
  private Path state;
  private int tunnelApiPort;

  @BeforeEach
  void startFleet() throws Exception {
    slack = new RecordingWebhook();

    state = tmp.resolve("state");
    int[] ports = distinctFreePorts(5);
    tunnelApiPort = ports[4];
    regulator = RegulatorProcess.run(CONFIG, tmp, tmp.resolve("logs"), env -> {
      env.remove("REGULATOR_TOKEN");
      env.remove("REGULATOR_READ_TOKEN");
      env.put("SLACK_WEBHOOK_URL", slack.url());
      env.put("REGULATOR_HTTP_PORT", Integer.toString(ports[0]));
      env.put("REGULATOR_DATA_DIR", tmp.resolve("data").toString());
      env.put("REGULATOR_LOG_DIR", tmp.resolve("logs").toString());
      env.put("RUNNER_PORT", Integer.toString(ports[1]));
      env.put("SLACK_SERVER_PORT", Integer.toString(ports[2]));
      env.put("TUNNEL_PORT", Integer.toString(ports[3]));
      env.put("TUNNEL_API_PORT", Integer.toString(tunnelApiPort));
      env.put("GPT_CURSOR_STATE_DIR", state.toString());
      env.remove("REGULATOR_ALERT_GROUP_WAIT");
      env.put("PATCHD_POLL_SECONDS", POLL_SECONDS);
      env.put("BRAUN_SILENT_FOR", BRAUN_SILENT_FOR);
      env.put("PATCHD_LEAK_MIB_PER_SECOND", LEAK_MIB_PER_SECOND);
      env.remove("PATCHD_FAULT");
    });
    api = new HttpCalls("http://127.0.0.1:" + ports[0], Optional.empty());
    await().atMost(FLEET_READY).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
        assertThat(FLEET).as(() -> "not READY yet:" + lastStates()).allMatch(c -> regulator.reached(c, "READY")));
    assertThat(received()).as("Slack messages before any fault").isEmpty();
  }

  @AfterEach
  void stopFleet() throws Exception {
    try {
      if (regulator == null) {
        return;
      }
      List<Long> pids = new ArrayList<>();
      FLEET.forEach(c -> regulator.events("ProcessStarted", c).forEach(e -> pids.add(e.path("pid").asLong())));
      try {
        regulator.process.destroy();
        assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).as("Regulator stopped within 30 s").isTrue();
        assertThat(regulator.process.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
            assertThat(pids).as("fleet processes left behind").noneMatch(LauncherIT::alive));
      } finally {
        pids.stream().filter(LauncherIT::alive).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        regulator.close();
      }
    } finally {
      slack.close();
    }
  }

  @Test
  void crashOfCyopsIsAnExitWithItsCodeRestartedAndAlertedOnce() throws Exception {
    long pid = regulator.lastPid("cyops");
    Instant injected = fault("cyops", "crash");

    JsonNode exit = awaitEvent("ProcessExited", "cyops", injected, e -> true);
    assertThat(exit.path("pid").asLong()).isEqualTo(pid);
    assertThat(exit.path("status").path("code").asInt()).isEqualTo(1);
    assertCause(exit, "EXIT_CODE", "exited with code 1");

    recovered("cyops", pid, exit);
    diagnosed("cyops", "ProcessExited", "EXIT_CODE", "exited with code 1");
    assertThat(view("cyops").path("lastExit").path("code").asInt()).isEqualTo(1);
    alertedOnce("cyops", "crashed", "ERROR", exit, "exited with code 1");
  }

  @Test
  void hangOfBraunIsItsSilenceRestartedAndAlertedOnce() throws Exception {
    long pid = regulator.lastPid("braun");
    Instant injected = fault("braun", "hang");

    JsonNode failing = awaitLivenessFailing("braun", injected);
    assertThat(failing.path("kind").asText()).isEqualTo("log");
    assertCause(failing, "LOG_HANG", "no output for ");
    assertThat(failing.path("cause").path("detail").asText()).contains("(silent-for " + BRAUN_SILENT_FOR + ")");

    recovered("braun", pid, failing);
    diagnosed("braun", "StateChanged", "LOG_HANG", "(silent-for " + BRAUN_SILENT_FOR + ")");
    alertedOnce("braun", "unhealthy", "ERROR", failing, "(silent-for " + BRAUN_SILENT_FOR + ")");
  }

  @Test
  void leakOfCyopsIsOverItsMemoryLimitRestartedAndAlertedOnce() throws Exception {
    long pid = regulator.lastPid("cyops");
    Instant injected = fault("cyops", "leak");

    JsonNode failing = awaitLivenessFailing("cyops", injected);
    assertThat(failing.path("kind").asText()).isEqualTo("resources");
    assertCause(failing, "RESOURCE_LIMIT", "over the limit of 128.0 MiB");
    assertThat(failing.path("cause").path("detail").asText()).startsWith("memory ");

    recovered("cyops", pid, failing);
    diagnosed("cyops", "StateChanged", "RESOURCE_LIMIT", "over the limit of 128.0 MiB");
    alertedOnce("cyops", "unhealthy", "ERROR", failing, "over the limit of 128.0 MiB");
  }

  @Test
  void deadlockLoopOfBraunIsTheRepeatedLineWhileAPatchWaitsRestartedAndAlertedOnce() throws Exception {
    long pid = regulator.lastPid("braun");
    Instant injected = fault("braun", "deadlock-loop");
    Path control = state.resolve("control").resolve("braun.fault");
    await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(control)); // taken
    drop("braun", "stuck.json", "{\"target\": \"unstuck.txt\", \"content\": \"applied after the restart\\n\"}");

    JsonNode failing = awaitLivenessFailing("braun", injected);
    assertThat(failing.path("kind").asText()).isEqualTo("log");
    assertCause(failing, "LOG_DEADLOCK", "'braun: no pending patches' repeated ");
    assertThat(failing.path("cause").path("detail").asText())
        .contains("while 1 file waits in " + state.resolve("queue/braun/pending"));

    recovered("braun", pid, failing);
    diagnosed("braun", "StateChanged", "LOG_DEADLOCK", "'braun: no pending patches' repeated ");
    // the new process sees its queue: the patch that waited is applied
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(state.resolve("workspace/braun/unstuck.txt")).hasContent("applied after the restart"));
    alertedOnce("braun", "unhealthy", "ERROR", failing, "'braun: no pending patches' repeated ");
  }

  @Test
  void killedTunnelIsASignalRestartedAndAlertedOnce() throws Exception {
    long pid = regulator.lastPid("tunnel");
    Instant killed = kill("tunnel");

    JsonNode exit = awaitEvent("ProcessExited", "tunnel", killed, e -> true);
    assertThat(exit.path("pid").asLong()).isEqualTo(pid);
    assertCause(exit, "SIGNAL", "killed by SIGKILL");

    recovered("tunnel", pid, exit);
    diagnosed("tunnel", "ProcessExited", "SIGNAL", "killed by SIGKILL");
    assertThat(throughTheTunnel("/health")).isEqualTo(200);
    alertedOnce("tunnel", "crashed", "WARNING", exit, "killed by SIGKILL");
  }

  @Test
  void killedRunnerIsOneAlertAboutTheRunnerWhileTheTunnelRecoversWithIt() throws Exception {
    long runner = regulator.lastPid("runner");
    long tunnel = regulator.lastPid("tunnel");
    long slackServer = regulator.lastPid("slack-server");
    Instant killed = kill("runner");

    JsonNode exit = awaitEvent("ProcessExited", "runner", killed, e -> true);
    assertThat(exit.path("pid").asLong()).isEqualTo(runner);
    assertCause(exit, "SIGNAL", "killed by SIGKILL");

    recovered("runner", runner, exit);
    diagnosed("runner", "ProcessExited", "SIGNAL", "killed by SIGKILL");
    // The edge group (rest-for-one) restarts the members after the runner; the tunnel, which
    // requires the runner, waits for it to be READY, then starts. Stopped on purpose: not a failure.
    recovered("slack-server", slackServer, exit);
    recovered("tunnel", tunnel, exit);
    for (String member : List.of("slack-server", "tunnel")) {
      assertThat(regulator.events("ProcessExited", member)).filteredOn(e -> after(e, killed)).singleElement()
          .satisfies(e -> assertCause(e, "GROUP_RESTART", "restarted because group member 'runner' failed"));
    }
    assertThat(regulator.events("StateChanged", "tunnel")).filteredOn(e -> after(e, killed))
        .extracting(e -> e.path("to").asText()).doesNotContain("BACKOFF", "UNHEALTHY", "CIRCUIT_OPEN", "FAILED");
    assertThat(firstState("tunnel", "STARTING", killed)).as("the tunnel starts again once the runner is READY")
        .isAfterOrEqualTo(firstState("runner", "READY", killed));
    assertThat(throughTheTunnel("/health")).isEqualTo(200);
    alertedOnce("runner", "crashed", "ERROR", exit, "killed by SIGKILL");
  }

  // ---- what each fault must lead to, after its detection ----

  /** READY again after {@code since}, with a new pid, in the event log and in the component view. */
  private void recovered(String component, long oldPid, JsonNode since) {
    Instant from = time(since);
    await().atMost(RECOVERED).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      assertThat(regulator.events("StateChanged", component)).as(component + " READY again")
          .anyMatch(e -> after(e, from) && e.path("to").asText().equals("READY"));
      JsonNode view = view(component);
      assertThat(view.path("state").asText()).isEqualTo("READY");
      assertThat(view.path("pid").asLong()).isEqualTo(regulator.lastPid(component)).isNotEqualTo(oldPid);
    });
    assertThat(ProcessHandle.of(oldPid).filter(ProcessHandle::isAlive)).as(component + " old pid " + oldPid).isEmpty();
  }

  /** The journal (read back through the API) holds the event with the cause; the component view shows it. */
  private void diagnosed(String component, String type, String category, String detail) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode events = api.get("/api/v1/events?component=" + component + "&kind=" + type + "&limit=50").json();
      assertThat(events).as("journal: " + component + " " + type + " " + category)
          .anyMatch(e -> e.path("category").asText().equals(category) && e.path("detail").asText().contains(detail));
    });
    JsonNode lastExit = view(component).path("lastExit");
    assertThat(lastExit.path("category").asText()).as(component + " lastExit").isEqualTo(category);
    assertThat(lastExit.path("cause").asText()).contains(detail);
  }

  /**
   * One message about the fault, within group-wait and the margin of the event that raised it,
   * naming the component, the condition, its severity (critical components one level up: a
   * WARNING rule gives ERROR) and the cause. Healed before its group went out, that one message
   * says it recovered; healed later, one resolved message for the same alert follows. Nothing
   * else, about this or any other component.
   */
  private void alertedOnce(String component, String condition, String severity, JsonNode raisedBy, String cause)
      throws InterruptedException {
    await().atMost(GROUP_WAIT.plusSeconds(10)).until(() -> !received().isEmpty());
    Thread.sleep(SETTLE.toMillis());
    List<Received> messages = received();
    assertThat(messages).as("Slack messages: %s", messages).hasSizeBetween(1, 2);

    Received alert = messages.get(0);
    assertThat(alert.alerts()).as(alert.body().toString()).singleElement().satisfies(a -> {
      assertThat(a.component()).isEqualTo(component);
      assertThat(a.condition()).isEqualTo(condition);
      assertThat(a.severity()).isEqualTo(severity);
      assertThat(a.resolved()).isFalse();
      assertThat(a.cause()).contains(cause);
    });
    assertThat(alert.body().path("text").asText()).contains(component).contains(escape(cause));
    Duration latency = Duration.between(time(raisedBy), alert.at());
    assertThat(latency).as("from the event to the Slack message").isLessThanOrEqualTo(GROUP_WAIT.plus(ALERT_MARGIN));

    if (messages.size() == 1) {
      assertThat(alert.body().path("text").asText()).as("healed within group-wait").contains("recovered after");
    } else {
      Received resolved = messages.get(1);
      assertThat(resolved.alerts()).as(resolved.body().toString()).singleElement().satisfies(a -> {
        assertThat(a.component()).isEqualTo(component);
        assertThat(a.condition()).isEqualTo(condition);
        assertThat(a.resolved()).isTrue();
      });
    }
  }

  // ---- faults ----

  /** Writes the fault's name into the daemon's control file (a rename, so it never reads half of it). */
  private Instant fault(String daemon, String fault) throws IOException {
    Path control = state.resolve("control");
    Path partial = Files.writeString(control.resolve("." + daemon + ".fault"), fault + "\n");
    Instant now = Instant.now();
    Files.move(partial, control.resolve(daemon + ".fault"), StandardCopyOption.ATOMIC_MOVE);
    return now;
  }

  /** kill -9 of the component's process, from outside Regulator. */
  private Instant kill(String component) {
    long pid = regulator.lastPid(component);
    Instant now = Instant.now();
    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).as("SIGKILL to " + component).isTrue();
    return now;
  }

  /** Writes a patch file into a daemon's pending/ as producers do: a dot file, then a rename. */
  private void drop(String daemon, String name, String patch) throws IOException {
    Path pending = state.resolve("queue").resolve(daemon).resolve("pending");
    Path partial = Files.writeString(pending.resolve("." + name), patch);
    Files.move(partial, pending.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  // ---- helpers ----

  private JsonNode awaitLivenessFailing(String component, Instant after) {
    return awaitEvent("ProbeChanged", component, after,
        e -> e.path("role").asText().equals("liveness") && !e.path("healthy").asBoolean(true));
  }

  /** The first event of that type about the component at or after {@code after} that matches. */
  private JsonNode awaitEvent(String type, String component, Instant after, Predicate<JsonNode> matching) {
    List<JsonNode> found = new ArrayList<>();
    await().atMost(DETECTED).pollInterval(Duration.ofMillis(50)).until(() -> {
      regulator.events(type, component).stream().filter(e -> after(e, after)).filter(matching).findFirst()
          .ifPresent(found::add);
      return !found.isEmpty();
    });
    return found.get(0);
  }

  /**
   * Each component's last state change and its cause, its last probe change, and the end of
   * Regulator's console: what a failed wait shows.
   */
  private String lastStates() {
    StringBuilder b = new StringBuilder();
    for (String component : FLEET) {
      b.append('\n').append(component).append(": ");
      List<JsonNode> changes = regulator.events("StateChanged", component);
      b.append(changes.isEmpty() ? "no state change" : changes.get(changes.size() - 1).path("to").asText() + " ("
          + changes.get(changes.size() - 1).path("cause").path("detail").asText() + ")");
      List<JsonNode> probes = regulator.events("ProbeChanged", component);
      if (!probes.isEmpty()) {
        JsonNode last = probes.get(probes.size() - 1);
        String verdict = last.path("healthy").asBoolean() ? "passing"
            : "failing: " + last.path("cause").path("detail").asText();
        b.append("; last probe change: ").append(last.path("role").asText()).append(' ').append(verdict);
      }
    }
    try {
      List<String> console = Files.readAllLines(regulator.console);
      b.append("\nconsole:\n")
          .append(String.join("\n", console.subList(Math.max(0, console.size() - 40), console.size())));
    } catch (IOException e) {
      b.append("\nconsole unreadable: ").append(e);
    }
    return b.toString();
  }

  private Instant firstState(String component, String state, Instant after) {
    return regulator.events("StateChanged", component).stream()
        .filter(e -> after(e, after) && e.path("to").asText().equals(state)).map(GptCursorFaultsIT::time)
        .findFirst().orElseThrow(() -> new AssertionError(component + " never reached " + state + " after " + after));
  }

  private static void assertCause(JsonNode event, String category, String detail) {
    JsonNode cause = event.path("cause");
    assertThat(cause.path("category").asText()).as(event.toString()).isEqualTo(category);
    assertThat(cause.path("detail").asText()).as(event.toString()).contains(detail);
  }

  private JsonNode view(String component) {
    return api.get("/api/v1/components/" + URLEncoder.encode(component, StandardCharsets.UTF_8)).json();
  }

  private int throughTheTunnel(String path) throws IOException {
    JsonNode tunnels = JSON.readTree(URI.create("http://127.0.0.1:" + tunnelApiPort + "/api/tunnels").toURL());
    String publicUrl = tunnels.path("tunnels").get(0).path("public_url").asText();
    return new HttpCalls(publicUrl, Optional.empty()).get(path).status();
  }

  private static boolean after(JsonNode event, Instant instant) {
    return !time(event).isBefore(instant);
  }

  private static Instant time(JsonNode event) {
    return Instant.parse(event.path("time").asText());
  }

  /** Slack's mrkdwn escaping, as the message text has it. */
  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static int[] distinctFreePorts(int count) {
    Set<Integer> ports = new LinkedHashSet<>();
    while (ports.size() < count) {
      ports.add(HttpCalls.freePort());
    }
    return ports.stream().mapToInt(Integer::intValue).toArray();
  }

  /** What the Slack stand-in received so far, each message readable as alerts. */
  private List<Received> received() {
    return slack.messages().stream().map(m -> new Received(m.at(), m.body())).toList();
  }

  /** A message the Slack stand-in received. */
  record Received(Instant at, String raw) {

    private static final Pattern FIELD =
        Pattern.compile("^\\*(Severity|Component|Condition)\\*\\n(.*)$", Pattern.DOTALL);

    JsonNode body() {
      try {
        return JSON.readTree(raw);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + raw, e);
      }
    }

    /** The alerts in the message: one section with fields each, followed by its cause. */
    List<Alerted> alerts() {
      List<Alerted> alerts = new ArrayList<>();
      for (JsonNode block : body().path("blocks")) {
        String text = block.path("text").path("text").asText();
        if (block.has("fields")) {
          Map<String, String> fields = new HashMap<>();
          for (JsonNode field : block.path("fields")) {
            Matcher m = FIELD.matcher(field.path("text").asText());
            if (m.matches()) {
              fields.put(m.group(1), m.group(2));
            }
          }
          alerts.add(new Alerted(fields.get("Component"), fields.get("Condition"), fields.get("Severity"),
              text.endsWith("* - resolved"), ""));
        } else if (text.startsWith("*Cause:* ") && !alerts.isEmpty()) {
          Alerted last = alerts.remove(alerts.size() - 1);
          alerts.add(new Alerted(last.component(), last.condition(), last.severity(), last.resolved(), text));
        }
      }
      return alerts;
    }

    @Override
    public String toString() {
      return at + " " + body().path("text").asText();
    }
  }

  record Alerted(String component, String condition, String severity, boolean resolved, String cause) {}
}
