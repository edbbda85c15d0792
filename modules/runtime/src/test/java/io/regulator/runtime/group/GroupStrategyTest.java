package io.regulator.runtime.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** OTP group strategies and group intensity, with real processes killed by SIGKILL. */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupStrategyTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  private static final String FLEET = """
      defaults { restart = always, ready-after = 0s, backoff { min = 50ms, random-factor = 0 } }
      groups {
        all  { strategy = one-for-all,  members = [a1, a2, a3] }
        rest { strategy = rest-for-one, members = [r1, r2, r3] }
        one  { strategy = one-for-one,  members = [o1, o2] }
      }
      components {
        a1 { command = ["$COMPONENT", "$MARK-a1"] }
        a2 { command = ["$COMPONENT", "$MARK-a2"] }
        a3 { command = ["$COMPONENT", "$MARK-a3"] }
        r1 { command = ["$COMPONENT", "$MARK-r1"] }
        r2 { command = ["$COMPONENT", "$MARK-r2"] }
        r3 { command = ["$COMPONENT", "$MARK-r3"] }
        o1 { command = ["$COMPONENT", "$MARK-o1"] }
        o2 { command = ["$COMPONENT", "$MARK-o2"] }
      }
      """;

  @Test
  void strategiesRestartTheRightSiblings() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, FLEET)) {
      List<String> names = List.of("a1", "a2", "a3", "r1", "r2", "r3", "o1", "o2");
      Map<String, Long> before = pids(fleet, names);

      kill(before.get("a2"));
      kill(before.get("r2"));
      kill(before.get("o1"));

      await().atMost(Duration.ofSeconds(10)).until(() -> {
        Map<String, Long> now = pids(fleet, names);
        return !now.get("a1").equals(before.get("a1")) && !now.get("a3").equals(before.get("a3"))
            && !now.get("r3").equals(before.get("r3")) && !now.get("o1").equals(before.get("o1"))
            && !now.get("a2").equals(before.get("a2")) && !now.get("r2").equals(before.get("r2"));
      });
      Map<String, Long> after = pids(fleet, names);
      // rest-for-one leaves the members before the failed one alone; one-for-one leaves siblings alone.
      assertThat(after.get("r1")).isEqualTo(before.get("r1"));
      assertThat(after.get("o2")).isEqualTo(before.get("o2"));
      assertThat(fleet.events(HealthEvent.StateChanged.class, "a1"))
          .anyMatch(t -> t.to() == ComponentState.STOPPING && t.cause().detail().contains("'a2' failed"));
      // The siblings' restarts are not failures: their own restart counters stay at zero.
      assertThat(fleet.statusOf("a1").restarts()).isZero();
      assertThat(fleet.statusOf("a2").restarts()).isEqualTo(1);
    }
  }

  @Test
  void groupBeyondItsIntensityEscalatesToTheRootWhichKeepsEverythingElseRunning() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { restart = always, ready-after = 0s, backoff { min = 50ms, max = 50ms, random-factor = 0 } }
        groups { edge { strategy = one-for-one, members = [looper, steady], intensity { max-restarts = 2, within = 60s } } }
        components {
          looper { command = ["$COMPONENT", "$MARK-looper"], env { LIFETIME = "0.1" },
                   intensity { max-restarts = 50, within = 60s } }
          steady { command = ["$COMPONENT", "$MARK-steady"] }
          other  { command = ["$COMPONENT", "$MARK-other"] }
        }
        """)) {
      long steady = fleet.awaitPid("steady", Duration.ofSeconds(5));
      long other = fleet.awaitPid("other", Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() -> !fleet.events(HealthEvent.SystemCritical.class, "system")
          .isEmpty());
      List<HealthEvent.GroupEscalated> escalated = fleet.events(HealthEvent.GroupEscalated.class, "edge");
      assertThat(escalated).hasSize(1);
      assertThat(escalated.get(0).failedMember()).isEqualTo("looper");
      assertThat(fleet.events(HealthEvent.SystemCritical.class, "system").get(0).reason())
          .contains("group 'edge'").contains("other components keep running");
      // Graceful degradation: nothing else was touched, and the looper is still supervised.
      assertThat(fleet.statusOf("steady").pid()).isEqualTo(steady);
      assertThat(fleet.statusOf("other").pid()).isEqualTo(other);
      assertThat(FleetHarness.alive(other)).isTrue();
      int starts = fleet.events(HealthEvent.ProcessStarted.class, "looper").size();
      await().atMost(Duration.ofSeconds(5)).until(() ->
          fleet.events(HealthEvent.ProcessStarted.class, "looper").size() > starts);
    }
  }

  @Test
  void siblingsToRestartFollowTheStrategy() {
    var members = List.of("a", "b", "c");
    var intensity = new io.regulator.core.spec.IntensitySpec(1, Duration.ofSeconds(1));
    assertThat(GroupSupervisor.siblingsToRestart(new io.regulator.core.spec.GroupSpec("g",
        io.regulator.core.spec.GroupStrategy.ONE_FOR_ALL, members, intensity), "b")).containsExactly("a", "c");
    assertThat(GroupSupervisor.siblingsToRestart(new io.regulator.core.spec.GroupSpec("g",
        io.regulator.core.spec.GroupStrategy.REST_FOR_ONE, members, intensity), "b")).containsExactly("c");
    assertThat(GroupSupervisor.siblingsToRestart(new io.regulator.core.spec.GroupSpec("g",
        io.regulator.core.spec.GroupStrategy.ONE_FOR_ONE, members, intensity), "b")).isEmpty();
  }

  private static Map<String, Long> pids(FleetHarness fleet, List<String> names) {
    Map<String, Long> pids = new HashMap<>();
    for (String n : names) {
      pids.put(n, fleet.awaitPid(n, Duration.ofSeconds(10)));
    }
    return pids;
  }

  private static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }
}
