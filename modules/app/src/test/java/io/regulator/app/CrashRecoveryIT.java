package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of Regulator itself in the middle of restarts, three times over, each followed
 * by a fresh start on the same data dir: the journal stays readable and keeps all it had, the
 * history (restart counts) carries on, the orphans are reaped, and no component ever runs twice.
 */
class CrashRecoveryIT {

  @TempDir Path tmp;

  @Test
  void killedMidRestartsItComesBackWithItsHistoryAndNoDuplicateChild() throws Exception {
    String mark = "crash-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int port = HttpCalls.freePort();
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%1$s/data"
          log-dir = "%1$s/logs"
          http.port = %2$d
          defaults { ready-after = 200ms, intensity { max-restarts = 1000, within = 60s } }
          components {
            looper {
              command = ["%3$s", "%4$s-looper"], restart = always, env { LIFETIME = "0.3" }
              backoff { min = 100ms, max = 100ms, random-factor = 0 }
            }
            steady { command = ["%3$s", "%4$s-steady"], env { GRANDCHILD = "1" } }
            user { command = ["%3$s", "%4$s-user"], depends-on = [steady] }
          }
        }
        """.formatted(tmp, port, RegulatorProcess.COMPONENT, mark));
    HttpCalls api = new HttpCalls("http://127.0.0.1:" + port, Optional.empty());
    java.util.Set<String> eventsBefore = java.util.Set.of();
    long restartsBefore = 0;
    for (int round = 1; round <= 3; round++) {
      try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> api.get("/ready").status() == 200);
        regulator.awaitState("user", "READY", Duration.ofSeconds(30));
        // after a crash the store's lock is stale for a few seconds: meanwhile the API says 503, not 500
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
          HttpCalls.Reply reply = api.get("/api/v1/events?limit=1");
          assertThat(reply.status()).as(reply.body()).isIn(200, 503);
          return reply.status() == 200;
        });
        // the journal kept everything the earlier runs wrote, and the history goes on from it
        assertThat(events(api)).as("round " + round + ": every event read before the kill is still there")
            .containsAll(eventsBefore);
        long restarts = restarts(api);
        assertThat(restarts).as("round " + round).isGreaterThanOrEqualTo(restartsBefore);
        if (round > 1) {
          assertThat(regulator.events("OrphanHandled", "steady")).as("round " + round).hasSize(1);
          assertThat(regulator.events("OrphanHandled", "user")).as("round " + round).hasSize(1);
        }
        // never two of a component, grandchild and all
        assertThat(LauncherIT.leaders(mark + "-steady")).hasSize(1);
        assertThat(LauncherIT.leaders(mark + "-user")).hasSize(1);
        assertThat(LauncherIT.leaders(mark + "-looper")).hasSizeLessThanOrEqualTo(1);

        // let the looper restart a few times, then kill Regulator while it does
        long seen = regulator.events("ProcessStarted", "looper").size();
        await().atMost(Duration.ofSeconds(20)).until(() -> regulator.events("ProcessStarted", "looper").size() >= seen + 4);
        await().atMost(Duration.ofSeconds(20)).until(() -> restarts(api) > restarts);
        restartsBefore = restarts(api);
        eventsBefore = events(api);
        regulator.process.toHandle().destroyForcibly();
        assertThat(regulator.process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
    }
    // a last start, stopped cleanly: nothing of the fleet is left
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      regulator.awaitState("user", "READY", Duration.ofSeconds(30));
      assertThat(LauncherIT.leaders(mark + "-steady")).hasSize(1);
      regulator.process.destroy();
      assertThat(regulator.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> LauncherIT.marked(mark).isEmpty());
    // and the journal reads with the service down: every round's restarts are in it
    RegulatorProcess.Result report = RegulatorProcess.exec("report", "-c", config.toString(), "--component", "looper",
        "--format", "json");
    assertThat(report.exitCode()).as(report.output()).isZero();
    JsonNode looper = new com.fasterxml.jackson.databind.ObjectMapper().readTree(report.output().lines()
        .filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(looper.path("restarts").asLong()).isGreaterThanOrEqualTo(restartsBefore);
  }

  /** Every event in the journal, each as time, type, component and pid. */
  private static java.util.Set<String> events(HttpCalls api) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    api.get("/api/v1/events?limit=10000").json().forEach(e -> keys.add(e.path("time").asText() + " "
        + e.path("type").asText() + " " + e.path("component").asText() + " " + e.path("pid").asText()));
    return keys;
  }

  /** The looper's restarts as the journal's report counts them. */
  private static long restarts(HttpCalls api) {
    JsonNode components = api.get("/api/v1/report?component=looper").json().path("components");
    return components.isEmpty() ? 0 : components.get(0).path("restarts").asLong();
  }
}
