package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A component that keeps failing and recovering: one "flapping" alert instead of the stream, one when it stops. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlappingTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void oneFlappingAlertReplacesTheStreamAndOneSaysWhenItStopped() throws Exception {
    // calm time is sampled hourly here, so that the crash loop below (seconds apart) is all changes
    try (AlertHarness h = AlertHarness.start(testKit, tmp,
        "flap.interval = 1h, repeat-interval = 1d, escalation.steps = []")) {
      // three crashes that stay down past group-wait: each is sent, and resolved
      for (int i = 0; i < 3; i++) {
        h.observe(h.crashToBackoff("worker"));
        h.advance(Duration.ofSeconds(11));
        assertThat(only(h.expectNotification()).key()).isEqualTo("worker/crashed");
        h.observe(h.ready("worker"));
        h.advance(Duration.ofSeconds(11));
        assertThat(only(h.expectNotification()).resolved()).isTrue();
      }

      // the fourth crash is the sixth change in a row: 34% >= 30%, flapping
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(11));
      Alert flapping = only(h.expectNotification());
      assertThat(flapping.key()).isEqualTo("worker/flapping");
      assertThat(flapping.severity()).isEqualTo(Severity.WARNING);
      assertThat(flapping.cause().detail()).contains("34.4%").contains("exited with code 1");
      assertThat(h.active("worker/crashed").suppressed()).hasValueSatisfying(r -> assertThat(r).startsWith("flapping"));

      // while flapping, the crash loop says nothing more
      h.observe(h.ready("worker"));
      h.advance(Duration.ofSeconds(11));
      for (int i = 0; i < 4; i++) {
        h.observe(h.crashToBackoff("worker"));
        h.advance(Duration.ofSeconds(11));
        h.observe(h.ready("worker"));
        h.advance(Duration.ofSeconds(11));
      }
      h.expectNoNotification();

      // calm: it has been READY for a while; samples of that bring the change down to 25% or less
      int hours = 0;
      while (h.active().stream().anyMatch(a -> a.alert().key().equals("worker/flapping"))) {
        assertThat(++hours).as("hours until flapping stops").isLessThan(30);
        h.advance(Duration.ofHours(1));
      }
      h.advance(Duration.ofSeconds(10));
      Alert stopped = only(h.expectNotification());
      assertThat(stopped.key()).isEqualTo("worker/flapping");
      assertThat(stopped.resolved()).isTrue();
      assertThat(stopped.title()).contains("stopped flapping");
      h.expectNoNotification();

      // and a crash after that is an alert of its own again
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(only(h.expectNotification()).key()).isEqualTo("worker/crashed");
    }
  }

  @Test
  void alertsAboveTheFlappingSeverityStillGoOut() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "flap.interval = 1h, escalation.steps = []")) {
      for (int i = 0; i < 3; i++) {
        h.observe(h.crashToBackoff("worker"));
        h.observe(h.ready("worker"));
      }
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(only(h.expectNotification()).key()).isEqualTo("worker/flapping");

      h.observe(h.state("worker", io.regulator.core.event.ComponentState.BACKOFF,
          io.regulator.core.event.ComponentState.CIRCUIT_OPEN,
          io.regulator.core.event.Cause.of(io.regulator.core.event.CauseCategory.INTENSITY_EXCEEDED, "too many")));
      h.advance(Duration.ofSeconds(10));
      Alert circuit = only(h.expectNotification());
      assertThat(circuit.key()).isEqualTo("worker/circuit-open");
      assertThat(circuit.severity()).isEqualTo(Severity.ERROR);
    }
  }
}
