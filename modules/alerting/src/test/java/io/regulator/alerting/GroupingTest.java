package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.keys;
import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.HealthEvent;
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

/** Dedup by component + condition, and group-wait: related alerts in one message, CRITICAL at once. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupingTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void theSameConditionAgainIsTheSameAlert() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(2));
      h.observe(h.crash("worker"));
      h.observe(liveness("worker"));
      h.observe(liveness("worker"));
      h.expectNoNotification(); // group-wait (10s) is not over

      h.advance(Duration.ofSeconds(8));
      Notification n = h.expectNotification();
      assertThat(keys(n)).containsExactly("worker/crashed", "worker/unhealthy");
      assertThat(n.alerts().get(0).since()).isEqualTo(AlertHarness.START); // the first crash, not the second

      // still open and already sent: another crash is no news
      h.observe(h.crash("worker"));
      h.advance(Duration.ofSeconds(11));
      h.expectNoNotification();
      assertThat(h.active("worker/crashed").notified()).isTrue();
      assertThat(h.active("worker/crashed").occurrences()).isEqualTo(3);
      assertThat(h.active("worker/unhealthy").occurrences()).isEqualTo(2);
      assertThat(h.active()).hasSize(2);
    }
  }

  @Test
  void alertsWithinGroupWaitGoOutAsOneMessage() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(4));
      h.observe(h.crashToBackoff("web"));
      h.advance(Duration.ofSeconds(5));
      h.expectNoNotification();

      h.advance(Duration.ofSeconds(1)); // 10s after the first alert
      Notification n = h.expectNotification();
      assertThat(keys(n)).containsExactly("worker/crashed", "web/crashed");
      assertThat(n.severity()).isEqualTo(Severity.ERROR);
      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();
    }
  }

  @Test
  void criticalGoesOutAtOnceWithWhatWaits() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(3));
      h.observe(h.groupEscalated("edge", "runner"));
      Notification n = h.expectNotification();
      assertThat(keys(n)).containsExactly("worker/crashed", "system/group-escalated");
      assertThat(n.severity()).isEqualTo(Severity.CRITICAL);

      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();
    }
  }

  @Test
  void aBlipOverWithinGroupWaitIsSentOnceSayingItRecovered() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(2));
      h.observe(h.ready("worker"));
      assertThat(h.active()).isEmpty();
      // at the group's time, one message: what happened, and that it healed
      h.advance(Duration.ofSeconds(10));
      Alert healed = only(h.expectNotification());
      assertThat(healed.key()).isEqualTo("worker/crashed");
      assertThat(healed.resolved()).isFalse();
      assertThat(healed.title()).contains("crashed").contains("recovered after 2s");
      // no resolved message after it, and the same blip again soon is not sent again
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(1));
      h.observe(h.ready("worker"));
      h.advance(Duration.ofSeconds(20));
      h.expectNoNotification();
    }
  }

  @Test
  void withHealedNotificationsOffABlipIsNotSent() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "healed-notifications = false")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(2));
      h.observe(h.ready("worker"));
      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();
      assertThat(h.active()).isEmpty();
    }
  }

  @Test
  void eachReceiverOfTheRouteGetsItsOwnMessage() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "route.receivers = [\"*\"]")) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      var both = h.expectNotifications(2);
      assertThat(both).extracting(Notification::receiver).containsExactlyInAnyOrder("ops", "oncall");
      assertThat(both).allSatisfy(n -> assertThat(only(n).key()).isEqualTo("worker/crashed"));
      assertThat(both.get(0).id()).isNotEqualTo(both.get(1).id());
    }
  }

  private static HealthEvent liveness(String component) {
    return new HealthEvent.ProbeChanged(AlertHarness.START, AlertHarness.NODE, component, "liveness", "tcp", false, 3,
        Cause.of(CauseCategory.PROBE_REFUSED, "connection refused"), "refused");
  }
}
