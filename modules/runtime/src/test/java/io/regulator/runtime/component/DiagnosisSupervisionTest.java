package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.FleetHarness;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Causes that need the whole supervisor, provoked with real processes: the diagnosis reaches the
 * exit event, the state change and the status, each with a suggestion.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiagnosisSupervisionTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  @Test
  void aPortHeldByAnotherProcessIsNamedWithItsHolder() throws Exception {
    try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = holder.getLocalPort();
      // like the webhook runner: the port is an argument, Python's error does not repeat it
      Path runner = Files.writeString(tmp.resolve("runner.py"), """
          import socket, sys
          port = int(sys.argv[sys.argv.index("--port") + 1])
          s = socket.socket()
          s.bind(("127.0.0.1", port))
          """);
      try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
          components {
            web {
              command = ["python3", "%s", "--port", "%d", "$MARK"]
              restart = always
              backoff { min = 10s }
            }
          }
          """.formatted(runner, port))) {
        fleet.awaitState("web", ComponentState.BACKOFF, Duration.ofSeconds(10));
        HealthEvent.ProcessExited exited = fleet.events(HealthEvent.ProcessExited.class, "web").get(0);
        assertThat(exited.cause().category()).as("cause %s, output %s", exited.cause(), fleet.events()).isEqualTo(CauseCategory.ADDRESS_IN_USE);
        assertThat(exited.cause().detail()).contains(String.valueOf(port))
            .contains(String.valueOf(ProcessHandle.current().pid()));
        assertThat(exited.cause().suggestion()).isNotBlank();
        assertThat(fleet.statusOf("web").lastCause()).isEqualTo(exited.cause());
      }
    }
  }

  @Test
  void sigkillNearTheMemoryLimitIsProbablyOutOfMemory() throws Exception {
    Path hog = Files.writeString(tmp.resolve("hog.py"), """
        import sys, time
        data = b"x" * (60 * 1024 * 1024)
        print("holding", len(data), flush=True)
        time.sleep(1000)
        """);
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        components {
          hog {
            command = ["python3", "%s", "$MARK"]
            restart = always
            backoff { min = 10s }
            probes.readiness { resources { max-memory = 64MiB }, period = 200ms, timeout = 150ms,
                               failure-threshold = 1000 }
          }
        }
        """.formatted(hog))) {
      long pid = fleet.awaitPid("hog", Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(10)).until(() -> fleet.statusOf("hog").recentOutput().stream()
          .anyMatch(l -> l.startsWith("holding")) && fleet.statusOf("hog").probes().get(0).lastCheck() != null
          && fleet.statusOf("hog").probes().get(0).lastLatencyMillis() != null);
      Thread.sleep(600); // a few samples after the allocation
      ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // what the kernel's OOM killer would do
      fleet.awaitState("hog", ComponentState.BACKOFF, Duration.ofSeconds(5));
      HealthEvent.ProcessExited exited = fleet.events(HealthEvent.ProcessExited.class, "hog").get(0);
      assertThat(exited.status().signal()).contains("KILL");
      assertThat(exited.cause().category()).isEqualTo(CauseCategory.OUT_OF_MEMORY);
      assertThat(exited.cause().detail()).contains("probably out of memory");
      assertThat(exited.cause().suggestion()).contains("dmesg");
    }
  }
}
