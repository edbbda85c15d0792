package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Start order, parallel start, and what dependents do when a hard dependency is lost. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependencyTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  @Test
  void requiresWaitsForReadyIndependentComponentsStartInParallelAndWantsOnlyOrders() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 600ms }
        components {
          db     { command = ["$COMPONENT", "$MARK-db"] }
          cache  { command = ["$COMPONENT", "$MARK-cache"] }
          app    { command = ["$COMPONENT", "$MARK-app"], depends-on { db = requires, cache = requires } }
          broken { command = ["/nonexistent/$MARK/bin"] }
          viewer { command = ["$COMPONENT", "$MARK-viewer"], ready-after = 0s, depends-on { broken = wants } }
        }
        """)) {
      fleet.awaitState("app", ComponentState.READY, Duration.ofSeconds(10));
      Instant dbReady = readyAt(fleet, "db");
      Instant cacheReady = readyAt(fleet, "cache");
      Instant appStarted = fleet.events(HealthEvent.ProcessStarted.class, "app").get(0).time();
      assertThat(appStarted).isAfterOrEqualTo(dbReady).isAfterOrEqualTo(cacheReady);
      assertThat(fleet.transitions("app").get(0).to()).isEqualTo(ComponentState.WAITING);
      // db and cache do not wait for each other: both started before either was ready.
      Instant dbStarted = fleet.events(HealthEvent.ProcessStarted.class, "db").get(0).time();
      Instant cacheStarted = fleet.events(HealthEvent.ProcessStarted.class, "cache").get(0).time();
      assertThat(dbStarted).isBefore(cacheReady);
      assertThat(cacheStarted).isBefore(dbReady);
      // wants orders only: a failed soft dependency does not keep the viewer down.
      fleet.awaitState("broken", ComponentState.FAILED, Duration.ofSeconds(5));
      fleet.awaitState("viewer", ComponentState.READY, Duration.ofSeconds(5));
    }
  }

  @Test
  void lossOfARequiredDependencyStopsRestartsOrKeepsTheDependent() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 200ms }
        components {
          runner  { command = ["$COMPONENT", "$MARK-runner"], restart = always,
                    backoff { min = 800ms, max = 800ms, random-factor = 0 } }
          stopper { command = ["$COMPONENT", "$MARK-stopper"], depends-on = [runner], on-dependency-loss = stop }
          bouncer { command = ["$COMPONENT", "$MARK-bouncer"], depends-on = [runner], on-dependency-loss = restart }
          keeper  { command = ["$COMPONENT", "$MARK-keeper"],  depends-on = [runner], on-dependency-loss = keep }
        }
        """)) {
      for (String c : new String[] {"stopper", "bouncer", "keeper"}) {
        fleet.awaitState(c, ComponentState.READY, Duration.ofSeconds(10));
      }
      long stopper = fleet.statusOf("stopper").pid();
      long bouncer = fleet.statusOf("bouncer").pid();
      long keeper = fleet.statusOf("keeper").pid();

      ProcessHandle.of(fleet.statusOf("runner").pid()).orElseThrow().destroyForcibly();

      // stop: stopped at once, waits for the runner, then starts again.
      fleet.awaitState("stopper", ComponentState.WAITING, Duration.ofSeconds(5));
      assertThat(FleetHarness.alive(stopper)).isFalse();
      assertThat(fleet.transitions("stopper")).anyMatch(t -> t.to() == ComponentState.STOPPING
          && t.cause().category() == CauseCategory.DEPENDENCY_LOST && t.cause().detail().contains("'runner'"));
      // restart: still running while the runner is in backoff ...
      assertThat(fleet.statusOf("bouncer").pid()).isEqualTo(bouncer);
      assertThat(fleet.stateOf("runner")).isIn(ComponentState.BACKOFF, ComponentState.STARTING, ComponentState.RUNNING);

      fleet.awaitState("runner", ComponentState.READY, Duration.ofSeconds(5));
      fleet.awaitState("stopper", ComponentState.READY, Duration.ofSeconds(5));
      assertThat(fleet.statusOf("stopper").pid()).isNotEqualTo(stopper);
      // ... and bounced once the runner is back.
      await().atMost(Duration.ofSeconds(5)).until(() -> {
        Long pid = fleet.statusOf("bouncer").pid();
        return pid != null && pid != bouncer;
      });
      assertThat(FleetHarness.alive(bouncer)).isFalse();
      // keep: untouched throughout.
      assertThat(fleet.statusOf("keeper").pid()).isEqualTo(keeper);
      assertThat(fleet.statusOf("keeper").state()).isEqualTo(ComponentState.READY);
    }
  }

  private static Instant readyAt(FleetHarness fleet, String component) {
    return fleet.transitions(component).stream().filter(t -> t.to() == ComponentState.READY).findFirst()
        .orElseThrow().time();
  }
}
