package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.keys;
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

/** Only the root cause pages: a component's alerts wait while a component it requires is down. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InhibitionTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void whileARequiredComponentIsDownOnlyItsAlertsAreSent() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      // tunnel requires runner requires db; worker only wants runner
      h.observe(h.crashToBackoff("db"));
      h.observe(h.crashToBackoff("runner"));
      h.observe(h.crashToBackoff("tunnel"));
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(keys(h.expectNotification())).containsExactly("db/crashed", "worker/crashed");
      h.expectNoNotification();

      ActiveAlert runner = h.active("runner/crashed");
      assertThat(runner.notified()).isFalse();
      assertThat(runner.suppressed()).hasValueSatisfying(r -> assertThat(r).startsWith("inhibited")
          .contains("runner requires db, which is down"));
      assertThat(h.active("tunnel/crashed").suppressed()).hasValueSatisfying(r -> assertThat(r)
          .contains("tunnel requires db")); // the deepest root, through runner
      assertThat(h.active("worker/crashed").suppressed()).isEmpty();

      // recorded as events too, with the reason
      AlertEvent.AlertSuppressed first = (AlertEvent.AlertSuppressed) h.alertEvents.receiveMessage();
      assertThat(first.alert().key()).isEqualTo("runner/crashed");
      assertThat(first.reason()).contains("db");
      AlertEvent.AlertSuppressed second = (AlertEvent.AlertSuppressed) h.alertEvents.receiveMessage();
      assertThat(second.alert().key()).isEqualTo("tunnel/crashed");

      // db is back: its resolved message, and runner (still down) is the root cause now
      h.observe(h.ready("db"));
      h.advance(Duration.ofSeconds(10));
      Notification n = h.expectNotification();
      assertThat(keys(n)).containsExactly("db/crashed", "runner/crashed");
      assertThat(n.alerts().get(0).resolved()).isTrue();
      assertThat(n.alerts().get(1).resolved()).isFalse();
      assertThat(h.active("tunnel/crashed").suppressed()).hasValueSatisfying(r -> assertThat(r)
          .contains("tunnel requires runner, which is down"));

      // runner and tunnel recover: only runner was sent, so only runner is resolved in public
      h.observe(h.ready("runner"));
      h.observe(h.ready("tunnel"));
      h.advance(Duration.ofSeconds(10));
      Notification last = h.expectNotification();
      assertThat(keys(last)).containsExactly("runner/crashed");
      assertThat(last.alerts().get(0).resolved()).isTrue();
      h.expectNoNotification();
    }
  }

  @Test
  void aDependentThatFailsAfterItsDependencyIsAlsoInhibited() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "")) {
      h.observe(h.failed("runner"));
      h.advance(Duration.ofSeconds(10));
      assertThat(keys(h.expectNotification())).containsExactly("runner/failed");

      h.observe(h.crashToBackoff("tunnel"));
      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();
      assertThat(h.active("tunnel/crashed").suppressed()).isPresent();
    }
  }
}
