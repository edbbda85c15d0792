package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal store goes down under a running Regulator and comes back: supervision goes on
 * without waiting, "journal degraded" and "journal recovered" are raised, and what happened during
 * the outage is in the journal afterwards. Needs a PostgreSQL that the test may stop and start
 * (REGULATOR_TEST_POSTGRES_* and the packaged cluster tools, as CI sets up); skipped otherwise.
 */
class JournalOutageIT {

  private static final String URL = System.getenv("REGULATOR_TEST_POSTGRES_URL");

  @TempDir Path tmp;

  @Test
  void supervisionGoesOnWhileTheJournalStoreIsDownAndTheBufferIsWrittenAfterwards() throws Exception {
    assumeThat(URL).as("PostgreSQL not configured (REGULATOR_TEST_POSTGRES_URL unset): journal outage test skipped")
        .isNotBlank();
    String cluster = cluster();
    assumeThat(cluster).as("no packaged PostgreSQL cluster to stop and start here: journal outage test skipped")
        .isNotNull();
    String mark = "outage-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String crasher = "crasher" + System.nanoTime() % 100000;
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          http.port = 0
          data-dir = "%s/data"
          log-dir = "%s/logs"
          journal { store = postgres, postgres { url = "%s", user = "%s", password = "%s" } }
          components {
            %s {
              command = ["%s", "%s"], restart = always, ready-after = 0s, env { LIFETIME = "0.3" }
              backoff { min = 200ms, max = 200ms, random-factor = 0 }, intensity { max-restarts = 100000, within = 1s }
            }
          }
        }
        """.formatted(tmp, tmp, URL, System.getenv("REGULATOR_TEST_POSTGRES_USER"),
        System.getenv("REGULATOR_TEST_POSTGRES_PASSWORD"), crasher, RegulatorProcess.COMPONENT, mark));
    Instant downAt;
    Instant upAt;
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      await().atMost(Duration.ofSeconds(30)).until(() -> regulator.events("ProcessStarted", crasher).size() >= 3);
      try {
        downAt = Instant.now();
        pgctl(cluster, "stop");
        await().atMost(Duration.ofSeconds(30)).until(() -> lifecycle(regulator, "journal degraded"));
        // supervision does not wait for the journal: restarts go on at the backoff's pace
        int before = regulator.events("ProcessStarted", crasher).size();
        Thread.sleep(2500);
        assertThat(regulator.events("ProcessStarted", crasher).size()).isGreaterThanOrEqualTo(before + 3);
      } finally {
        pgctl(cluster, "start");
      }
      upAt = Instant.now();
      await().atMost(Duration.ofSeconds(60)).until(() -> lifecycle(regulator, "journal recovered"));
      regulator.process.destroy();
      assertThat(regulator.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(regulator.process.exitValue()).isZero();
    }
    // The restarts made while the store was down were buffered and written when it came back.
    RegulatorProcess.Result events = RegulatorProcess.exec("events", "-c", config.toString(), "--component", crasher,
        "--format", "json");
    assertThat(events.exitCode()).as(events.output()).isZero();
    List<String> startsDuringOutage = events.output().lines()
        .filter(l -> l.contains("\"ProcessStarted\""))
        .filter(l -> {
          Instant t = Instant.parse(l.replaceAll(".*\"time\":\"([^\"]+)\".*", "$1"));
          return t.isAfter(downAt) && t.isBefore(upAt);
        }).toList();
    assertThat(startsDuringOutage).hasSizeGreaterThanOrEqualTo(3);
  }

  private static boolean lifecycle(RegulatorProcess regulator, String what) {
    return regulator.events("RegulatorLifecycle", "system").stream()
        .map(JsonNode.class::cast).anyMatch(e -> e.path("what").asText().equals(what));
  }

  /** "15 main" for the packaged cluster, or null when there is none. */
  private static String cluster() throws Exception {
    try {
      Process p = new ProcessBuilder("pg_lsclusters", "-h").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor() != 0 || out.isEmpty()) {
        return null;
      }
      String[] fields = out.lines().findFirst().orElse("").split("\\s+");
      return fields.length >= 2 ? fields[0] + " " + fields[1] : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  private static void pgctl(String cluster, String action) throws Exception {
    String[] parts = cluster.split(" ");
    Process p = new ProcessBuilder("pg_ctlcluster", parts[0], parts[1], action).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }
}
