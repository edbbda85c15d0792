package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.Cause;
import io.regulator.core.event.ComponentState;
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

/** Recovery resolves a component's alerts; who heard of an alert hears that it is over (on by default). */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecoveryTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void readyAgainSendsTheResolvedMessage() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(only(h.expectNotification()).resolved()).isFalse();

      h.advance(Duration.ofMinutes(2));
      h.observe(h.ready("worker"));
      assertThat(h.active()).isEmpty();
      h.advance(Duration.ofSeconds(10));
      Alert resolved = only(h.expectNotification());
      assertThat(resolved.key()).isEqualTo("worker/crashed");
      assertThat(resolved.resolved()).isTrue();
      assertThat(resolved.since()).isEqualTo(AlertHarness.START);
      assertThat(resolved.title()).contains("resolved after 2m10s").contains("ready again");
      h.expectNoNotification();
    }
  }

  @Test
  void resolvedNotificationsCanBeTurnedOff() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "resolved-notifications = false")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      h.expectNotification();
      h.observe(h.ready("worker"));
      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();
      assertThat(h.active()).isEmpty();
    }
  }

  @Test
  void aRequestedStopClosesTheComponentsAlerts() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.failed("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(only(h.expectNotification()).key()).isEqualTo("worker/failed");

      h.observe(h.state("worker", ComponentState.FAILED, ComponentState.STOPPED, Cause.requested("stop")));
      h.advance(Duration.ofSeconds(10));
      Alert resolved = only(h.expectNotification());
      assertThat(resolved.resolved()).isTrue();
      assertThat(resolved.title()).contains("stopped on request");
    }
  }

  @Test
  void theGroupEscalationIsOverWhenItsMembersAreUpAgain() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.groupEscalated("edge", "runner"));
      assertThat(only(h.expectNotification()).key()).isEqualTo("system/group-escalated");
      h.observe(h.crashToBackoff("tunnel")); // inhibited by runner, but a member still down
      h.observe(h.ready("runner"));
      assertThat(h.active()).extracting(a -> a.alert().key()).contains("system/group-escalated");

      h.observe(h.ready("tunnel"));
      assertThat(h.active()).isEmpty();
      h.advance(Duration.ofSeconds(10));
      Alert resolved = only(h.expectNotification());
      assertThat(resolved.key()).isEqualTo("system/group-escalated");
      assertThat(resolved.resolved()).isTrue();
      assertThat(resolved.title()).contains("every member of edge is up again");
    }
  }
}
