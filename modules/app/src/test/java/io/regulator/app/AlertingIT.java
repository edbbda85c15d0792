package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts end to end: real processes under {@code bin/regulator run}, and a real local HTTP server
 * standing in for Slack's incoming webhook that records every message it receives.
 */
class AlertingIT {

  @TempDir Path tmp;
  private RecordingWebhook slack;

  @BeforeEach
  void startSlack() throws IOException {
    slack = new RecordingWebhook();
  }

  @AfterEach
  void stopSlack() {
    slack.close();
  }

  @Test
  void oneMessagePerRealProblemAndOnlyTheRootCauseOfAnOutage() throws Exception {
    String mark = "alert-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    String component = RegulatorProcess.COMPONENT;
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          http.port = 0
          data-dir = "%s/data"
          log-dir = "%s/logs"
          alerts {
            group-wait = 1s
            receivers { ops { type = slack, webhook-url = "http://127.0.0.1:%d/hook" } }
          }
          defaults { ready-after = 300ms }
          components {
            crashloop {
              command = ["%s", "%s-crashloop"], restart = always, env { LIFETIME = "0.2" }, ready-after = 3s
              backoff { min = 400ms, max = 400ms, random-factor = 0 }, intensity { max-restarts = 1000, within = 60s }
            }
            database {
              command = ["%s", "%s-database"], restart = always
              backoff { min = 4s, max = 4s, random-factor = 0 }
            }
            webapp { command = ["%s", "%s-webapp"], depends-on = [database], on-dependency-loss = stop }
          }
        }
        """.formatted(tmp, tmp, slack.port(), component, mark, component, mark, component, mark));
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      regulator.awaitState("webapp", "READY", Duration.ofSeconds(30));
      // A crash loop: many crashes, one key, one message within group-wait + 1 s of the first crash.
      await().atMost(Duration.ofSeconds(10)).until(() -> !about("crashloop").isEmpty());
      Instant firstCrash = Instant.parse(regulator.events("ProcessExited", "crashloop").get(0).path("time").asText());
      assertThat(Duration.between(firstCrash, about("crashloop").get(0).at()).toMillis()).isLessThan(1000 + 1000 + 500);
      Thread.sleep(3000); // several more crashes within the repeat interval
      assertThat(regulator.events("ProcessExited", "crashloop").size()).isGreaterThanOrEqualTo(4);
      assertThat(about("crashloop")).hasSize(1);
      // the message carries the last lines the component wrote to stderr
      assertThat(about("crashloop").get(0).body()).contains("to stderr");

      // A dependency outage: one message, naming the root cause; none about the dependent.
      long database = regulator.lastPid("database");
      ProcessHandle.of(database).orElseThrow().destroyForcibly();
      regulator.awaitState("webapp", "WAITING", Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(5)).until(() -> !about("database").isEmpty());
      Thread.sleep(1500);
      assertThat(about("database")).hasSize(1);
      assertThat(about("database").get(0).body()).contains("SIGKILL");
      assertThat(about("webapp")).isEmpty();

      regulator.process.destroy();
      assertThat(regulator.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    // The store now also holds the alert outbox; reading the health history is not disturbed by it.
    RegulatorProcess.Result events = RegulatorProcess.exec("events", "-c", config.toString());
    assertThat(events.exitCode()).as(events.output()).isZero();
    assertThat(events.output()).contains("crashloop").contains("database");
  }

  /** Messages whose text names the component. */
  private List<RecordingWebhook.Message> about(String component) {
    return slack.messages().stream().filter(r -> r.body().contains(component)).toList();
  }
}
