package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.nio.file.Files;
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
 * Real processes with grandchildren: stop, restart, unexpected exit and shutdown leave no survivor;
 * exits are recorded with code or signal; start failures end in FAILED with the path named.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessControlTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  @Test
  void stopRestartExitAndShutdownLeaveNoGrandchildBehind() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 0s, restart = always, backoff { min = 50ms, random-factor = 0 } }
        components {
          polite   { command = ["$COMPONENT", "$MARK-polite"],   env { GRANDCHILD = "1" } }
          stubborn { command = ["$COMPONENT", "$MARK-stubborn"], env { GRANDCHILD = "stubborn", IGNORE_TERM = "1" },
                     stop { signal = TERM, timeout = 500ms } }
          leaver   { command = ["$COMPONENT", "$MARK-leaver"],   env { GRANDCHILD = "stubborn", LIFETIME = "0.5" },
                     restart = never }
          last     { command = ["$COMPONENT", "$MARK-last"],     env { GRANDCHILD = "stubborn" } }
        }
        """)) {
      fleet.awaitState("polite", ComponentState.READY, Duration.ofSeconds(5));
      fleet.awaitState("stubborn", ComponentState.READY, Duration.ofSeconds(5));
      List<ProcessHandle> polite = group(fleet, "polite");
      assertThat(polite).hasSizeGreaterThanOrEqualTo(2); // the component and its grandchild

      // stop: TERM to the whole group
      fleet.stop("polite");
      assertThat(polite).noneMatch(p -> FleetHarness.alive(p.pid()));

      // restart of a component that ignores TERM: SIGKILL to the group after stop.timeout
      List<ProcessHandle> stubborn = group(fleet, "stubborn");
      long started = System.nanoTime();
      fleet.command("stubborn", r -> new ComponentSupervisor.Restart(Cause.requested("test"), r));
      await().atMost(Duration.ofSeconds(5)).until(() -> stubborn.stream().noneMatch(p -> FleetHarness.alive(p.pid())));
      assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(450);
      fleet.awaitState("stubborn", ComponentState.READY, Duration.ofSeconds(5));
      assertThat(fleet.statusOf("stubborn").restarts()).isZero();

      // the leader exits on its own: its TERM-proof grandchild must not outlive it
      fleet.awaitState("leaver", ComponentState.STOPPED, Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(3)).until(() -> FleetHarness.liveProcesses(fleet.mark + "-leaver").isEmpty()
          && FleetHarness.liveProcesses("100001").stream().noneMatch(p -> groupOf(p) == leaderPid(fleet, "leaver")));

      // shutdown of the whole tree
      List<ProcessHandle> last = group(fleet, "last");
      fleet.stopAll();
      assertThat(last).noneMatch(p -> FleetHarness.alive(p.pid()));
      await().atMost(Duration.ofSeconds(3)).until(() -> FleetHarness.liveProcesses(fleet.mark).isEmpty());
    }
  }

  @Test
  void exitCodeAndSignalAreRecordedWithACause() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 0s, restart = on-failure, backoff { min = 5s } }
        components {
          coder  { command = ["$COMPONENT", "$MARK-coder"], env { LIFETIME = "0.2", EXIT_CODE = "7" } }
          killed { command = ["$COMPONENT", "$MARK-killed"] }
        }
        """)) {
      long pid = fleet.awaitPid("killed", Duration.ofSeconds(5));
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      await().atMost(Duration.ofSeconds(5)).until(() -> !fleet.events(HealthEvent.ProcessExited.class, "killed").isEmpty()
          && !fleet.events(HealthEvent.ProcessExited.class, "coder").isEmpty());
      HealthEvent.ProcessExited killed = fleet.events(HealthEvent.ProcessExited.class, "killed").get(0);
      assertThat(killed.pid()).isEqualTo(pid);
      assertThat(killed.status().signal()).contains("KILL");
      assertThat(killed.cause().category()).isEqualTo(CauseCategory.SIGNAL);
      assertThat(killed.cause().suggestion()).isNotBlank();
      HealthEvent.ProcessExited coder = fleet.events(HealthEvent.ProcessExited.class, "coder").get(0);
      assertThat(coder.status().code()).contains(7);
      assertThat(coder.cause().detail()).isEqualTo("exited with code 7");
      fleet.awaitState("coder", ComponentState.BACKOFF, Duration.ofSeconds(5));
      assertThat(fleet.statusOf("coder").lastExit().code()).contains(7);
    }
  }

  @Test
  void everyTransitionIsPublishedAndOutputIsLoggedWithMarkers() throws Exception {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components { echo { command = ["$COMPONENT", "$MARK-echo"], ready-after = 100ms } }
        """)) {
      fleet.awaitState("echo", ComponentState.READY, Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(5)).until(() -> fleet.statusOf("echo").recentOutput().size() >= 2);
      assertThat(fleet.statusOf("echo").recentOutput()).anyMatch(l -> l.contains("start pid="))
          .anyMatch(l -> l.contains("to stderr"));
      fleet.stop("echo");
      fleet.awaitState("echo", ComponentState.STOPPED, Duration.ofSeconds(5)); // events arrive asynchronously
      assertThat(fleet.transitions("echo")).extracting(t -> t.from() + "->" + t.to()).containsExactly(
          "STOPPED->STARTING", "STARTING->RUNNING", "RUNNING->READY", "READY->STOPPING", "STOPPING->STOPPED");
      assertThat(fleet.transitions("echo")).allSatisfy(t -> {
        assertThat(t.time()).isNotNull();
        assertThat(t.cause()).isNotNull();
        assertThat(t.node()).isEqualTo(fleet.fleet().settings().node());
      });
      String log = Files.readString(fleet.dir.resolve("logs").resolve("echo.log"));
      assertThat(log).containsPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[.,]\\d{3}\\S* out \\| start pid=");
      assertThat(log).containsPattern("err \\| to stderr");
    }
  }

  @Test
  void componentsThatCannotStartFailWithThePathAndDoNotLoop() throws Exception {
    Path notExecutable = Files.writeString(tmp.resolve("plain.sh"), "#!/bin/sh\necho hi\n");
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { restart = always, backoff { min = 10ms } }
        components {
          missing { command = ["$DIR/no-such-program", "$MARK"] }
          noexec  { command = ["$DIR/plain.sh", "$MARK"] }
          badcwd  { command = ["$COMPONENT", "$MARK"], cwd = "$DIR/no-such-dir" }
        }
        """)) {
      for (String c : List.of("missing", "noexec", "badcwd")) {
        fleet.awaitState(c, ComponentState.FAILED, Duration.ofSeconds(5));
      }
      assertThat(fleet.statusOf("missing").lastCause().detail()).contains(tmp.resolve("no-such-program").toString());
      assertThat(fleet.statusOf("noexec").lastCause().detail()).contains(notExecutable.toString());
      assertThat(fleet.statusOf("badcwd").lastCause().detail()).contains(tmp.resolve("no-such-dir").toString());
      for (String c : List.of("missing", "noexec", "badcwd")) {
        assertThat(fleet.statusOf(c).lastCause().category()).isEqualTo(CauseCategory.EXEC_FAILED);
        assertThat(fleet.statusOf(c).lastCause().suggestion()).isNotBlank();
      }
      Thread.sleep(500); // a restart loop would show up here
      for (String c : List.of("missing", "noexec", "badcwd")) {
        assertThat(fleet.transitions(c)).filteredOn(t -> t.to() == ComponentState.STARTING).hasSize(1);
      }
    }
  }

  /** The component's process and everything in its process group. */
  private static List<ProcessHandle> group(FleetHarness fleet, String component) {
    long leader = fleet.awaitPid(component, Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(3)).until(() -> ProcessHandle.of(leader).orElseThrow().children().count() > 0);
    try (var all = ProcessHandle.allProcesses()) {
      return all.filter(p -> groupOf(p) == leader).toList();
    }
  }

  private static long leaderPid(FleetHarness fleet, String component) {
    return fleet.events(HealthEvent.ProcessStarted.class, component).get(0).pid();
  }

  static long groupOf(ProcessHandle p) {
    try {
      String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[2]);
    } catch (Exception e) {
      return -1;
    }
  }
}
