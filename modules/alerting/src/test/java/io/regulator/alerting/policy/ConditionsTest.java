package io.regulator.alerting.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.regulator.alerting.policy.Conditions.Health;
import io.regulator.alerting.policy.Conditions.HealthChanged;
import io.regulator.alerting.policy.Conditions.Raised;
import io.regulator.alerting.policy.Conditions.Recovered;
import io.regulator.alerting.policy.Conditions.Signal;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.FleetSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which health events raise which condition, recover a component, or change its health. */
class ConditionsTest {

  private static final Instant T = Instant.parse("2024-05-01T12:00:00Z");

  @TempDir Path tmp;
  private FleetSpec fleet;

  @BeforeEach
  void fleet() throws Exception {
    fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator.components {
          app { command = ["/bin/true"], success-exit-codes = [0, 3] }
        }
        """), tmp);
  }

  @Test
  void anUnexpectedExitIsACrash() {
    List<Signal> s = of(exited(ExitStatus.code(1), Cause.of(CauseCategory.EXIT_CODE, "exited with code 1")));
    assertThat(s).containsExactly(new HealthChanged("app", Health.PROBLEM),
        new Raised("app", "crashed", Cause.of(CauseCategory.EXIT_CODE, "exited with code 1"),
            "app crashed: exited with code 1", T));
    assertThat(condition(exited(ExitStatus.signal("KILL"),
        Cause.of(CauseCategory.OUT_OF_MEMORY, "killed by SIGKILL, probably out of memory")))).contains("crashed");
    assertThat(condition(exited(ExitStatus.code(1), Cause.of(CauseCategory.ADDRESS_IN_USE, "port 5051 in use"))))
        .contains("crashed");
  }

  @Test
  void stopsCleanExitsAndProbeKillsAreNoCrash() {
    assertThat(of(exited(ExitStatus.signal("TERM"), Cause.requested("stop")))).isEmpty();
    assertThat(of(exited(ExitStatus.code(0), Cause.of(CauseCategory.EXIT_CODE, "exited with code 0")))).isEmpty();
    assertThat(of(exited(ExitStatus.code(3), Cause.of(CauseCategory.EXIT_CODE, "exited with code 3")))).isEmpty();
    assertThat(of(exited(ExitStatus.signal("TERM"), Cause.of(CauseCategory.DEPENDENCY_LOST, "db lost")))).isEmpty();
    assertThat(of(exited(ExitStatus.signal("TERM"), Cause.of(CauseCategory.GROUP_RESTART, "runner failed"))))
        .isEmpty();
    // the liveness probe had it stopped: that is "unhealthy", raised by the probe
    assertThat(of(exited(ExitStatus.code(0), Cause.of(CauseCategory.PROBE_TIMEOUT, "no answer")))).isEmpty();
  }

  @Test
  void statesRaiseTheirConditions() {
    Cause c = Cause.of(CauseCategory.INTENSITY_EXCEEDED, "too many restarts");
    assertThat(condition(state(ComponentState.BACKOFF, ComponentState.CIRCUIT_OPEN, c))).contains("circuit-open");
    assertThat(condition(state(ComponentState.STARTING, ComponentState.FAILED, c))).contains("failed");
    assertThat(condition(state(ComponentState.READY, ComponentState.UNHEALTHY, c))).contains("unhealthy");
    assertThat(condition(state(ComponentState.READY, ComponentState.RUNNING, c))).contains("not-ready");
    assertThat(of(state(ComponentState.STARTING, ComponentState.RUNNING, c))).isEmpty(); // a normal start
    assertThat(of(state(ComponentState.READY, ComponentState.BACKOFF, c)))
        .containsExactly(new HealthChanged("app", Health.PROBLEM));
  }

  @Test
  void readyAndARequestedStopRecover() {
    assertThat(of(state(ComponentState.RUNNING, ComponentState.READY, Cause.progress("ready")))).containsExactly(
        new Recovered("app", Optional.empty(), "ready again"), new HealthChanged("app", Health.OK));
    assertThat(of(state(ComponentState.STOPPING, ComponentState.STOPPED, Cause.requested("stop")))).containsExactly(
        new Recovered("app", Optional.empty(), "stopped on request"), new HealthChanged("app", Health.STOPPED));
    // stopped because a dependency was lost: its own alerts stay (they are inhibited meanwhile)
    assertThat(of(state(ComponentState.STOPPING, ComponentState.STOPPED,
        Cause.of(CauseCategory.DEPENDENCY_LOST, "db lost")))).isEmpty();
  }

  @Test
  void probesByRole() {
    assertThat(condition(probe("liveness", false))).contains("unhealthy");
    assertThat(condition(probe("readiness", false))).contains("not-ready");
    assertThat(condition(probe("startup", false))).contains("startup-failed");
    assertThat(of(probe("readiness", true)))
        .containsExactly(new Recovered("app", Optional.of("not-ready"), "readiness probe passing again"));
    assertThat(of(probe("liveness", true))).isEmpty();
  }

  @Test
  void regulatorsOwnConditionsAreOnSystem() {
    Raised escalated = (Raised) of(new HealthEvent.GroupEscalated(T, "n", "edge", "app", 11, 60_000)).get(0);
    assertThat(escalated.component()).isEqualTo(HealthEvent.SYSTEM);
    assertThat(escalated.condition()).isEqualTo("group-escalated");
    assertThat(escalated.title()).contains("group edge").contains("app");
    Raised echo = (Raised) of(new HealthEvent.SystemCritical(T, "n", "system",
        "group 'edge' exceeded its restart intensity (11 failures, last by 'app'); other components keep running"))
        .get(0);
    assertThat(echo.condition()).isEqualTo("group-escalated"); // the root's word on it: the same alert
    Raised critical = (Raised) of(new HealthEvent.SystemCritical(T, "n", "system",
        "alert receiver 'ops' (https://hooks.slack.com/***) disabled: 404")).get(0);
    assertThat(critical.component()).isEqualTo("system");
    assertThat(critical.condition()).isEqualTo("critical");
    assertThat(critical.cause().detail()).contains("alert receiver 'ops'");

    Raised degraded = (Raised) of(new HealthEvent.RegulatorLifecycle(T, "n", "system", "journal degraded",
        Optional.of("cannot write"))).get(0);
    assertThat(degraded.condition()).isEqualTo("journal-degraded");
    assertThat(of(new HealthEvent.RegulatorLifecycle(T, "n", "system", "journal recovered", Optional.empty())))
        .containsExactly(new Recovered("system", Optional.of("journal-degraded"), "journal writes succeed again"));
    assertThat(of(new HealthEvent.RegulatorLifecycle(T, "n", "system", "started", Optional.empty()))).isEmpty();
    assertThat(condition(new HealthEvent.OrphanHandled(T, "n", "app", 7, false, "killed pid 7"))).contains("orphan");
  }

  @Test
  void eventsThatAreOnlyStepsSayNothing() {
    assertThat(of(new HealthEvent.ProcessStarted(T, "n", "app", 1, 0, "app"))).isEmpty();
    assertThat(of(new HealthEvent.RestartScheduled(T, "n", "app", 1, 200))).isEmpty();
    assertThat(of(new HealthEvent.CircuitChanged(T, "n", "app", CircuitState.CLOSED, CircuitState.OPEN, 1000,
        Cause.of(CauseCategory.INTENSITY_EXCEEDED, "x")))).isEmpty();
  }

  private List<Signal> of(HealthEvent e) {
    return Conditions.of(e, fleet);
  }

  private Optional<String> condition(HealthEvent e) {
    return of(e).stream().filter(s -> s instanceof Raised).map(s -> ((Raised) s).condition()).findFirst();
  }

  private static HealthEvent exited(ExitStatus status, Cause cause) {
    return new HealthEvent.ProcessExited(T, "n", "app", 1, status, cause, 1000, 0);
  }

  private static HealthEvent state(ComponentState from, ComponentState to, Cause cause) {
    return new HealthEvent.StateChanged(T, "n", "app", from, to, cause);
  }

  private static HealthEvent probe(String role, boolean healthy) {
    return new HealthEvent.ProbeChanged(T, "n", "app", role, "http", healthy, 3,
        healthy ? null : Cause.of(CauseCategory.PROBE_STATUS, "status 503"), healthy ? "200" : "503");
  }
}
