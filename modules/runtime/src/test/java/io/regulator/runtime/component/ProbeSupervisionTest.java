package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Probe roles acting on real processes: readiness gates READY and the dependents, liveness
 * restarts, startup gates the others with its own deadline, and a hanging target holds up nobody.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProbeSupervisionTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  private static final String WEB = FleetHarness.SCRIPTS.resolve("sup-web.py").toString();

  @Test
  void readinessGatesReadyAndDependentsFollowIt() throws Exception {
    int port = freePort();
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          web {
            command = ["%s", "$MARK-web", "%d"]
            env { READY_DELAY = "1.0", CONTROL_DIR = "$DIR" }
            probes.readiness { http { url = "http://127.0.0.1:%d/health" }, period = 200ms, timeout = 150ms,
                               failure-threshold = 2 }
          }
          app { command = ["$COMPONENT", "$MARK-app"], depends-on = [web], ready-after = 0s }
        }
        """.formatted(WEB, port, port))) {
      fleet.awaitState("web", ComponentState.READY, Duration.ofSeconds(10));
      Instant running = firstTime(fleet, "web", ComponentState.RUNNING);
      Instant ready = firstTime(fleet, "web", ComponentState.READY);
      // alive but not ready while /health answers 503, for about READY_DELAY
      assertThat(Duration.between(running, ready).toMillis()).isGreaterThanOrEqualTo(800);
      fleet.awaitState("app", ComponentState.READY, Duration.ofSeconds(5));
      assertThat(fleet.events(HealthEvent.ProcessStarted.class, "app").get(0).time()).isAfterOrEqualTo(ready);
      assertThat(fleet.statusOf("web").probes()).singleElement().satisfies(p -> {
        assertThat(p.role()).isEqualTo("readiness");
        assertThat(p.healthy()).isTrue();
        assertThat(p.lastLatencyMillis()).isNotNull();
      });

      // out of service: READY -> RUNNING, the dependent stops and waits
      long webPid = fleet.statusOf("web").pid();
      Files.createFile(tmp.resolve("not-ready"));
      fleet.awaitState("web", ComponentState.RUNNING, Duration.ofSeconds(5));
      fleet.awaitState("app", ComponentState.WAITING, Duration.ofSeconds(5));
      // the last failing change (an earlier one may come from the start, before the port was open)
      HealthEvent.ProbeChanged failing = fleet.events(HealthEvent.ProbeChanged.class, "web").stream()
          .filter(e -> !e.healthy()).reduce((first, second) -> second).orElseThrow();
      assertThat(failing.cause().category()).isEqualTo(CauseCategory.PROBE_STATUS);
      assertThat(failing.cause().detail()).contains("503");
      assertThat(fleet.statusOf("web").pid()).isEqualTo(webPid); // readiness never restarts

      Files.delete(tmp.resolve("not-ready"));
      fleet.awaitState("web", ComponentState.READY, Duration.ofSeconds(5));
      fleet.awaitState("app", ComponentState.READY, Duration.ofSeconds(5));
    }
  }

  @Test
  void initialDelayAndSuccessThresholdHoldBackReady() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          careful {
            command = ["$COMPONENT", "$MARK-careful"]
            probes.readiness { exec { command = ["true"] }, initial-delay = 600ms, period = 150ms, timeout = 100ms,
                               success-threshold = 3 }
          }
        }
        """)) {
      fleet.awaitState("careful", ComponentState.READY, Duration.ofSeconds(10));
      long millis = Duration.between(firstTime(fleet, "careful", ComponentState.RUNNING),
          firstTime(fleet, "careful", ComponentState.READY)).toMillis();
      // first check after 600ms, then two more one period apart
      assertThat(millis).isGreaterThanOrEqualTo(600 + 2 * 150 - 20);
      assertThat(fleet.events(HealthEvent.ProbeChanged.class, "careful")).singleElement()
          .satisfies(e -> assertThat(e.healthy()).isTrue());
    }
  }

  @Test
  void failingLivenessRestartsAndOpensTheCircuitWhichStartsTheFallback() throws Exception {
    int port = freePort();
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          tunnel {
            command = ["%s", "$MARK-tunnel", "%d"]
            env { CONTROL_DIR = "$DIR" }
            restart = always
            ready-after = 0s
            backoff { min = 100ms, max = 100ms, random-factor = 0 }
            intensity { max-restarts = 1, within = 60s }
            circuit { cooldown = 30s, max-cooldown = 30s }
            probes.liveness { http { url = "http://127.0.0.1:%d/health" }, period = 200ms, timeout = 150ms,
                              failure-threshold = 2, initial-delay = 1s }
            fallback = backup
          }
          backup { command = ["$COMPONENT", "$MARK-backup"], ready-after = 0s }
        }
        """.formatted(WEB, port, port))) {
      fleet.awaitState("tunnel", ComponentState.READY, Duration.ofSeconds(10));
      // the web server is up and answering (a slow start on a loaded machine is not the failure under test)
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.statusOf("tunnel").probes().stream()
          .anyMatch(p -> Boolean.TRUE.equals(p.healthy())));
      long first = fleet.statusOf("tunnel").pid();
      Files.createFile(tmp.resolve("broken"));

      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.statusOf("tunnel").circuit() == CircuitState.OPEN);
      assertThat(fleet.transitions("tunnel")).anyMatch(t -> t.to() == ComponentState.UNHEALTHY
          && t.cause().category() == CauseCategory.PROBE_STATUS && t.cause().detail().contains("500"));
      HealthEvent.ProcessExited exited = fleet.events(HealthEvent.ProcessExited.class, "tunnel").get(0);
      assertThat(exited.pid()).isEqualTo(first);
      assertThat(exited.cause().category()).isEqualTo(CauseCategory.PROBE_STATUS);
      assertThat(fleet.statusOf("tunnel").restarts()).isEqualTo(1);
      assertThat(FleetHarness.alive(first)).isFalse();
      // liveness kept failing long enough to open the circuit: the fallback stands in
      fleet.awaitState("backup", ComponentState.READY, Duration.ofSeconds(5));
    }
  }

  @Test
  void aLivenessFailureIsAFailureEvenWhenTheProgramExitsZeroOnSigterm() {
    // sup-component.sh exits 0 on SIGTERM; restart = on-failure (the default) must still restart it
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          polite {
            command = ["$COMPONENT", "$MARK-polite"]
            ready-after = 0s
            backoff { min = 100ms, max = 100ms, random-factor = 0 }
            probes.liveness { exec { command = ["false"] }, period = 200ms, timeout = 150ms, failure-threshold = 1 }
          }
        }
        """)) {
      await().atMost(Duration.ofSeconds(10)).until(() ->
          fleet.events(HealthEvent.ProcessStarted.class, "polite").size() >= 2);
      HealthEvent.ProcessExited exited = fleet.events(HealthEvent.ProcessExited.class, "polite").get(0);
      assertThat(exited.status().code()).contains(0);
      assertThat(exited.cause().category()).isEqualTo(CauseCategory.PROBE_EXIT_CODE);
      assertThat(fleet.transitions("polite")).noneMatch(t -> t.from() == ComponentState.STOPPING
          && t.to() == ComponentState.STOPPED);
    }
  }

  @Test
  void startupGatesTheOtherProbesAndItsDeadlineRestarts() throws Exception {
    int closed = freePort();
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          slow {
            command = ["$COMPONENT", "$MARK-slow"]
            restart = always
            backoff { min = 5s }
            probes {
              startup   { tcp { port = %d }, period = 100ms, timeout = 100ms, failure-threshold = 100, deadline = 800ms }
              readiness { exec { command = ["true"] }, period = 100ms, timeout = 100ms }
            }
          }
        }
        """.formatted(closed))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !fleet.events(HealthEvent.ProcessExited.class, "slow")
          .isEmpty());
      HealthEvent.ProcessExited exited = fleet.events(HealthEvent.ProcessExited.class, "slow").get(0);
      assertThat(exited.uptimeMillis()).isBetween(700L, 3000L);
      assertThat(exited.cause().detail()).contains("startup probe did not pass within 800ms")
          .contains("refused");
      // readiness was never checked: startup had not passed
      assertThat(fleet.events(HealthEvent.ProbeChanged.class, "slow")).noneMatch(e -> e.role().equals("readiness"));
      assertThat(fleet.transitions("slow")).noneMatch(t -> t.to() == ComponentState.READY);
      fleet.awaitState("slow", ComponentState.BACKOFF, Duration.ofSeconds(3));
    }
  }

  @Test
  void aProbeTargetThatHangsForeverHoldsUpNoOtherSupervision() throws Exception {
    int hangingPort = freePort();
    int healthyPort = freePort();
    Files.createFile(tmp.resolve("hang"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          stuck {
            command = ["%s", "$MARK-stuck", "%d"]
            env { CONTROL_DIR = "$DIR" }
            probes.liveness { http { url = "http://127.0.0.1:%d/health" }, period = 300ms, timeout = 250ms,
                              failure-threshold = 1000 }
          }
          fine {
            command = ["%s", "$MARK-fine", "%d"]
            env { CONTROL_DIR = "%s" }
            probes.readiness { http { url = "http://127.0.0.1:%d/health" }, period = 200ms, timeout = 150ms }
          }
          crasher {
            command = ["$COMPONENT", "$MARK-crasher"], restart = always, env { LIFETIME = "0.2" }
            backoff { min = 300ms, max = 300ms, random-factor = 0 }, intensity { max-restarts = 100, within = 60s }
          }
        }
        """.formatted(WEB, hangingPort, hangingPort, WEB, healthyPort, other, healthyPort))) {
      fleet.awaitState("fine", ComponentState.READY, Duration.ofSeconds(10));
      Thread.sleep(2000);
      // the stuck probe's checks end as timeouts, about one per period
      ComponentStatus stuck = fleet.statusOf("stuck");
      assertThat(stuck.probes()).singleElement().satisfies(p -> {
        assertThat(p.consecutiveFailures()).isGreaterThanOrEqualTo(4);
        assertThat(p.lastCause().category()).isEqualTo(CauseCategory.PROBE_TIMEOUT);
        assertThat(p.lastLatencyMillis()).isBetween(240L, 600L);
      });
      // everyone else is on time: restarts follow the 300ms backoff, the healthy probe checks every period
      List<Long> gaps = RestartPolicyBehaviourTest.gapsMillis(fleet, "crasher");
      assertThat(gaps).hasSizeGreaterThanOrEqualTo(3).allSatisfy(g -> assertThat(g).isBetween(295L, 550L));
      Instant lastCheck = fleet.statusOf("fine").probes().get(0).lastCheck();
      assertThat(Duration.between(lastCheck, Instant.now()).toMillis()).isLessThan(600);
      assertThat(fleet.statusOf("fine").state()).isEqualTo(ComponentState.READY);
    }
  }

  private static Instant firstTime(FleetHarness fleet, String component, ComponentState state) {
    return fleet.transitions(component).stream().filter(t -> t.to() == state).findFirst().orElseThrow().time();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
