package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * The restart circuit on a real crash-looping process: opens when the intensity is exceeded, waits
 * a doubling cooldown, tries once, never gives up, and closes after a healthy trial. The fallback
 * runs exactly while the circuit is open.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestartCircuitTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  @Test
  void crashLoopOpensTheCircuitWithDoublingCooldownAndAHealthyTrialClosesIt() throws Exception {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          tunnel {
            command = ["$COMPONENT", "$MARK-tunnel"]
            restart = always
            env { CONTROL_FILE = "$DIR/lifetime" }
            ready-after = 0s
            backoff { min = 50ms, max = 50ms, random-factor = 0, reset-after = 600ms }
            intensity { max-restarts = 2, within = 30s }
            circuit { cooldown = 800ms, max-cooldown = 1600ms }
            fallback = backup
          }
          backup { command = ["$COMPONENT", "$MARK-backup"], ready-after = 0s }
        }
        """)) {
      fleet.writeControl("lifetime", "0");
      // Three circuit openings: 800ms, then doubled to 1600ms, then capped at 1600ms.
      await().atMost(Duration.ofSeconds(15)).until(() -> opens(fleet).size() >= 3);
      assertThat(opens(fleet)).extracting(HealthEvent.CircuitChanged::cooldownMillis)
          .startsWith(800L, 1600L, 1600L);
      assertThat(fleet.transitions("tunnel")).noneMatch(t -> t.to() == ComponentState.FAILED);

      // Never restarted faster than policy: each trial starts at least one cooldown after the opening.
      List<HealthEvent> all = fleet.events();
      Long openedAt = null;
      long cooldown = 0;
      int trials = 0;
      for (HealthEvent e : all) {
        if (e instanceof HealthEvent.CircuitChanged c && c.component().equals("tunnel") && c.to() == CircuitState.OPEN) {
          openedAt = c.time().toEpochMilli();
          cooldown = c.cooldownMillis();
        } else if (e instanceof HealthEvent.ProcessStarted s && s.component().equals("tunnel") && openedAt != null) {
          assertThat(s.time().toEpochMilli() - openedAt).isGreaterThanOrEqualTo(cooldown - 20);
          openedAt = null;
          trials++;
        }
      }
      assertThat(trials).isGreaterThanOrEqualTo(2);

      // The fallback stands in while the circuit is open.
      fleet.awaitState("backup", ComponentState.READY, Duration.ofSeconds(5));
      long backupPid = fleet.statusOf("backup").pid();

      // Heal the component: the next trial stays up past reset-after and closes the circuit.
      fleet.writeControl("lifetime", "");
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.statusOf("tunnel").circuit() == CircuitState.CLOSED);
      assertThat(fleet.statusOf("tunnel").state()).isEqualTo(ComponentState.READY);
      fleet.awaitState("backup", ComponentState.STOPPED, Duration.ofSeconds(5));
      assertThat(FleetHarness.alive(backupPid)).isFalse();
    }
  }

  private static List<HealthEvent.CircuitChanged> opens(FleetHarness fleet) {
    return fleet.events(HealthEvent.CircuitChanged.class, "tunnel").stream()
        .filter(c -> c.to() == CircuitState.OPEN).toList();
  }
}
