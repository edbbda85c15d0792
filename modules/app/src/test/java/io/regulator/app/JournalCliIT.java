package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's read side through the real CLI: a scripted incident under {@code bin/regulator
 * run} (a dependency is killed, its dependents cascade down, everything recovers), then
 * {@code events}, {@code incidents} and {@code report} as separate JVMs, while the service runs
 * and after it stopped. The timeline, the root cause and the MTTR they print are checked against
 * the event times the CLI itself reports.
 */
class JournalCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private String mark;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void nothingOfTheTestSurvives() {
    started.forEach(p -> p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly));
    started.forEach(Process::destroyForcibly);
    if (mark != null) {
      List<ProcessHandle> left = marked(mark);
      left.forEach(ProcessHandle::destroyForcibly);
      assertThat(left).as("processes left behind").isEmpty();
    }
  }

  @Test
  void aCascadeIsReplayedWithItsRootCauseAndTimeToRecovery() throws Exception {
    Path config = fleet("""
        defaults { ready-after = 300ms, backoff { min = 200ms, random-factor = 0 } }
        components {
          db   { command = ["$COMPONENT", "$MARK-db"] }
          app  { command = ["$COMPONENT", "$MARK-app"],  depends-on = [db] }
          edge { command = ["$COMPONENT", "$MARK-edge"], depends-on = [app] }
        }
        """);
    Instant before = Instant.now();
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      regulator.awaitState("edge", "READY", Duration.ofSeconds(30));

      // Read while the service runs (the H2 file is shared through AUTO_SERVER), and follow it.
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(cli("events", "-c", config.toString(), "--component", "edge", "--kind", "state").stdout)
              .contains("edge RUNNING -> READY: ready"));
      Path followed = tmp.resolve("follow.txt");
      Process follow = new ProcessBuilder(RegulatorProcess.LAUNCHER.toString(), "events", "-c", config.toString(),
          "--follow", "--component", "db").redirectOutput(followed.toFile())
          .redirectError(tmp.resolve("follow.err").toFile()).start();
      started.add(follow);
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(followed).contains("db RUNNING -> READY"));

      // The incident: db is killed; app and edge lose their required dependency; all come back.
      long db = regulator.lastPid("db");
      new ProcessBuilder("kill", "-9", Long.toString(db)).start().waitFor();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .until(() -> readyCount(regulator, "edge") == 2);

      await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(followed).contains("db READY -> BACKOFF")
          && Files.readString(followed).lines().filter(l -> l.contains("db RUNNING -> READY")).count() == 2);
      assertThat(Files.readString(followed)).contains("db pid " + db + " killed by SIGKILL");
      follow.destroy();
      assertThat(follow.waitFor(15, TimeUnit.SECONDS)).as("--follow ends on SIGTERM").isTrue();

      regulator.process.destroy();
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(regulator.process.exitValue()).isZero();
    }

    // With the service stopped: the timeline, in time order, as JSON lines in the journal's shape.
    Cli events = cli("events", "-c", config.toString(), "--since", before.toString(), "--format", "json");
    assertThat(events.exitCode).as(events.stderr).isZero();
    List<JsonNode> timeline = events.jsonLines();
    assertThat(timeline).extracting(e -> Instant.parse(e.path("time").asText())).isSorted();
    JsonNode killed = first(timeline, "ProcessExited", "db", e -> e.path("signal").asText().equals("KILL"));
    int dbDown = index(timeline, "StateChanged", "db", e -> e.path("to").asText().equals("BACKOFF"));
    int appDown = index(timeline, "StateChanged", "app", e -> e.path("to").asText().equals("STOPPING")
        && e.path("category").asText().equals("DEPENDENCY_LOST"));
    int edgeDown = index(timeline, "StateChanged", "edge", e -> e.path("to").asText().equals("STOPPING")
        && e.path("category").asText().equals("DEPENDENCY_LOST"));
    int dbBack = indexAfter(timeline, dbDown, "StateChanged", "db", e -> e.path("to").asText().equals("READY"));
    int appBack = indexAfter(timeline, appDown, "StateChanged", "app", e -> e.path("to").asText().equals("READY"));
    int edgeBack = indexAfter(timeline, edgeDown, "StateChanged", "edge", e -> e.path("to").asText().equals("READY"));
    assertThat(List.of(dbDown, appDown, edgeDown)).isSorted();
    assertThat(List.of(dbBack, appBack, edgeBack)).isSorted();
    assertThat(dbBack).isGreaterThan(edgeDown);
    Instant failed = Instant.parse(killed.path("time").asText());
    Instant dbReady = time(timeline.get(dbBack));
    Instant allReady = time(timeline.get(edgeBack));

    Cli text = cli("events", "-c", config.toString(), "--component", "db", "--kind", "state,exit");
    assertThat(text.stdout).containsPattern("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z  db READY -> BACKOFF: killed by SIGKILL")
        .contains("db pid " + killed.path("pid").asLong() + " killed by SIGKILL");

    // The incident: rooted in db, the dependents as collateral, from the kill to edge's READY.
    Cli incidents = cli("incidents", "-c", config.toString());
    assertThat(incidents.exitCode).as(incidents.stderr).isZero();
    assertThat(incidents.stdout).startsWith("#1  ").doesNotContain("#2")
        .contains("root cause: db: killed by SIGKILL")
        .contains("affected:   db, app, edge")
        .contains(", recovered");
    JsonNode incident = cli("incidents", "-c", config.toString(), "--format", "json").jsonLines().get(0);
    assertThat(incident.path("root").asText()).isEqualTo("db");
    assertThat(incident.path("rootCause").path("category").asText()).isEqualTo("SIGNAL");
    assertThat(incident.path("affected")).extracting(JsonNode::asText).containsExactly("db", "app", "edge");
    assertThat(incident.path("recovered").asBoolean()).isTrue();
    assertThat(time(incident, "start")).isEqualTo(failed);
    assertThat(time(incident, "end")).isEqualTo(allReady);
    assertThat(incident.path("durationMillis").asLong()).isEqualTo(Duration.between(failed, allReady).toMillis());

    // The report: db's time to recovery is exactly kill -> READY again.
    JsonNode report = cli("report", "-c", config.toString(), "--component", "db", "--format", "json")
        .jsonLines().get(0);
    assertThat(report.path("component").asText()).isEqualTo("db");
    assertThat(report.path("incidents").asInt()).isEqualTo(1);
    assertThat(report.path("mttrMillis").asLong()).isEqualTo(Duration.between(failed, dbReady).toMillis())
        .isBetween(200L, 10_000L);
    assertThat(report.path("failuresByCause").path("SIGNAL").asInt()).isEqualTo(1);
    assertThat(report.path("restarts").asInt()).isEqualTo(1);
    assertThat(report.path("availabilityPercent").asDouble()).isGreaterThan(0).isLessThan(100);
    Cli table = cli("report", "-c", config.toString());
    assertThat(table.stdout).contains("component  availability  MTTR")
        .containsPattern("(?m)^app .*DEPENDENCY_LOST 1$")
        .containsPattern("(?m)^db .*SIGNAL 1$");
    assertThat(cli("report", "-c", config.toString(), "--format", "markdown").stdout)
        .startsWith("| component | availability | MTTR | MTBF |");
  }

  @Test
  void withoutAJournalOrWithABadTimeItSaysSoInOneLine() throws Exception {
    Path config = fleet("""
        components { solo { command = ["$COMPONENT", "$MARK-solo"] } }
        """);

    Cli none = cli("events", "-c", config.toString());
    assertThat(none.exitCode).isEqualTo(1);
    assertThat(none.stderr.strip()).isEqualTo("regulator: no journal at " + tmp.resolve("data").resolve("journal")
        + " yet: run `bin/regulator run` first");
    assertThat(cli("incidents", "-c", config.toString()).exitCode).isEqualTo(1);
    assertThat(cli("report", "-c", config.toString()).exitCode).isEqualTo(1);
    assertThat(Files.exists(tmp.resolve("data").resolve("journal").resolve("regulator.mv.db")))
        .as("a query creates no empty journal").isFalse();

    Cli badTime = cli("replay", "-c", config.toString(), "--since", "last tuesday");
    assertThat(badTime.exitCode).isEqualTo(2);
    assertThat(badTime.stderr.strip()).startsWith("regulator: --since: cannot read the time 'last tuesday'")
        .doesNotContain("\n");
    Cli badKind = cli("events", "-c", config.toString(), "--kind", "crash");
    assertThat(badKind.exitCode).isEqualTo(2);
    assertThat(badKind.stderr.strip()).startsWith("regulator: --kind: unknown event kind 'crash'");
  }

  private record Cli(int exitCode, String stdout, String stderr) {

    List<JsonNode> jsonLines() {
      return stdout.lines().filter(l -> !l.isBlank()).map(l -> {
        try {
          return JSON.readTree(l);
        } catch (IOException e) {
          throw new AssertionError("not a JSON line: " + l + "\nstderr: " + stderr, e);
        }
      }).toList();
    }
  }

  /** A CLI command to its end, stdout apart from stderr (where the launcher's build notes go). */
  private Cli cli(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(RegulatorProcess.LAUNCHER.toString()));
    argv.addAll(Arrays.asList(args));
    Path out = Files.createTempFile(tmp, "cli-", ".out");
    Path err = Files.createTempFile(tmp, "cli-", ".err");
    Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    started.add(p);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("regulator " + String.join(" ", args) + " did not end within 120 s");
    }
    return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static long readyCount(RegulatorProcess regulator, String component) {
    return regulator.events("StateChanged", component).stream()
        .filter(e -> e.path("to").asText().equals("READY")).count();
  }

  private static JsonNode first(List<JsonNode> timeline, String type, String component,
      Predicate<JsonNode> also) {
    return timeline.get(index(timeline, type, component, also));
  }

  private static int index(List<JsonNode> timeline, String type, String component,
      Predicate<JsonNode> also) {
    return indexAfter(timeline, -1, type, component, also);
  }

  private static int indexAfter(List<JsonNode> timeline, int after, String type, String component,
      Predicate<JsonNode> also) {
    for (int i = after + 1; i < timeline.size(); i++) {
      JsonNode e = timeline.get(i);
      if (e.path("type").asText().equals(type) && e.path("component").asText().equals(component) && also.test(e)) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " of " + component + " after #" + after + " in " + timeline);
  }

  private static Instant time(JsonNode event) {
    return time(event, "time");
  }

  private static Instant time(JsonNode node, String field) {
    return Instant.parse(node.path(field).asText());
  }

  private Path fleet(String body) throws IOException {
    mark = "jq-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    return Files.writeString(tmp.resolve("regulator.conf"), "regulator {\n http.port = 0\n data-dir = \"" + tmp.resolve("data")
        + "\"\n log-dir = \"" + tmp.resolve("logs") + "\"\n" + body.replace("$COMPONENT", RegulatorProcess.COMPONENT)
        .replace("$MARK", mark) + "\n}\n");
  }

  /** Live processes whose command line carries the mark. */
  private static List<ProcessHandle> marked(String mark) {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(ProcessHandle::isAlive)
          .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false)).toList();
    }
  }
}
