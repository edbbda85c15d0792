package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** An unresolved alert escalates by time: WARNING -> ERROR after 5m -> CRITICAL after 15m, adding on-call. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EscalationTest {

  private static final String STEPS = """
      repeat-interval = 2h
      escalation.steps = [
        { after = 5m, severity = ERROR }
        { after = 15m, severity = CRITICAL, receivers = [oncall] }
      ]
      """;

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void anUnresolvedAlertEscalatesStepByStepAndReachesMoreReceivers() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, STEPS)) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      Alert first = only(h.expectNotification());
      assertThat(first.severity()).isEqualTo(Severity.WARNING);
      assertThat(first.escalationStep()).isZero();

      h.advance(Duration.ofSeconds(289)); // 4m59s
      h.expectNoNotification();
      h.advance(Duration.ofSeconds(1)); // 5m: ERROR, to the same receivers after group-wait
      h.advance(Duration.ofSeconds(10));
      Notification error = h.expectNotification();
      assertThat(error.receiver()).isEqualTo("ops");
      assertThat(only(error).severity()).isEqualTo(Severity.ERROR);
      assertThat(only(error).escalationStep()).isEqualTo(1);
      assertThat(h.active("worker/crashed").receivers()).containsExactly("ops");

      h.advance(Duration.ofSeconds(590)); // 15m: CRITICAL goes out at once, and on-call joins
      List<Notification> critical = h.expectNotifications(2);
      assertThat(critical).extracting(Notification::receiver).containsExactlyInAnyOrder("ops", "oncall");
      assertThat(critical).allSatisfy(n -> {
        assertThat(only(n).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(only(n).escalationStep()).isEqualTo(2);
        assertThat(only(n).since()).isEqualTo(AlertHarness.START);
      });
      assertThat(h.active("worker/crashed").receivers()).containsExactly("ops", "oncall");

      h.observe(h.ready("worker"));
      h.advance(Duration.ofSeconds(10));
      List<Notification> resolved = h.expectNotifications(2);
      assertThat(resolved).extracting(Notification::receiver).containsExactlyInAnyOrder("ops", "oncall");
      assertThat(resolved).allSatisfy(n -> assertThat(only(n).resolved()).isTrue());
      h.advance(Duration.ofHours(1));
      h.expectNoNotification();
    }
  }

  @Test
  void aStepThatChangesNothingButReceiversTellsOnlyTheNewOnes() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, STEPS)) {
      h.observe(h.groupEscalated("edge", "runner")); // CRITICAL from the start
      assertThat(h.expectNotification().receiver()).isEqualTo("ops");

      h.advance(Duration.ofMinutes(5)); // ERROR is no escalation of a CRITICAL alert
      h.expectNoNotification();

      h.advance(Duration.ofMinutes(10));
      Notification oncall = h.expectNotification();
      assertThat(oncall.receiver()).isEqualTo("oncall");
      assertThat(only(oncall).escalationStep()).isEqualTo(2);
      h.expectNoNotification();
    }
  }

  @Test
  void aResolvedAlertStopsEscalating() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, STEPS)) {
      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      h.expectNotification();
      h.observe(h.ready("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(only(h.expectNotification()).resolved()).isTrue();
      h.advance(Duration.ofMinutes(20));
      h.expectNoNotification();
    }
  }
}
