package io.regulator.journal.read;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.graph.DependencyGraph;
import io.regulator.core.spec.DependencyKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Synthetic journals for the pure read-side tests: times are seconds after {@link #T0}. */
final class Script {

  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  private final List<HealthEvent> events = new ArrayList<>();
  private final Map<String, ComponentState> states = new LinkedHashMap<>();

  static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  /** {@code graph("app", "db", "edge", "app")}: app requires db, edge requires app. */
  static DependencyGraph graph(String... dependentThenDependency) {
    Map<String, Map<String, DependencyKind>> deps = new LinkedHashMap<>();
    for (int i = 0; i < dependentThenDependency.length; i += 2) {
      deps.computeIfAbsent(dependentThenDependency[i], k -> new LinkedHashMap<>())
          .put(dependentThenDependency[i + 1], DependencyKind.REQUIRES);
      deps.computeIfAbsent(dependentThenDependency[i + 1], k -> new LinkedHashMap<>());
    }
    return new DependencyGraph(deps);
  }

  List<HealthEvent> events() {
    return List.copyOf(events);
  }

  Script lifecycle(double t, String what) {
    events.add(new HealthEvent.RegulatorLifecycle(at(t), "local", HealthEvent.SYSTEM, what, Optional.empty()));
    return this;
  }

  Script state(double t, String component, ComponentState to, Cause cause) {
    ComponentState from = states.getOrDefault(component, ComponentState.STOPPED);
    states.put(component, to);
    events.add(new HealthEvent.StateChanged(at(t), "local", component, from, to, cause));
    return this;
  }

  Script state(double t, String component, ComponentState to) {
    return state(t, component, to, Cause.progress(to.name().toLowerCase()));
  }

  /** STOPPED -> STARTING -> RUNNING at t (a process started), READY at {@code ready}. */
  Script up(double t, double ready, String component) {
    state(t, component, ComponentState.STARTING);
    events.add(new HealthEvent.ProcessStarted(at(t), "local", component, 100, 0, component));
    state(t, component, ComponentState.RUNNING);
    return state(ready, component, ComponentState.READY, Cause.progress("ready"));
  }

  /** A restart after a failure: STARTING and RUNNING at t, READY at {@code ready} (or never when negative). */
  Script restart(double t, double ready, String component) {
    state(t, component, ComponentState.STARTING);
    events.add(new HealthEvent.ProcessStarted(at(t), "local", component, 101, 0, component));
    state(t, component, ComponentState.RUNNING);
    return ready < 0 ? this : state(ready, component, ComponentState.READY, Cause.progress("ready"));
  }

  /** The process exited unexpectedly (code), a restart was scheduled and the component went to BACKOFF. */
  Script crash(double t, String component, int code) {
    Cause cause = Cause.of(CauseCategory.EXIT_CODE, "exited with code " + code);
    exit(t, component, ExitStatus.code(code), cause);
    events.add(new HealthEvent.RestartScheduled(at(t), "local", component, 1, 200));
    return state(t, component, ComponentState.BACKOFF, cause);
  }

  /** Killed by SIGKILL, a restart scheduled, BACKOFF. */
  Script killed(double t, String component) {
    Cause cause = Cause.of(CauseCategory.SIGNAL, "killed by SIGKILL");
    exit(t, component, ExitStatus.signal("KILL"), cause);
    events.add(new HealthEvent.RestartScheduled(at(t), "local", component, 1, 200));
    return state(t, component, ComponentState.BACKOFF, cause);
  }

  Script exit(double t, String component, ExitStatus status, Cause cause) {
    events.add(new HealthEvent.ProcessExited(at(t), "local", component, 100, status, cause, 1000, 0));
    return this;
  }

  /** Stopped because a required dependency went away, then WAITING for it. */
  Script knockedDown(double t, String component, String dependency) {
    Cause lost = new Cause(CauseCategory.DEPENDENCY_LOST, "required dependency '" + dependency + "' is BACKOFF",
        "it starts again once '" + dependency + "' is READY");
    state(t, component, ComponentState.STOPPING, lost);
    exit(t, component, ExitStatus.code(0), lost);
    return state(t, component, ComponentState.WAITING, Cause.progress("waiting for " + dependency));
  }

  /** Stopped on purpose (a person, or Regulator's own shutdown). */
  Script stop(double t, String component, CauseCategory why) {
    Cause cause = Cause.of(why, "stop");
    ComponentState now = states.getOrDefault(component, ComponentState.STOPPED);
    if (now.hasProcess()) {
      state(t, component, ComponentState.STOPPING, cause);
      exit(t, component, ExitStatus.code(0), cause);
    }
    return state(t, component, ComponentState.STOPPED, cause);
  }
}
