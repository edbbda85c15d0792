package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.keys;
import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Repeat interval per alert, and the rate limit per receiver that sends a summary instead of a storm. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepeatAndRateLimitTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void anUnresolvedAlertIsSentAgainAfterTheRepeatIntervalAndNotBefore() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "escalation.steps = []")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      Notification first = h.expectNotification();

      h.advance(Duration.ofMinutes(15));
      h.observe(h.crash("worker")); // the same alert again: its cooldown holds
      h.advance(Duration.ofMinutes(14));
      h.expectNoNotification();

      h.advance(Duration.ofMinutes(1)); // 30m after it was sent
      h.advance(Duration.ofSeconds(10)); // the repeat waits for its group like anything else
      Notification repeat = h.expectNotification();
      assertThat(only(repeat).key()).isEqualTo("worker/crashed");
      assertThat(only(repeat).since()).isEqualTo(AlertHarness.START);
      assertThat(repeat.id()).isNotEqualTo(first.id());

      h.advance(Duration.ofMinutes(29));
      h.expectNoNotification();
    }
  }

  @Test
  void theMessageThatHitsTheLimitSaysSoAndTheRestIsOneSummary() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp,
        "group-wait = 0s, rate-limit { max = 3, per = 1h }, escalation.steps = [], repeat-interval = 1d")) {
      h.observe(h.crash("worker"));
      h.observe(h.crash("web"));
      h.observe(h.failed("db"));
      for (Notification n : h.expectNotifications(3)) {
        assertThat(n.summary()).isEmpty();
      }

      h.observe(h.state("worker", ComponentState.RUNNING, ComponentState.CIRCUIT_OPEN,
          Cause.of(CauseCategory.INTENSITY_EXCEEDED, "more than 5 restarts within 1m")));
      Notification limit = h.expectNotification();
      assertThat(keys(limit)).containsExactly("worker/circuit-open");
      assertThat(limit.summary()).hasValueSatisfying(s -> assertThat(s)
          .contains("rate limit reached: 3 messages to ops within 1h").contains("held back"));

      // the storm: held back
      h.observe(new HealthEvent.RegulatorLifecycle(h.clock.instant(), AlertHarness.NODE, HealthEvent.SYSTEM,
          "journal degraded", Optional.of("store down")));
      h.advance(Duration.ofMinutes(10));
      h.observe(new HealthEvent.ProbeChanged(h.clock.instant(), AlertHarness.NODE, "web", "liveness", "http", false,
          5, Cause.of(CauseCategory.PROBE_STATUS, "status 500"), "500"));
      h.observe(h.crash("worker")); // a duplicate: not even held
      h.expectNoNotification();

      h.advance(Duration.ofMinutes(50)); // an hour after the first three
      Notification summary = h.expectNotification();
      assertThat(keys(summary)).containsExactly("system/journal-degraded", "web/unhealthy");
      assertThat(summary.summary()).hasValueSatisfying(s -> assertThat(s)
          .contains("2 message(s) with 2 alert(s) were held back"));
      h.expectNoNotification();

      // there is room again: back to normal
      h.observe(h.ready("db"));
      Notification resolved = h.expectNotification();
      assertThat(resolved.summary()).isEmpty();
      assertThat(only(resolved).key()).isEqualTo("db/failed");
      assertThat(only(resolved).resolved()).isTrue();
    }
  }
}
