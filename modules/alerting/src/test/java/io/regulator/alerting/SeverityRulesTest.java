package io.regulator.alerting;

import static io.regulator.alerting.AlertHarness.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Health events become alerts with the severity of their rule, one level higher on a critical component. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeverityRulesTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().withCustomConfig(ManualTime.config()).build();

  @TempDir Path tmp;

  @Test
  void aCrashIsAWarningAndOnACriticalComponentAnError() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "group-wait = 0s")) {
      h.observe(h.crash("worker"));
      Notification n = h.expectNotification();
      assertThat(n.receiver()).isEqualTo("ops");
      assertThat(n.id()).isNotBlank();
      assertThat(n.summary()).isEmpty();
      Alert alert = only(n);
      assertThat(alert.key()).isEqualTo("worker/crashed");
      assertThat(alert.component()).isEqualTo("worker");
      assertThat(alert.condition()).isEqualTo("crashed");
      assertThat(alert.severity()).isEqualTo(Severity.WARNING);
      assertThat(alert.cause().detail()).isEqualTo("exited with code 1");
      assertThat(alert.since()).isEqualTo(AlertHarness.START);
      assertThat(alert.resolved()).isFalse();
      assertThat(alert.escalationStep()).isZero();

      h.observe(h.crash("web")); // critical = true
      Alert critical = only(h.expectNotification());
      assertThat(critical.key()).isEqualTo("web/crashed");
      assertThat(critical.severity()).isEqualTo(Severity.ERROR);
    }
  }

  @Test
  void eachConditionHasTheSeverityOfItsRule() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "group-wait = 0s")) {
      h.observe(h.failed("db"));
      assertThat(only(h.expectNotification())).satisfies(a -> {
        assertThat(a.key()).isEqualTo("db/failed");
        assertThat(a.severity()).isEqualTo(Severity.ERROR);
        assertThat(a.title()).contains("executable not found: /opt/db");
      });

      h.observe(h.state("worker", ComponentState.RUNNING, ComponentState.CIRCUIT_OPEN,
          Cause.of(CauseCategory.INTENSITY_EXCEEDED, "more than 5 restarts within 1m")));
      assertThat(only(h.expectNotification()).key()).isEqualTo("worker/circuit-open");

      h.observe(new HealthEvent.ProbeChanged(h.clock.instant(), AlertHarness.NODE, "web", "liveness", "http", false,
          1000, Cause.of(CauseCategory.PROBE_TIMEOUT, "no answer within 1s"), "timeout"));
      assertThat(only(h.expectNotification())).satisfies(a -> {
        assertThat(a.key()).isEqualTo("web/unhealthy");
        assertThat(a.severity()).isEqualTo(Severity.ERROR); // WARNING, raised: web is critical
      });

      h.observe(new HealthEvent.RegulatorLifecycle(h.clock.instant(), AlertHarness.NODE, HealthEvent.SYSTEM,
          "journal degraded", Optional.of("cannot write to jdbc:h2:data/journal")));
      assertThat(only(h.expectNotification())).satisfies(a -> {
        assertThat(a.key()).isEqualTo("system/journal-degraded");
        assertThat(a.severity()).isEqualTo(Severity.WARNING);
      });

      h.observe(h.groupEscalated("edge", "runner"));
      assertThat(only(h.expectNotification())).satisfies(a -> {
        assertThat(a.key()).isEqualTo("system/group-escalated");
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
      });
      // the root's SystemCritical about the same escalation is the same alert
      h.observe(new HealthEvent.SystemCritical(h.clock.instant(), AlertHarness.NODE, HealthEvent.SYSTEM,
          "group 'edge' exceeded its restart intensity (11 failures, last by 'runner'); other components keep running"));
      h.expectNoNotification();
      // any other CRITICAL of Regulator itself is an alert of its own
      h.observe(new HealthEvent.SystemCritical(h.clock.instant(), AlertHarness.NODE, HealthEvent.SYSTEM,
          "alert receiver 'oncall' (log) disabled: 410 Gone"));
      assertThat(only(h.expectNotification())).satisfies(a -> {
        assertThat(a.key()).isEqualTo("system/critical");
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.title()).contains("alert receiver 'oncall'");
      });
    }
  }

  @Test
  void rulesInConfigSetSeveritiesAndOffMeansNoAlert() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "group-wait = 0s, rules { crashed = ERROR, unhealthy = off }")) {
      h.observe(h.crash("worker"));
      assertThat(only(h.expectNotification()).severity()).isEqualTo(Severity.ERROR);
      h.observe(h.crash("web"));
      assertThat(only(h.expectNotification()).severity()).isEqualTo(Severity.CRITICAL);

      h.observe(h.state("worker", ComponentState.READY, ComponentState.UNHEALTHY,
          Cause.of(CauseCategory.PROBE_REFUSED, "connection refused")));
      h.expectNoNotification();
      assertThat(h.active()).extracting(a -> a.alert().key()).containsExactly("worker/crashed", "web/crashed");
    }
  }

  @Test
  void requestedStopsAndCleanExitsAreNoCrash() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "group-wait = 0s")) {
      h.observe(new HealthEvent.ProcessExited(h.clock.instant(), AlertHarness.NODE, "worker", 1,
          io.regulator.core.event.ExitStatus.signal("TERM"), Cause.requested("stop"), 1000, 0));
      h.observe(new HealthEvent.ProcessExited(h.clock.instant(), AlertHarness.NODE, "worker", 2,
          io.regulator.core.event.ExitStatus.code(0), Cause.of(CauseCategory.EXIT_CODE, "exited with code 0"), 1000, 0));
      h.expectNoNotification();
      assertThat(h.active()).isEmpty();
    }
  }

  @Test
  void itListensToTheEventBus() throws Exception {
    try (AlertHarness h = AlertHarness.start(testKit, tmp, "group-wait = 0s")) {
      testKit.system().eventStream().tell(new EventStream.Publish<>(h.crash("worker")));
      assertThat(only(h.expectNotification()).key()).isEqualTo("worker/crashed");
    }
  }
}
