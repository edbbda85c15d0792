package io.regulator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ProbeRole;
import io.regulator.runtime.probe.HeartbeatRegistry;
import io.regulator.runtime.probe.ProbeListener;
import io.regulator.runtime.probe.Probes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * What the creator of the tree shares with it: beats recorded on its heartbeat registry (as the
 * HTTP API does) feed the components' heartbeat probes, and its probe listener hears of every
 * check of a real probe, without a failing listener disturbing the supervision.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HooksTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  private static final String CHECK = FleetHarness.SCRIPTS.resolve("probe-check.sh").toString();

  record Checked(String component, ProbeRole role, String kind, long latencyNanos, boolean success) {}

  @Test
  void beatsRecordedOnTheSharedRegistryMakeTheHeartbeatProbeHealthy() throws Exception {
    HeartbeatRegistry heartbeats = new HeartbeatRegistry();
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          pulse {
            command = ["$COMPONENT", "$MARK-pulse"]
            probes.readiness { heartbeat { stale-after = 1s }, period = 100ms, timeout = 100ms, failure-threshold = 1 }
          }
        }
        """, new Hooks(heartbeats, ProbeListener.none()))) {
      fleet.awaitState("pulse", ComponentState.RUNNING, Duration.ofSeconds(10));
      // No beat yet: alive, not ready.
      await().atMost(Duration.ofSeconds(5)).until(() -> fleet.statusOf("pulse").probes().stream()
          .anyMatch(p -> p.lastCheck() != null && Boolean.FALSE.equals(p.healthy())));
      assertThat(fleet.stateOf("pulse")).isEqualTo(ComponentState.RUNNING);

      ScheduledExecutorService beater = Executors.newSingleThreadScheduledExecutor();
      try {
        beater.scheduleAtFixedRate(() -> heartbeats.beat("pulse"), 0, 200, TimeUnit.MILLISECONDS);
        fleet.awaitState("pulse", ComponentState.READY, Duration.ofSeconds(5));
        assertThat(fleet.events(HealthEvent.ProbeChanged.class, "pulse"))
            .anyMatch(p -> p.healthy() && p.kind().equals("heartbeat"));
      } finally {
        beater.shutdownNow();
        assertThat(beater.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      }
      // The beats stop: stale after a second, no longer ready.
      Instant lastBeat = heartbeats.last("pulse").orElseThrow();
      fleet.awaitState("pulse", ComponentState.RUNNING, Duration.ofSeconds(5));
      List<HealthEvent.StateChanged> t = fleet.transitions("pulse");
      assertThat(t.get(t.size() - 1).from()).isEqualTo(ComponentState.READY);
      assertThat(t.get(t.size() - 1).time()).isAfter(lastBeat.plusSeconds(1));
    }
  }

  @Test
  void theListenerHearsOfEveryCheckOfARealProbeWithItsLatency() {
    List<Checked> calls = new CopyOnWriteArrayList<>();
    ProbeListener listener = (component, role, kind, latencyNanos, success) ->
        calls.add(new Checked(component, role, kind, latencyNanos, success));
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          fine  { command = ["$COMPONENT", "$MARK-fine"],
                  probes.readiness { exec { command = ["%1$s", "0"] }, period = 400ms, timeout = 400ms } }
          sulky { command = ["$COMPONENT", "$MARK-sulky"],
                  probes.readiness { exec { command = ["%1$s", "3", "not today"] }, period = 400ms, timeout = 400ms } }
        }
        """.formatted(CHECK), new Hooks(new HeartbeatRegistry(), listener))) {
      fleet.awaitState("fine", ComponentState.READY, Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(10)).until(() -> count(calls, "fine") >= 3 && count(calls, "sulky") >= 3);

      List<Checked> fine = calls.stream().filter(c -> c.component().equals("fine")).toList();
      assertThat(fine).allMatch(c -> c.role() == ProbeRole.READINESS && c.kind().equals("exec") && c.success());
      // Running a command takes a measurable while, within the timeout and its margin.
      long bound = Duration.ofMillis(400).plus(Probes.TIMEOUT_MARGIN).toNanos();
      assertThat(fine).allMatch(c -> c.latencyNanos() > 0 && c.latencyNanos() < bound);
      List<Checked> sulky = calls.stream().filter(c -> c.component().equals("sulky")).toList();
      assertThat(sulky).allMatch(c -> c.kind().equals("exec") && !c.success() && c.latencyNanos() > 0);
      assertThat(fleet.stateOf("sulky")).isEqualTo(ComponentState.RUNNING);
      // Every check is reported, not only changes of the probe's verdict.
      long checksAtStart = count(calls, "fine");
      await().atMost(Duration.ofSeconds(5)).until(() -> count(calls, "fine") >= checksAtStart + 3);
      assertThat(count(calls, "fine")).isGreaterThan(fleet.events(HealthEvent.ProbeChanged.class, "fine").size() + 3);
    }
  }

  @Test
  void aListenerThatThrowsDoesNotDisturbTheSupervision() {
    AtomicInteger called = new AtomicInteger();
    ProbeListener broken = (component, role, kind, latencyNanos, success) -> {
      called.incrementAndGet();
      throw new IllegalStateException("metrics are down");
    };
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          fine { command = ["$COMPONENT", "$MARK-fine"],
                 probes.readiness { exec { command = ["%s", "0"] }, period = 400ms, timeout = 400ms } }
        }
        """.formatted(CHECK), new Hooks(new HeartbeatRegistry(), broken))) {
      fleet.awaitState("fine", ComponentState.READY, Duration.ofSeconds(10));
      long pid = fleet.statusOf("fine").pid();
      await().atMost(Duration.ofSeconds(5)).until(() -> called.get() >= 3);
      assertThat(fleet.stateOf("fine")).isEqualTo(ComponentState.READY);
      assertThat(fleet.statusOf("fine").pid()).isEqualTo(pid);
    }
  }

  private static long count(List<Checked> calls, String component) {
    return calls.stream().filter(c -> c.component().equals(component)).count();
  }
}
