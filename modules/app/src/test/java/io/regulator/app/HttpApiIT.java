package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HTTP API on a bound server: {@code bin/regulator run} with real processes, called as any
 * client calls it. One Regulator serves the tests in order (later ones build on the state earlier
 * ones left).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpApiIT {

  private Path tmp;
  private Path config;
  private String mark;
  private int port;
  private RegulatorProcess regulator;
  private HttpCalls anonymous;
  private HttpCalls admin;

  @BeforeAll
  void start() throws Exception {
    tmp = Files.createTempDirectory("http-api-it");
    mark = "http-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    port = HttpCalls.freePort();
    config = tmp.resolve("regulator.conf");
    Files.writeString(config, config(false));
    regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"));
    anonymous = new HttpCalls("http://127.0.0.1:" + port, Optional.empty());
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> anonymous.get("/ready").status() == 200);
    admin = anonymous.withToken(HttpCalls.readToken(tmp.resolve("data")));
    regulator.awaitState("app", "READY", Duration.ofSeconds(30));
  }

  private String config(boolean reloaded) {
    String c = RegulatorProcess.COMPONENT;
    String components = reloaded ? """
        db { command = ["%1$s", "%2$s-db"], critical = true, restart = always, backoff { min = 300ms, max = 300ms } }
        app { command = ["%1$s", "%2$s-app"], depends-on = [db], env { VERSION = "2" } }
        beat {
          command = ["%1$s", "%2$s-beat"]
          probes.readiness { heartbeat { stale-after = 30s }, period = 200ms, timeout = 100ms }
        }
        extra { command = ["%1$s", "%2$s-extra"] }
        """ : """
        db { command = ["%1$s", "%2$s-db"], critical = true, restart = always, backoff { min = 300ms, max = 300ms } }
        app { command = ["%1$s", "%2$s-app"], depends-on = [db], env { VERSION = "1" } }
        beat {
          command = ["%1$s", "%2$s-beat"]
          probes.readiness { heartbeat { stale-after = 30s }, period = 200ms, timeout = 100ms }
        }
        side {
          command = ["%1$s", "%2$s-side"], restart = always, env { LIFETIME = "0.2" }
          backoff { min = 30s, max = 30s, random-factor = 0 }
        }
        """;
    return """
        regulator {
          data-dir = "%s/data"
          log-dir = "%s/logs"
          http { port = %d }
          defaults { ready-after = 300ms }
          components {
        %s
          }
        }
        """.formatted(tmp, tmp, port, components.formatted(c, mark));
  }

  @AfterAll
  void stop() throws Exception {
    if (regulator != null) {
      regulator.process.destroy();
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      regulator.close();
    }
  }

  @Test
  @Order(1)
  void healthReadyAndTheGeneratedTokenFile() throws IOException {
    HttpCalls.Reply health = anonymous.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("UP");
    assertThat(anonymous.get("/ready").json().path("status").asText()).isEqualTo("READY");
    Path token = tmp.resolve("data").resolve("http-token");
    assertThat(Files.getPosixFilePermissions(token))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(token).trim()).hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  @Order(2)
  void componentsCarryTheFieldsOfTheContract() {
    HttpCalls.Reply all = anonymous.get("/api/v1/components");
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.contentType()).startsWith("application/json");
    List<String> names = new ArrayList<>();
    all.json().forEach(c -> names.add(c.path("name").asText()));
    assertThat(names).containsExactlyInAnyOrder("db", "app", "beat", "side");

    JsonNode app = anonymous.get("/api/v1/components/app").json();
    assertThat(app.path("state").asText()).isEqualTo("READY");
    assertThat(app.path("pid").asLong()).isEqualTo(regulator.lastPid("app"));
    assertThat(app.path("ready").asBoolean()).isTrue();
    assertThat(app.path("restarts").asInt()).isZero();
    assertThat(app.path("circuit").asText()).isEqualTo("CLOSED");
    assertThat(app.path("dependsOn").toString()).isEqualTo("[\"db\"]");
    assertThat(app.path("dependsOnKinds").path("db").asText()).isEqualTo("requires");
    assertThat(app.has("lastExit")).isTrue();
    assertThat(app.path("lastExit").isNull()).isTrue();
    assertThat(app.path("uptimeMillis").asLong()).isGreaterThanOrEqualTo(0);
    await().atMost(Duration.ofSeconds(15)).until(() ->
        anonymous.get("/api/v1/components/app").json().path("resources").path("residentMemoryBytes").asLong() > 0);

    // a component that crashed: its last exit with code, cause and category
    await().atMost(Duration.ofSeconds(10)).until(() ->
        !anonymous.get("/api/v1/components/side").json().path("lastExit").isNull());
    JsonNode side = anonymous.get("/api/v1/components/side").json();
    assertThat(side.path("lastExit").path("code").asInt()).isEqualTo(1);
    assertThat(side.path("lastExit").path("signal").isNull()).isTrue();
    assertThat(side.path("lastExit").path("cause").asText()).contains("code 1");
    assertThat(side.path("lastExit").path("category").asText()).isEqualTo("EXIT_CODE");
    assertThat(side.path("lastExit").has("suggestion")).isTrue();
  }

  @Test
  @Order(3)
  void heartbeatsFeedTheHeartbeatProbeAndTheMetrics() {
    assertThat(anonymous.get("/api/v1/components/beat").json().path("state").asText()).isEqualTo("RUNNING");
    HttpCalls.Reply beat = admin.post("/api/v1/components/beat/heartbeat",
        "{\"metrics\": {\"processed\": 120, \"failed\": 2, \"queue_depth\": 7}}");
    assertThat(beat.status()).as(beat.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(5)).until(() ->
        anonymous.get("/api/v1/components/beat").json().path("state").asText().equals("READY"));
    JsonNode view = anonymous.get("/api/v1/components/beat").json();
    assertThat(view.path("heartbeat").path("metrics").path("processed").asDouble()).isEqualTo(120.0);
    String metrics = anonymous.get("/metrics").body();
    assertThat(metrics).contains("regulator_component_business_metric{component=\"beat\",metric=\"queue_depth\"} 7.0");

    // an empty body is a beat without metrics; anything else malformed is a 400 saying what
    assertThat(admin.post("/api/v1/components/beat/heartbeat", "").status()).isEqualTo(202);
    assertProblem(admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": {\"processed\": \"many\"}}"), 400,
        "must be a number");
    assertProblem(admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": [1, 2]}"), 400, "object");
    assertProblem(admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": {\"bad name\": 1}}"), 400,
        "must match");
  }

  @Test
  @Order(4)
  void statusIsDegradedWhileANonCriticalComponentIsDownAndUpOnceItIsStoppedOnPurpose() {
    await().atMost(Duration.ofSeconds(10)).until(() ->
        anonymous.get("/api/v1/status").json().path("state").asText().equals("DEGRADED"));
    JsonNode status = anonymous.get("/api/v1/status").json();
    assertThat(status.path("score").asInt()).isBetween(1, 99);
    assertThat(status.path("components")).hasSize(4);

    HttpCalls.Reply stopped = admin.post("/api/v1/components/side/stop", "{\"reason\": \"not needed today\"}");
    assertThat(stopped.status()).as(stopped.body()).isEqualTo(200);
    assertThat(stopped.json().path("state").asText()).isEqualTo("STOPPED");
    assertThat(stopped.json().path("pid").isNull()).isTrue();
    JsonNode up = anonymous.get("/api/v1/status").json();
    assertThat(up.path("state").asText()).isEqualTo("UP");
    assertThat(up.path("score").asInt()).isEqualTo(100);
  }

  @Test
  @Order(5)
  void restartStopAndStartChangeTheProcessAndAreAudited() {
    long before = anonymous.get("/api/v1/components/db").json().path("pid").asLong();
    HttpCalls.Reply restarted = admin.post("/api/v1/components/db/restart", "");
    assertThat(restarted.status()).as(restarted.body()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode db = anonymous.get("/api/v1/components/db").json();
      return db.path("pid").asLong() != before && db.path("pid").asLong() != 0;
    });
    assertThat(admin.post("/api/v1/components/app/stop", "").json().path("state").asText()).isEqualTo("STOPPED");
    assertThat(admin.post("/api/v1/components/app/start", "").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        anonymous.get("/api/v1/components/app").json().path("state").asText().equals("READY"));

    // every mutating call is in the journal: who, what, the outcome
    await().atMost(Duration.ofSeconds(10)).until(() -> audits().size() >= 4);
    List<JsonNode> audits = audits();
    assertThat(audits).anySatisfy(a -> {
      assertThat(a.path("component").asText()).isEqualTo("db");
      assertThat(a.path("who").asText()).isEqualTo("admin@127.0.0.1");
      assertThat(a.path("what").asText()).isEqualTo("POST /api/v1/components/db/restart");
      assertThat(a.path("reason").asText()).startsWith("200");
    });
    assertThat(audits).anySatisfy(a -> assertThat(a.path("what").asText())
        .isEqualTo("POST /api/v1/components/side/stop"));
  }

  private List<JsonNode> audits() {
    List<JsonNode> list = new ArrayList<>();
    anonymous.get("/api/v1/events?kind=audit").json().forEach(list::add);
    return list;
  }

  @Test
  @Order(6)
  void mutatingCallsNeedTheAdminTokenAndRefusalsAreAuditedToo() {
    assertProblem(anonymous.post("/api/v1/components/db/restart", ""), 401, "Authorization: Bearer");
    assertProblem(anonymous.withToken("not-the-token").post("/api/v1/components/db/restart", ""), 401, "refused");
    assertProblem(anonymous.withToken("not-the-token").get("/api/v1/status"), 401, "refused");
    // the audit names the connection's address, whatever a forwarding header claims
    assertProblem(anonymous.send(anonymous.request("/api/v1/components/db/stop").header("X-Forwarded-For",
        "203.0.113.9").POST(HttpRequest.BodyPublishers.noBody())), 401, "Authorization");
    await().atMost(Duration.ofSeconds(10)).until(() -> audits().stream()
        .anyMatch(a -> a.path("who").asText().equals("anonymous@127.0.0.1") && a.path("reason").asText()
            .startsWith("401")));
    assertThat(audits()).noneSatisfy(a -> assertThat(a.path("who").asText()).contains("203.0.113"));
  }

  @Test
  @Order(7)
  void errorsAreProblemsNeverStackTraces() {
    assertProblem(anonymous.get("/api/v1/components/dbb"), 404, "did you mean 'db'");
    assertProblem(admin.post("/api/v1/components/nope/restart", ""), 404, "unknown component 'nope'");
    assertProblem(admin.post("/api/v1/components/db/explode", ""), 404, "no action 'explode'");
    assertProblem(anonymous.get("/api/v1/nothing-here"), 404, "");
    assertProblem(anonymous.get("/api/v1/components/%00%ff"), 404, "");
    assertProblem(anonymous.get("/api/v1/components/" + "x".repeat(5000)), 414, "URI length");
    assertProblem(anonymous.get("/api/v1/../../etc/passwd"), 404, "");
    assertProblem(anonymous.send(anonymous.request("/api/v1/status").PUT(HttpRequest.BodyPublishers.noBody())), 405,
        "");
    assertProblem(admin.post("/api/v1/silences", "{not json"), 400, "not valid JSON");
    assertProblem(admin.post("/api/v1/silences", "[1,2,3]"), 400, "must be a JSON object");
    assertProblem(admin.post("/api/v1/silences", "{\"component\": 42, \"duration\": \"1h\"}"), 400,
        "'component' must be a string");
    assertProblem(admin.post("/api/v1/silences", "{\"component\": \"db\", \"duration\": \"soon\"}"), 400,
        "not a duration");
    assertProblem(admin.post("/api/v1/components/beat/heartbeat", "{\"metrics\": {\"x\": 1}, \"pad\": \""
        + "a".repeat(200_000) + "\"}"), 413, "larger than the limit");
    assertProblem(anonymous.get("/api/v1/events?since=sometime"), 400, "since");
    assertProblem(anonymous.get("/api/v1/events?limit=0"), 400, "limit");
    assertProblem(anonymous.get("/api/v1/events?limit=ten"), 400, "whole number");
    assertProblem(anonymous.get("/api/v1/events?kind=nonsense"), 400, "kind");
    assertProblem(anonymous.get("/api/v1/events?since=1h&until=2h"), 400, "later than");
    // refused before routing: still a problem, and the server keeps serving
    HttpCalls.Reply hugeHeader = anonymous.send(anonymous.request("/api/v1/status").header("X-Padding",
        "a".repeat(20_000)));
    assertThat(hugeHeader.status()).isBetween(400, 499);
    assertThat(hugeHeader.contentType()).startsWith("application/problem+json");
    assertThat(anonymous.get("/health").status()).isEqualTo(200);
  }

  @Test
  @Order(8)
  void eventsQueryAndTheLiveStream() throws Exception {
    JsonNode dbEvents = anonymous.get("/api/v1/events?component=db&kind=start&limit=5").json();
    assertThat(dbEvents.size()).isBetween(2, 5);
    dbEvents.forEach(e -> {
      assertThat(e.path("component").asText()).isEqualTo("db");
      assertThat(e.path("type").asText()).isEqualTo("ProcessStarted");
    });
    assertThat(anonymous.get("/api/v1/events?since=10m&limit=3").json().size()).isEqualTo(3);

    List<String> lines = new CopyOnWriteArrayList<>();
    HttpResponse<InputStream> stream = anonymous.client().send(HttpRequest.newBuilder(
        URI.create(anonymous.base + "/api/v1/events/stream?component=app")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          lines.add(line);
        }
      } catch (IOException closed) {
        // the test ends the stream
      }
    });
    reader.setDaemon(true);
    reader.start();
    Thread.sleep(300);
    assertThat(admin.post("/api/v1/components/app/restart", "").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        lines.stream().anyMatch(l -> l.startsWith("data:") && l.contains("\"StateChanged\"") && l.contains("READY")));
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("event: ?health"));
    assertThat(lines.stream().filter(l -> l.startsWith("data:"))).allSatisfy(l ->
        assertThat(l).contains("\"component\":\"app\""));
    stream.body().close();
  }

  @Test
  @Order(9)
  void incidentsAndReportAfterAKill() {
    long db = anonymous.get("/api/v1/components/db").json().path("pid").asLong();
    ProcessHandle.of(db).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(15)).until(() ->
        anonymous.get("/api/v1/components/app").json().path("state").asText().equals("READY")
            && anonymous.get("/api/v1/components/db").json().path("pid").asLong() != db);
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      JsonNode incidents = anonymous.get("/api/v1/incidents?since=5m").json();
      for (JsonNode i : incidents) {
        if (i.path("root").asText().equals("db") && i.path("rootCause").path("category").asText().equals("SIGNAL")) {
          return true;
        }
      }
      return false;
    });
    JsonNode report = anonymous.get("/api/v1/report?since=10m&component=db").json();
    assertThat(report.path("components")).hasSize(1);
    assertThat(report.path("components").get(0).toString()).contains("db");
    assertProblem(anonymous.get("/api/v1/report?component=nope"), 404, "unknown component");
  }

  @Test
  @Order(10)
  void silencesAreCreatedListedAndDeleted() {
    HttpCalls.Reply created = admin.post("/api/v1/silences",
        "{\"component\": \"db\", \"duration\": \"30m\", \"reason\": \"maintenance\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().path("id").asText();
    assertThat(created.json().path("reason").asText()).isEqualTo("maintenance");
    assertThat(anonymous.get("/api/v1/silences").json().toString()).contains(id);
    JsonNode alerts = anonymous.get("/api/v1/alerts").json();
    assertThat(alerts.has("active")).isTrue();
    assertThat(alerts.path("silences").toString()).contains(id);
    assertThat(admin.delete("/api/v1/silences/" + id).status()).isEqualTo(200);
    assertThat(anonymous.get("/api/v1/silences").json().toString()).doesNotContain(id);
    assertProblem(admin.delete("/api/v1/silences/" + id), 404, "");
    assertProblem(anonymous.delete("/api/v1/silences/" + id), 401, "");
  }

  @Test
  @Order(11)
  void metricsFollowPrometheusConventions() {
    // the db restarted by the test before has a sample once a scrape finds the last round too old
    await().atMost(Duration.ofSeconds(15)).until(() -> anonymous.get("/metrics").body()
        .contains("regulator_component_resident_memory_bytes{component=\"db\"}"));
    HttpCalls.Reply metrics = anonymous.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.contentType()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("regulator_component_up{component=\"db\"} 1.0")
        .contains("regulator_component_state{component=\"side\",state=\"STOPPED\"} 1.0")
        .contains("regulator_component_restarts_total{component=\"db\"}")
        .contains("regulator_component_probe_duration_seconds_count{component=\"beat\",kind=\"heartbeat\",role=\"readiness\"}")
        .contains("regulator_component_resident_memory_bytes{component=\"db\"}")
        .contains("regulator_component_cpu_seconds_total{component=\"db\"}")
        .contains("regulator_journal_events_total")
        .contains("regulator_http_requests_total{")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  @Order(12)
  void reloadStartsAddedStopsRemovedRestartsChangedAndKeepsTheRest() throws Exception {
    long db = anonymous.get("/api/v1/components/db").json().path("pid").asLong();
    long beat = anonymous.get("/api/v1/components/beat").json().path("pid").asLong();
    long app = anonymous.get("/api/v1/components/app").json().path("pid").asLong();

    Files.writeString(config, config(true).replace("components {", "components { broken = "));
    HttpCalls.Reply refused = admin.post("/api/v1/reload", "");
    assertProblem(refused, 400, "nothing was changed");
    assertThat(refused.json().path("problems").size()).isPositive();

    Files.writeString(config, config(true));
    HttpCalls.Reply reloaded = admin.post("/api/v1/reload", "");
    assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
    JsonNode changes = reloaded.json();
    assertThat(changes.path("added").toString()).isEqualTo("[\"extra\"]");
    assertThat(changes.path("removed").toString()).isEqualTo("[\"side\"]");
    assertThat(changes.path("changed").toString()).isEqualTo("[\"app\"]");
    assertThat(changes.path("unchanged").toString()).contains("db").contains("beat");

    await().atMost(Duration.ofSeconds(15)).until(() ->
        anonymous.get("/api/v1/components/extra").json().path("state").asText().equals("READY")
            && anonymous.get("/api/v1/components/app").json().path("state").asText().equals("READY"));
    assertThat(anonymous.get("/api/v1/components/app").json().path("pid").asLong()).isNotEqualTo(app);
    assertThat(anonymous.get("/api/v1/components/db").json().path("pid").asLong()).isEqualTo(db);
    assertThat(anonymous.get("/api/v1/components/beat").json().path("pid").asLong()).isEqualTo(beat);
    assertProblem(anonymous.get("/api/v1/components/side"), 404, "unknown component");
    assertThat(ProcessHandle.of(app).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  static void assertProblem(HttpCalls.Reply reply, int status, String detail) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.contentType()).as(reply.body()).startsWith("application/problem+json");
    JsonNode problem = reply.json();
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("title").asText()).isNotBlank();
    assertThat(problem.path("detail").asText()).contains(detail);
    assertThat(reply.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static Set<String> names(JsonNode array) {
    Set<String> names = new java.util.TreeSet<>();
    array.forEach(n -> names.add(n.path("name").asText()));
    return names;
  }
}
