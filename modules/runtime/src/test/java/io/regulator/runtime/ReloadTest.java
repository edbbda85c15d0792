package io.regulator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.component.ComponentStatus;
import io.regulator.runtime.component.ComponentSupervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload on a fleet of real processes touches only what changed: added components start,
 * removed ones stop (dependents first) and leave the status, changed ones run again from their
 * new spec, and every other process keeps running under the same pid. The kept supervisors are
 * wired for the new dependency graph.
 */
@ExtendWith({TestKitJUnit5Extension.class, LogCapturingExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReloadTest {

  @JUnit5TestKit final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

  @TempDir Path tmp;

  private static final Duration UP = Duration.ofSeconds(10);

  @Test
  void reloadStartsAddedStopsRemovedRestartsChangedAndLeavesTheRestRunning() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 200ms }
        components {
          base    { command = ["$COMPONENT", "$MARK-base"] }
          web     { command = ["$COMPONENT", "$MARK-web"], depends-on = [base] }
          old     { command = ["$COMPONENT", "$MARK-old"] }
          oldui   { command = ["$COMPONENT", "$MARK-oldui"], depends-on = [old] }
          worker  { command = ["$COMPONENT", "$MARK-worker", "v1"] }
        }
        """)) {
      for (String c : List.of("base", "web", "old", "oldui", "worker")) {
        fleet.awaitState(c, ComponentState.READY, UP);
      }
      Map<String, Long> before = pids(fleet, List.of("base", "web", "old", "oldui", "worker"));
      int baseTransitions = fleet.transitions("base").size();
      int webTransitions = fleet.transitions("web").size();

      Guardian.ReloadResult result = fleet.reload("""
          defaults { ready-after = 200ms }
          components {
            base    { command = ["$COMPONENT", "$MARK-base"] }
            web     { command = ["$COMPONENT", "$MARK-web"], depends-on = [base] }
            worker  { command = ["$COMPONENT", "$MARK-worker", "v2"] }
            fresh   { command = ["$COMPONENT", "$MARK-fresh"], depends-on = [base] }
          }
          """);

      assertThat(result.added()).containsExactly("fresh");
      assertThat(result.removed()).containsExactly("old", "oldui");
      assertThat(result.changed()).containsExactly("worker");
      assertThat(result.unchanged()).containsExactly("base", "web");
      awaitReloaded(fleet, "added [fresh], removed [old, oldui], changed [worker]");

      // Removed: both processes gone, the dependent one first, and neither is known any more.
      assertThat(FleetHarness.alive(before.get("old"))).isFalse();
      assertThat(FleetHarness.alive(before.get("oldui"))).isFalse();
      Instant oldExited = exitOf(fleet, "old", before.get("old"));
      Instant olduiExited = exitOf(fleet, "oldui", before.get("oldui"));
      assertThat(olduiExited).isBeforeOrEqualTo(oldExited);
      assertThat(fleet.statuses()).extracting(ComponentStatus::name)
          .containsExactlyInAnyOrder("base", "web", "worker", "fresh");
      assertThat(supervisorOf(fleet, "old")).isEmpty();
      assertThat(supervisorOf(fleet, "oldui")).isEmpty();

      // Added: running under the new config, gated by its (kept) dependency as usual.
      fleet.awaitState("fresh", ComponentState.READY, UP);
      long fresh = fleet.statusOf("fresh").pid();
      assertThat(commandLine(fresh)).contains(fleet.mark + "-fresh");

      // Changed: the old process is gone, a new one runs the new command.
      fleet.awaitState("worker", ComponentState.READY, UP);
      long worker = fleet.statusOf("worker").pid();
      assertThat(worker).isNotEqualTo(before.get("worker"));
      assertThat(FleetHarness.alive(before.get("worker"))).isFalse();
      assertThat(commandLine(worker)).endsWith(fleet.mark + "-worker v2");
      List<HealthEvent.ProcessStarted> workerStarts = fleet.events(HealthEvent.ProcessStarted.class, "worker");
      assertThat(workerStarts.get(workerStarts.size() - 1).command()).endsWith("v2");

      // Unchanged: the same processes, not even a state change.
      assertThat(fleet.statusOf("base").pid()).isEqualTo(before.get("base"));
      assertThat(fleet.statusOf("web").pid()).isEqualTo(before.get("web"));
      assertThat(FleetHarness.alive(before.get("base"))).isTrue();
      assertThat(FleetHarness.alive(before.get("web"))).isTrue();
      assertThat(fleet.transitions("base")).hasSize(baseTransitions);
      assertThat(fleet.transitions("web")).hasSize(webTransitions);
      assertThat(fleet.events(HealthEvent.ProcessExited.class, "base")).isEmpty();
      assertThat(fleet.events(HealthEvent.ProcessExited.class, "web")).isEmpty();

      // StopAll works on the new fleet: the added component is stopped too, nothing is left.
      fleet.stopAll();
      assertThat(fleet.statuses()).allMatch(s -> s.state() == ComponentState.STOPPED);
      await().atMost(Duration.ofSeconds(5)).until(() -> fleet.liveProcesses().isEmpty());
    }
  }

  @Test
  void keptSupervisorsAreRewiredForTheNewDependencyGraph() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 200ms }
        components {
          db    { command = ["$COMPONENT", "$MARK-db"], restart = always,
                  backoff { min = 1500ms, max = 1500ms, random-factor = 0 } }
          app   { command = ["$COMPONENT", "$MARK-app"] }
          cache { command = ["$COMPONENT", "$MARK-cache"], depends-on { db = requires }, on-dependency-loss = stop }
        }
        """)) {
      for (String c : List.of("db", "app", "cache")) {
        fleet.awaitState(c, ComponentState.READY, UP);
      }
      long db = fleet.statusOf("db").pid();

      // app gains two hard dependencies (one of them new and slow to be ready), cache loses its one.
      Guardian.ReloadResult result = fleet.reload("""
          defaults { ready-after = 200ms }
          components {
            db    { command = ["$COMPONENT", "$MARK-db"], restart = always,
                    backoff { min = 1500ms, max = 1500ms, random-factor = 0 } }
            queue { command = ["$COMPONENT", "$MARK-queue"], ready-after = 1s }
            app   { command = ["$COMPONENT", "$MARK-app"], depends-on { db = requires, queue = requires },
                    on-dependency-loss = stop }
            cache { command = ["$COMPONENT", "$MARK-cache"] }
          }
          """);
      assertThat(result.added()).containsExactly("queue");
      assertThat(result.changed()).containsExactly("app", "cache");
      assertThat(result.unchanged()).containsExactly("db");
      assertThat(result.removed()).isEmpty();

      // The new app waits for both: db (READY all along, and it said so to its new dependent) and queue.
      fleet.awaitState("app", ComponentState.READY, UP);
      fleet.awaitState("cache", ComponentState.READY, UP);
      List<HealthEvent.ProcessStarted> appStarts = fleet.events(HealthEvent.ProcessStarted.class, "app");
      assertThat(appStarts).hasSize(2);
      assertThat(appStarts.get(1).time()).isAfterOrEqualTo(readyAt(fleet, "queue"));
      assertThat(fleet.statusOf("db").pid()).isEqualTo(db);
      long app = fleet.statusOf("app").pid();
      long cache = fleet.statusOf("cache").pid();

      // db goes down: its new dependent app is stopped, cache (no longer dependent) keeps running.
      ProcessHandle.of(db).orElseThrow().destroyForcibly();
      await().atMost(UP).until(() -> !FleetHarness.alive(app));
      assertThat(fleet.events(HealthEvent.StateChanged.class, "app"))
          .anyMatch(t -> t.to() == ComponentState.STOPPING && t.cause().detail().contains("'db'"));
      // ... and comes back once db is READY again.
      await().atMost(UP).until(() -> {
        ComponentStatus now = fleet.statusOf("app");
        return now.state() == ComponentState.READY && now.pid() != app;
      });
      assertThat(fleet.statusOf("cache").pid()).isEqualTo(cache);
      assertThat(fleet.events(HealthEvent.ProcessExited.class, "cache")).hasSize(1); // only the reload's stop
    }
  }

  @Test
  void aReloadArrivingDuringAReloadRunsAfterIt() {
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { ready-after = 0s }
        components {
          steady { command = ["$COMPONENT", "$MARK-steady"] }
          worker { command = ["$COMPONENT", "$MARK-worker", "v1"] }
        }
        """)) {
      fleet.awaitState("worker", ComponentState.READY, UP);
      fleet.awaitState("steady", ComponentState.READY, UP);
      long steady = fleet.statusOf("steady").pid();
      String body = """
          defaults { ready-after = 0s }
          components {
            steady { command = ["$COMPONENT", "$MARK-steady"] }
            worker { command = ["$COMPONENT", "$MARK-worker", "%s"] }
          }
          """;
      var replies = testKit.<Guardian.ReloadResult>createTestProbe();
      // Sent back to back: the second arrives while the first is still stopping worker v1.
      fleet.guardian().tell(new Guardian.Reload(fleet.parse(body.formatted("v2")), replies.getRef()));
      fleet.guardian().tell(new Guardian.Reload(fleet.parse(body.formatted("v3")), replies.getRef()));
      Guardian.ReloadResult first = replies.receiveMessage(Duration.ofSeconds(30));
      Guardian.ReloadResult second = replies.receiveMessage(Duration.ofSeconds(30));
      assertThat(first.changed()).containsExactly("worker");
      // Against v2, not v1: it ran after the first one had finished.
      assertThat(second.changed()).containsExactly("worker");
      assertThat(second.unchanged()).containsExactly("steady");

      await().atMost(UP).until(() -> {
        ComponentStatus now = fleet.statusOf("worker");
        return now.state() == ComponentState.READY && commandLine(now.pid()).endsWith("v3");
      });
      // One worker process, not one per reload; steady untouched throughout.
      assertThat(FleetHarness.liveProcesses(fleet.mark + "-worker")).hasSize(1);
      assertThat(fleet.statusOf("steady").pid()).isEqualTo(steady);
      await().atMost(UP).until(() -> fleet.events(HealthEvent.ProcessStarted.class, "worker").size() >= 3);
      assertThat(fleet.events(HealthEvent.ProcessStarted.class, "worker")).hasSize(3);
    }
  }

  @Test
  void aGroupAddedByAReloadAppliesItsStrategy() {
    String components = """
        components {
          a { command = ["$COMPONENT", "$MARK-a"] }
          b { command = ["$COMPONENT", "$MARK-b"] }
        }
        """;
    try (FleetHarness fleet = FleetHarness.start(testKit, tmp, """
        defaults { restart = always, ready-after = 0s, backoff { min = 50ms, random-factor = 0 } }
        """ + components)) {
      fleet.awaitState("a", ComponentState.READY, UP);
      fleet.awaitState("b", ComponentState.READY, UP);
      long a = fleet.statusOf("a").pid();
      long b = fleet.statusOf("b").pid();

      Guardian.ReloadResult result = fleet.reload("""
          defaults { restart = always, ready-after = 0s, backoff { min = 50ms, random-factor = 0 } }
          groups { pair { strategy = one-for-all, members = [a, b] } }
          """ + components);
      assertThat(result.unchanged()).containsExactly("a", "b");
      awaitReloaded(fleet, "added [], removed [], changed []; groups stopped [], started [pair]");
      assertThat(fleet.statusOf("b").pid()).isEqualTo(b);

      // The new group knows its (kept) members: a's failure restarts b too.
      ProcessHandle.of(a).orElseThrow().destroyForcibly();
      await().atMost(UP).until(() -> {
        ComponentStatus now = fleet.statusOf("b");
        return now.state() == ComponentState.READY && now.pid() != b;
      });
      assertThat(fleet.events(HealthEvent.StateChanged.class, "b"))
          .anyMatch(t -> t.to() == ComponentState.STOPPING && t.cause().detail().contains("'a' failed"));
    }
  }

  /** The event goes through the bus, the reply does not: it may arrive a little later. */
  private static void awaitReloaded(FleetHarness fleet, String detail) {
    await().atMost(Duration.ofSeconds(5)).until(() -> fleet.events(HealthEvent.RegulatorLifecycle.class,
        HealthEvent.SYSTEM).stream()
        .anyMatch(e -> e.what().equals("reloaded") && e.detail().equals(Optional.of(detail))));
  }

  private static Map<String, Long> pids(FleetHarness fleet, List<String> names) {
    Map<String, Long> pids = new HashMap<>();
    names.forEach(n -> pids.put(n, fleet.statusOf(n).pid()));
    return pids;
  }

  private Optional<ActorRef<ComponentSupervisor.Command>> supervisorOf(FleetHarness fleet, String component) {
    var probe = testKit.<Optional<ActorRef<ComponentSupervisor.Command>>>createTestProbe();
    fleet.guardian().tell(new Guardian.GetSupervisor(component, probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  private static Instant exitOf(FleetHarness fleet, String component, long pid) {
    await().atMost(Duration.ofSeconds(5)).until(() -> fleet.events(HealthEvent.ProcessExited.class, component)
        .stream().anyMatch(e -> e.pid() == pid));
    return fleet.events(HealthEvent.ProcessExited.class, component).stream().filter(e -> e.pid() == pid)
        .findFirst().orElseThrow().time();
  }

  private static Instant readyAt(FleetHarness fleet, String component) {
    return fleet.transitions(component).stream().filter(t -> t.to() == ComponentState.READY).findFirst()
        .orElseThrow().time();
  }

  private static String commandLine(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(a -> String.join(" ", a)).orElse("");
  }
}
