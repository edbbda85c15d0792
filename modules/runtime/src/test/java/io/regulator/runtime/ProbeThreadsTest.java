package io.regulator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ComponentState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP probes' selector thread ends with the actor system that started it. */
class ProbeThreadsTest {

  private static final String SELECTOR = "regulator-http-probes";

  @TempDir Path tmp;

  @Test
  void theHttpProbesThreadEndsWhenTheSystemStops() throws Exception {
    Set<Thread> before = selectorThreads();
    int port = FleetHarness.freePort();
    ActorTestKit kit = ActorTestKit.create("ProbeThreadsTest");
    Set<Thread> ours;
    try (FleetHarness fleet = FleetHarness.start(kit, tmp, """
        components {
          web {
            command = ["%s", "$MARK-web", "%d"]
            probes.readiness { http { url = "http://127.0.0.1:%d/health" }, period = 200ms, timeout = 150ms }
          }
        }
        """.formatted(FleetHarness.SCRIPTS.resolve("sup-web.py"), port, port))) {
      fleet.awaitState("web", ComponentState.READY, Duration.ofSeconds(10));
      ours = new HashSet<>(selectorThreads());
      ours.removeAll(before);
      assertThat(ours).as("the fleet's own selector thread").hasSize(1);
    } finally {
      kit.shutdownTestKit();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> ours.stream().noneMatch(Thread::isAlive));
  }

  private static Set<Thread> selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(SELECTOR) && t.isAlive()).collect(Collectors.toSet());
  }
}
