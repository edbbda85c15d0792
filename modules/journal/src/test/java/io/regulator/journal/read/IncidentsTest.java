package io.regulator.journal.read;

import static io.regulator.journal.read.Script.at;
import static io.regulator.journal.read.Script.graph;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.graph.DependencyGraph;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentsTest {

  /** db <- app <- edge (edge requires app, app requires db); web stands alone. */
  private static final DependencyGraph FLEET = graph("app", "db", "edge", "app", "web", "web-dep");

  private static Script fleetUp() {
    return new Script().lifecycle(0, "started").up(0, 1, "db").up(1, 2, "app").up(2, 3, "edge").up(0, 1, "web");
  }

  @Test
  void aCascadeIsOneIncidentWhoseRootIsTheDeepestFailedDependency() {
    Script s = fleetUp()
        .killed(100, "db")
        .knockedDown(100.010, "app", "db")
        .knockedDown(100.020, "edge", "app")
        .restart(100.2, 101, "db")
        .restart(101.010, 102, "app")
        .restart(102.010, 103, "edge");

    List<Incident> incidents = Incidents.of(s.events(), FLEET);

    assertThat(incidents).singleElement().satisfies(i -> {
      assertThat(i.start()).isEqualTo(at(100));
      assertThat(i.end()).contains(at(103));
      assertThat(i.duration()).contains(Duration.ofSeconds(3));
      assertThat(i.root()).isEqualTo("db");
      assertThat(i.rootCause().category()).isEqualTo(CauseCategory.SIGNAL);
      assertThat(i.rootCause().detail()).isEqualTo("killed by SIGKILL");
      assertThat(i.affected()).containsExactly("db", "app", "edge");
      assertThat(i.failures()).extracting(Failure::component).containsExactly("db", "app", "edge");
      assertThat(i.failures()).extracting(f -> f.cause().category())
          .containsExactly(CauseCategory.SIGNAL, CauseCategory.DEPENDENCY_LOST, CauseCategory.DEPENDENCY_LOST);
      assertThat(i.recovered()).isTrue();
      assertThat(i.open()).isFalse();
    });
  }

  @Test
  void theRootIsTheDeepestFailedComponentEvenWhenADependentFailedFirst() {
    // db hangs: app's liveness notices before db's own probe does.
    Cause liveness = Cause.of(CauseCategory.PROBE_TIMEOUT, "liveness timed out");
    Script s = fleetUp()
        .state(99, "app", ComponentState.UNHEALTHY, liveness)
        .state(99, "app", ComponentState.STOPPING, liveness)
        .exit(99.5, "app", ExitStatus.signal("TERM"), liveness)
        .state(99.5, "app", ComponentState.BACKOFF, liveness)
        .state(100, "db", ComponentState.UNHEALTHY, Cause.of(CauseCategory.PROBE_TIMEOUT, "db liveness timed out"))
        .state(100, "db", ComponentState.STOPPING, liveness)
        .exit(100.5, "db", ExitStatus.signal("TERM"), liveness)
        .state(100.5, "db", ComponentState.BACKOFF, liveness)
        .restart(101, 102, "db")
        .restart(102, 103, "app");

    assertThat(Incidents.of(s.events(), FLEET)).singleElement().satisfies(i -> {
      assertThat(i.root()).isEqualTo("db");
      assertThat(i.rootCause().detail()).isEqualTo("db liveness timed out");
      assertThat(i.start()).isEqualTo(at(99));
      assertThat(i.affected()).containsExactly("db", "app");
    });
  }

  @Test
  void failuresOfUnrelatedComponentsAreSeparateIncidentsEvenWhenTheyOverlap() {
    Script s = fleetUp()
        .crash(100, "db", 3)
        .crash(100.5, "web", 1)
        .restart(101, 102, "db")
        .restart(101, 105, "web");

    List<Incident> incidents = Incidents.of(s.events(), FLEET);

    assertThat(incidents).extracting(Incident::root).containsExactly("db", "web");
    assertThat(incidents.get(0).affected()).containsExactly("db");
    assertThat(incidents.get(0).duration()).contains(Duration.ofSeconds(2));
    assertThat(incidents.get(1).duration()).contains(Duration.ofMillis(4500));
  }

  @Test
  void flappingGivesAnIncidentPerFailureAndRecoveryAndACrashLoopIsOneIncident() {
    Script s = fleetUp()
        .crash(100, "web", 1).restart(100.2, 101, "web")
        .crash(200, "web", 1).restart(200.2, 201, "web")
        // a crash loop: three exits before it is READY again
        .crash(300, "web", 1).restart(300.2, -1, "web")
        .crash(301, "web", 1).restart(301.4, -1, "web")
        .crash(302, "web", 1).restart(302.8, 304, "web");

    List<Incident> incidents = Incidents.of(s.events(), FLEET);

    assertThat(incidents).hasSize(3).allSatisfy(i -> assertThat(i.root()).isEqualTo("web"));
    assertThat(incidents).extracting(i -> i.duration().orElseThrow())
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(4));
    // an exit and the BACKOFF it causes are one failure
    assertThat(incidents.get(0).failures()).hasSize(1);
    assertThat(incidents.get(2).failures()).extracting(Failure::time).containsExactly(at(300), at(301), at(302));
  }

  @Test
  void anIncidentThatHasNotEndedIsOpenAndMeasuredToNow() {
    Cause circuit = Cause.of(CauseCategory.INTENSITY_EXCEEDED, "more than 5 restarts within 1m");
    Script s = fleetUp()
        .crash(100, "web", 2)
        .restart(100.2, -1, "web")
        .exit(100.5, "web", ExitStatus.code(2), Cause.of(CauseCategory.EXIT_CODE, "exited with code 2"))
        .state(100.5, "web", ComponentState.CIRCUIT_OPEN, circuit);

    assertThat(Incidents.of(s.events(), FLEET)).singleElement().satisfies(i -> {
      assertThat(i.open()).isTrue();
      assertThat(i.end()).isEmpty();
      assertThat(i.duration()).isEmpty();
      assertThat(i.recovered()).isFalse();
      assertThat(i.durationAt(at(160))).isEqualTo(Duration.ofSeconds(60));
      // the circuit opening is a consequence of the second exit, not a third failure
      assertThat(i.failures()).hasSize(2);
    });
  }

  @Test
  void aCascadeStillGoingOnIsOpenUntilTheLastDependentIsBack() {
    Script s = fleetUp()
        .crash(100, "db", 1)
        .knockedDown(100, "app", "db")
        .restart(101, 102, "db");

    assertThat(Incidents.of(s.events(), FLEET)).singleElement().satisfies(i -> {
      assertThat(i.open()).isTrue();
      assertThat(i.root()).isEqualTo("db");
      assertThat(i.affected()).containsExactly("db", "app");
    });
  }

  @Test
  void twoFailedDependenciesOfOneComponentMakeOneIncidentRootedInTheFirstToFail() {
    DependencyGraph graph = graph("app", "db", "app", "cache");
    Script s = new Script().up(0, 1, "db").up(0, 1, "cache").up(1, 2, "app")
        .crash(100, "cache", 1)
        .knockedDown(100, "app", "cache")
        .crash(100.5, "db", 1)
        .restart(101, 102, "cache")
        .restart(101, 103, "db")
        .restart(103, 104, "app");

    assertThat(Incidents.of(s.events(), graph)).singleElement().satisfies(i -> {
      assertThat(i.root()).isEqualTo("cache");
      assertThat(i.affected()).containsExactlyInAnyOrder("cache", "db", "app").startsWith("cache");
      assertThat(i.end()).contains(at(104));
    });
  }

  @Test
  void aDependentThatBouncesRightAfterItsDependencyIsBackBelongsToThatIncident() {
    // on-dependency-loss = restart: app kept running, and reconnects once db is READY.
    Cause reconnect = Cause.of(CauseCategory.DEPENDENCY_LOST, "a required dependency is back; reconnecting");
    Script s = fleetUp()
        .crash(100, "db", 1)
        .restart(100.2, 101, "db")
        .state(101.003, "app", ComponentState.STOPPING, reconnect)
        .restart(101.1, 102, "app")
        // much later, a planned restart of db bounces app again: not the old incident
        .stop(500, "db", CauseCategory.REQUESTED)
        .state(500.001, "app", ComponentState.STOPPING, reconnect)
        .restart(500.5, 501, "db")
        .restart(501, 502, "app");

    List<Incident> incidents = Incidents.of(s.events(), FLEET);

    assertThat(incidents).hasSize(2);
    assertThat(incidents.get(0).root()).isEqualTo("db");
    assertThat(incidents.get(0).affected()).containsExactly("db", "app");
    assertThat(incidents.get(0).end()).contains(at(102));
    assertThat(incidents.get(1).root()).isEqualTo("app");
    assertThat(incidents.get(1).rootCause().category()).isEqualTo(CauseCategory.DEPENDENCY_LOST);
  }

  @Test
  void stoppingAFailedComponentOnPurposeEndsItsIncidentUnrecovered() {
    Script s = fleetUp()
        .crash(100, "web", 1)
        .stop(130, "web", CauseCategory.REQUESTED);

    assertThat(Incidents.of(s.events(), FLEET)).singleElement().satisfies(i -> {
      assertThat(i.end()).contains(at(130));
      assertThat(i.recovered()).isFalse();
    });
  }

  @Test
  void requestedStopsCleanExitsAndStartupWaitsAreNoIncidents() {
    Script s = new Script().lifecycle(0, "started")
        .state(0, "app", ComponentState.WAITING, Cause.progress("waiting for db (requires, STARTING)"))
        .up(0, 1, "db")
        .restart(1, 2, "app")
        // a one-shot job that finished: restart = on-failure, exit code 0 -> STOPPED
        .up(0, 1, "web")
        .exit(50, "web", ExitStatus.code(0), Cause.of(CauseCategory.EXIT_CODE, "exited with code 0"))
        .state(50, "web", ComponentState.STOPPED, Cause.of(CauseCategory.EXIT_CODE, "exited with code 0"))
        .stop(100, "app", CauseCategory.REQUESTED)
        .stop(200, "db", CauseCategory.LIFECYCLE);

    assertThat(Incidents.of(s.events(), FLEET)).isEmpty();
  }

  @Test
  void losingReadinessIsAFailureAndItsDependentsFollowIt() {
    Cause probe = Cause.of(CauseCategory.PROBE_STATUS, "GET /health answered 503");
    Script s = fleetUp()
        .state(100, "db", ComponentState.RUNNING, probe)
        .knockedDown(100.01, "app", "db")
        .state(110, "db", ComponentState.READY, Cause.progress("ready"))
        .restart(110.01, 111, "app");

    assertThat(Incidents.of(s.events(), FLEET)).singleElement().satisfies(i -> {
      assertThat(i.root()).isEqualTo("db");
      assertThat(i.rootCause()).isEqualTo(probe);
      assertThat(i.duration()).contains(Duration.ofSeconds(11));
    });
  }

  @Test
  void withinKeepsTheIncidentsGoingOnInTheWindow() {
    Script s = fleetUp()
        .crash(100, "web", 1).restart(100.2, 101, "web")
        .crash(200, "web", 1).restart(200.2, 210, "web")
        .crash(300, "web", 1);
    List<Incident> all = Incidents.of(s.events(), FLEET);

    assertThat(Incidents.within(all, at(205), at(400))).extracting(Incident::start).containsExactly(at(200), at(300));
    assertThat(Incidents.within(all, at(0), at(150))).extracting(Incident::start).containsExactly(at(100));
    assertThat(Incidents.within(all, at(1000), at(2000))).extracting(Incident::start).containsExactly(at(300));
    assertThat(Incidents.affecting(all, "db")).isEmpty();
  }
}
