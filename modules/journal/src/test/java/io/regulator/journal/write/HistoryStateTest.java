package io.regulator.journal.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.StoredEvent;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counting rules of a component's history, as pure functions of its events. */
class HistoryStateTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  private static Instant at(long seconds) {
    return T0.plusSeconds(seconds);
  }

  private static StoredEvent state(long t, ComponentState from, ComponentState to, Cause cause) {
    return StoredEvent.of(new HealthEvent.StateChanged(at(t), "n1", "web", from, to, cause));
  }

  private static StoredEvent exit(long t, ExitStatus status, Cause cause) {
    return StoredEvent.of(new HealthEvent.ProcessExited(at(t), "n1", "web", 42, status, cause, 5000, 0));
  }

  private static HistoryState fold(StoredEvent... events) {
    HistoryState h = HistoryState.empty("web");
    for (StoredEvent e : events) {
      h = h.apply(e);
    }
    return h;
  }

  @Test
  void crashesCountAsFailuresAndRestartsAndOpenAnIncidentUntilReady() {
    Cause killed = Cause.of(CauseCategory.SIGNAL, "killed by SIGKILL");
    HistoryState h = fold(
        state(0, ComponentState.STOPPED, ComponentState.STARTING, Cause.requested("start")),
        state(1, ComponentState.STARTING, ComponentState.RUNNING, Cause.progress("spawned")),
        state(2, ComponentState.RUNNING, ComponentState.READY, Cause.progress("ready")),
        exit(100, ExitStatus.signal("KILL"), killed),
        StoredEvent.of(new HealthEvent.RestartScheduled(at(100), "n1", "web", 1, 200)),
        state(100, ComponentState.READY, ComponentState.BACKOFF, killed));

    assertThat(h.failures()).isEqualTo(1);
    assertThat(h.failuresByCause()).isEqualTo(Map.of("SIGNAL", 1));
    assertThat(h.restarts()).isEqualTo(1);
    assertThat(h.upMillis()).isEqualTo(99_000); // RUNNING from 1s to 100s
    assertThat(h.lastExit().signal()).isEqualTo("KILL");
    assertThat(h.lastExit().code()).isNull();
    assertThat(h.lastExit().detail()).isEqualTo("killed by SIGKILL");
    assertThat(h.openIncident()).isEqualTo(new HistoryState.Incident(at(100), "SIGNAL", "killed by SIGKILL"));
    assertThat(h.observedState()).contains(ComponentState.BACKOFF);
    assertThat(h.downMillisAt(at(110))).isEqualTo(10_000);
    assertThat(h.events()).isEqualTo(6);

    HistoryState recovered = h
        .apply(state(110, ComponentState.BACKOFF, ComponentState.STARTING, Cause.progress("restart after backoff")))
        .apply(state(111, ComponentState.STARTING, ComponentState.RUNNING, Cause.progress("spawned")))
        .apply(state(112, ComponentState.RUNNING, ComponentState.READY, Cause.progress("ready")));
    assertThat(recovered.openIncident()).isNull();
    assertThat(recovered.downMillis()).isEqualTo(10_000);
    assertThat(recovered.upMillis()).isEqualTo(100_000);
    assertThat(recovered.upMillisAt(at(122))).isEqualTo(110_000);
  }

  @Test
  void requestedStopsAndCleanExitsAreNotFailures() {
    HistoryState h = fold(
        state(0, ComponentState.STOPPED, ComponentState.STARTING, Cause.requested("start")),
        state(1, ComponentState.STARTING, ComponentState.RUNNING, Cause.progress("spawned")),
        exit(5, ExitStatus.code(0), Cause.of(CauseCategory.EXIT_CODE, "exited with code 0")),
        exit(6, ExitStatus.signal("TERM"), Cause.requested("stop requested")),
        exit(7, ExitStatus.code(1), Cause.of(CauseCategory.DEPENDENCY_LOST, "runner is down")));

    assertThat(h.failures()).isZero();
    assertThat(h.openIncident()).isNull();
    assertThat(h.lastExit().code()).isEqualTo(1);
  }

  @Test
  void aStartThatCannotHappenIsAFailure() {
    Cause missing = Cause.of(CauseCategory.EXEC_FAILED, "executable not found: /nope");
    HistoryState h = fold(
        state(0, ComponentState.STOPPED, ComponentState.STARTING, Cause.requested("start")),
        state(0, ComponentState.STARTING, ComponentState.FAILED, missing));

    assertThat(h.failures()).isEqualTo(1);
    assertThat(h.failuresByCause()).containsEntry("EXEC_FAILED", 1);
    assertThat(h.openIncident().detail()).isEqualTo("executable not found: /nope");

    HistoryState stopped = h.apply(state(9, ComponentState.FAILED, ComponentState.STOPPED, Cause.requested("stop")));
    assertThat(stopped.openIncident()).isNull();
    assertThat(stopped.downMillis()).isEqualTo(9_000);
  }

  @Test
  void timeAcrossAGapInTheHistoryIsNeitherUpNorDown() {
    // READY when Regulator was killed; the next run starts from STOPPED a day later
    HistoryState h = fold(
        state(0, ComponentState.STARTING, ComponentState.RUNNING, Cause.progress("spawned")),
        state(1, ComponentState.RUNNING, ComponentState.READY, Cause.progress("ready")),
        state(86_400, ComponentState.STOPPED, ComponentState.STARTING, Cause.of(CauseCategory.LIFECYCLE, "start")));

    assertThat(h.upMillis()).isEqualTo(1_000);
    assertThat(h.downMillis()).isZero();
  }

  @Test
  void unknownValuesFromANewerVersionDoNotBreakTheFold() {
    StoredEvent newer = new StoredEvent(2, "StateChanged", at(1), "n1", "web", "RUNNING", "HIBERNATING",
        "SOME_NEW_DIAGNOSIS", "sleeping", null, null, null, null, null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null, null, null);
    HistoryState h = fold(state(0, ComponentState.STARTING, ComponentState.RUNNING, Cause.progress("spawned")), newer,
        new StoredEvent(2, "SomethingNew", at(2), "n1", "web", null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null));

    assertThat(h.state()).isEqualTo("HIBERNATING");
    assertThat(h.observedState()).isEmpty();
    assertThat(h.upMillis()).isEqualTo(1_000);
    assertThat(h.events()).isEqualTo(3);
    assertThat(HistoryState.isFailure("SOME_NEW_DIAGNOSIS", null)).isTrue();
  }
}
