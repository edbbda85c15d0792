package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.keys;
import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Silences (maintenance windows) by component and time, held by the alert manager. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SilenceTest {

  private static final String QUIET = "escalation.steps = [], repeat-interval = 1d";

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void aSilenceSuppressesItsComponentUntilItEnds() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, QUIET)) {
      StatusReply<Silence> added = h.silence("worker", Duration.ofHours(1), "deploying worker 2.0 (ana)");
      assertThat(added.isSuccess()).isTrue();
      Silence silence = added.getValue();
      assertThat(silence.id()).isNotBlank();
      assertThat(silence.startsAt()).isEqualTo(AlertHarness.START);
      assertThat(silence.endsAt()).isEqualTo(AlertHarness.START.plus(Duration.ofHours(1)));
      assertThat(h.silences()).containsExactly(silence);
      assertThat(h.alertEvents.receiveMessage()).isEqualTo(new AlertEvent.SilenceAdded(AlertHarness.START, silence));

      h.observe(h.crashToBackoff("worker"));
      h.observe(h.crashToBackoff("web"));
      h.advance(Duration.ofSeconds(10));
      assertThat(keys(h.expectNotification())).containsExactly("web/crashed");
      assertThat(h.active("worker/crashed").suppressed()).hasValueSatisfying(r -> assertThat(r)
          .startsWith("silenced until").contains(silence.id()).contains("deploying worker 2.0 (ana)"));
      AlertEvent.AlertSuppressed suppressed = (AlertEvent.AlertSuppressed) h.alertEvents.receiveMessage();
      assertThat(suppressed.alert().key()).isEqualTo("worker/crashed");

      // the window ends with worker still down: now it is sent
      h.advance(Duration.ofMinutes(59).plusSeconds(40));
      h.expectNoNotification();
      h.advance(Duration.ofSeconds(10)); // the hour is over
      assertThat(h.silences()).isEmpty();
      h.advance(Duration.ofSeconds(10)); // and group-wait
      Alert worker = only(h.expectNotification());
      assertThat(worker.key()).isEqualTo("worker/crashed");
      assertThat(worker.since()).isEqualTo(AlertHarness.START);
      assertThat(h.alertEvents.receiveMessage()).isEqualTo(new AlertEvent.SilenceRemoved(
          AlertHarness.START.plus(Duration.ofHours(1)), silence, true));
    }
  }

  @Test
  void removingASilenceSendsWhatItHeldBack() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, QUIET)) {
      Silence all = h.silence("*", Duration.ofHours(8), "maintenance of the host").getValue();
      h.observe(h.crashToBackoff("worker"));
      h.observe(h.groupEscalated("edge", "runner")); // CRITICAL, and still silenced
      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();

      TestProbe<StatusReply<Silence>> reply = testKit.createTestProbe();
      h.manager.tell(new AlertManager.RemoveSilence(all.id(), reply.ref()));
      assertThat(reply.receiveMessage().getValue()).isEqualTo(all);
      Notification critical = h.expectNotification(); // CRITICAL does not wait, and takes what waits along
      assertThat(keys(critical)).containsExactlyInAnyOrder("worker/crashed", "system/group-escalated");
      assertThat(h.silences()).isEmpty();

      h.manager.tell(new AlertManager.RemoveSilence(all.id(), reply.ref()));
      assertThat(reply.receiveMessage().getError().getMessage()).contains("no silence with id");
    }
  }

  @Test
  void aSilenceNeedsAKnownComponentAFutureEndAndAReason() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, QUIET)) {
      assertThat(h.silence("nope", Duration.ofHours(1), "x").getError().getMessage())
          .contains("unknown component 'nope'");
      assertThat(h.silence("worker", Duration.ofHours(-1), "x").getError().getMessage())
          .contains("must end after it starts");
      assertThat(h.silence("worker", Duration.ofHours(1), " ").getError().getMessage()).contains("needs a reason");
      assertThat(h.silence("system", Duration.ofHours(1), "journal migration").isSuccess()).isTrue();
      assertThat(h.silences()).extracting(Silence::component).containsExactly("system");
    }
  }

  @Test
  void aSilenceInTheFutureStartsLater() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, QUIET)) {
      TestProbe<StatusReply<Silence>> reply = testKit.createTestProbe();
      Instant start = h.clock.instant().plus(Duration.ofMinutes(30));
      h.manager.tell(new AlertManager.AddSilence("worker", Optional.of(start), start.plus(Duration.ofHours(1)),
          "planned restart", reply.ref()));
      assertThat(reply.receiveMessage().isSuccess()).isTrue();

      h.observe(h.crashToBackoff("worker"));
      h.advance(Duration.ofSeconds(10));
      assertThat(only(h.expectNotification()).key()).isEqualTo("worker/crashed");

      h.advance(Duration.ofMinutes(30));
      h.observe(h.failed("worker"));
      h.advance(Duration.ofSeconds(10));
      h.expectNoNotification();
      assertThat(h.active("worker/failed").suppressed()).isPresent();
    }
  }
}
