package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Restart modes and exponential backoff, on real crashing processes. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartPolicyBehaviourTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  @Test
  void restartModesDecideWhichExitsAreRestarted() throws Exception {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { backoff { min = 50ms, max = 100ms, random-factor = 0 }, ready-after = 0s }
        components {
          always   { command = ["$COMPONENT", "$MARK-always"],   restart = always,
                     env { LIFETIME = "0.2", EXIT_CODE = "0" } }
          clean    { command = ["$COMPONENT", "$MARK-clean"],    restart = on-failure, success-exit-codes = [0, 3],
                     env { LIFETIME = "0.2", EXIT_CODE = "3" } }
          failing  { command = ["$COMPONENT", "$MARK-failing"],  restart = on-failure,
                     env { LIFETIME = "0.2", EXIT_CODE = "4" } }
          never    { command = ["$COMPONENT", "$MARK-never"],    restart = never,
                     env { LIFETIME = "0.2", EXIT_CODE = "1" } }
        }
        """)) {
      await().atMost(Duration.ofSeconds(10)).until(() ->
          fleet.events(HealthEvent.ProcessStarted.class, "always").size() >= 3
              && fleet.events(HealthEvent.ProcessStarted.class, "failing").size() >= 3);
      fleet.awaitState("clean", ComponentState.STOPPED, Duration.ofSeconds(5));
      fleet.awaitState("never", ComponentState.STOPPED, Duration.ofSeconds(5));
      Thread.sleep(500); // long enough for a restart that should not happen
      assertThat(fleet.events(HealthEvent.ProcessStarted.class, "clean")).hasSize(1);
      assertThat(fleet.events(HealthEvent.ProcessStarted.class, "never")).hasSize(1);
      HealthEvent.ProcessExited neverExit = fleet.events(HealthEvent.ProcessExited.class, "never").get(0);
      assertThat(neverExit.status().code()).contains(1);
      assertThat(neverExit.cause().detail()).isEqualTo("exited with code 1");
      assertThat(fleet.statusOf("clean").lastExit().code()).contains(3);
      assertThat(fleet.statusOf("always").restarts()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void backoffGrowsCapsAndResetsAfterAHealthyRun() throws Exception {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          crasher {
            command = ["$COMPONENT", "$MARK"]
            restart = always
            env { CONTROL_FILE = "$DIR/lifetime" }
            ready-after = 100ms
            backoff { min = 100ms, max = 400ms, random-factor = 0, reset-after = 700ms }
            intensity { max-restarts = 100, within = 60s }
          }
        }
        """)) {
      fleet.writeControl("lifetime", "0");
      fleet.writeControl("lifetime", "0");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          fleet.events(HealthEvent.RestartScheduled.class, "crasher").size() >= 5);
      // Now let the next run stay up longer than reset-after, then crash again.
      fleet.writeControl("lifetime", "1.2");
      int before = fleet.events(HealthEvent.RestartScheduled.class, "crasher").size();
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.events(HealthEvent.ProcessExited.class, "crasher")
          .stream().anyMatch(e -> e.uptimeMillis() >= 1000));
      await().atMost(Duration.ofSeconds(5)).until(() ->
          fleet.events(HealthEvent.RestartScheduled.class, "crasher").size() > before + 0
              && lastScheduledAfterLongRun(fleet) != null);

      List<HealthEvent.RestartScheduled> scheduled = fleet.events(HealthEvent.RestartScheduled.class, "crasher");
      assertThat(scheduled.subList(0, 5)).extracting(HealthEvent.RestartScheduled::delayMillis)
          .containsExactly(100L, 200L, 400L, 400L, 400L);
      assertThat(lastScheduledAfterLongRun(fleet).delayMillis()).isEqualTo(100L);

      // The real gaps between an exit and the next start follow the policy (with scheduling slack).
      List<Long> gaps = gapsMillis(fleet, "crasher");
      long[] expected = {100, 200, 400, 400};
      for (int i = 0; i < expected.length; i++) {
        assertThat(gaps.get(i)).as("gap %d", i).isBetween(expected[i] - 5, expected[i] + 250);
      }
    }
  }

  /** The restart scheduled right after the first run that lasted past reset-after. */
  private static HealthEvent.RestartScheduled lastScheduledAfterLongRun(FleetHarness fleet) {
    List<HealthEvent> all = fleet.events();
    boolean seenLong = false;
    for (HealthEvent e : all) {
      if (e instanceof HealthEvent.ProcessExited x && x.component().equals("crasher") && x.uptimeMillis() >= 1000) {
        seenLong = true;
      } else if (seenLong && e instanceof HealthEvent.RestartScheduled r && r.component().equals("crasher")) {
        return r;
      }
    }
    return null;
  }

  /** Milliseconds from each unexpected exit to the next process start, in order. */
  static List<Long> gapsMillis(FleetHarness fleet, String component) {
    List<Long> gaps = new ArrayList<>();
    Long exitNanos = null;
    for (HealthEvent e : fleet.events()) {
      if (!e.component().equals(component)) {
        continue;
      }
      if (e instanceof HealthEvent.ProcessExited x) {
        exitNanos = x.nanoTime();
      } else if (e instanceof HealthEvent.ProcessStarted s && exitNanos != null) {
        gaps.add((s.nanoTime() - exitNanos) / 1_000_000);
        exitNanos = null;
      }
    }
    return gaps;
  }
}
