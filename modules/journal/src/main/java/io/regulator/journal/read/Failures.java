package io.regulator.journal.read;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which journaled events are failures of a component, which are its recovery, and which stops are
 * meant. Incidents, reports and the {@code failure} event kind all read the journal through these
 * few rules (docs/journal-queries.md, "What counts as a failure").
 */
public final class Failures {

  /** States a component that is wanted up only enters when something went wrong. */
  public static final Set<ComponentState> FAILED_STATES = EnumSet.of(ComponentState.BACKOFF,
      ComponentState.CIRCUIT_OPEN, ComponentState.FAILED, ComponentState.UNHEALTHY);

  /** Causes that take a healthy component down because of another one. */
  public static final Set<CauseCategory> KNOCK_ON = EnumSet.of(CauseCategory.DEPENDENCY_LOST,
      CauseCategory.GROUP_RESTART);

  /** Causes that say somebody (a person, config, Regulator's own start or stop) wanted it. */
  public static final Set<CauseCategory> DELIBERATE = EnumSet.of(CauseCategory.REQUESTED, CauseCategory.LIFECYCLE);

  /** Causes of an exit that is no failure of the process itself. */
  private static final Set<CauseCategory> NOT_AN_EXIT_FAILURE = EnumSet.of(CauseCategory.REQUESTED,
      CauseCategory.LIFECYCLE, CauseCategory.PROGRESS, CauseCategory.DEPENDENCY_LOST, CauseCategory.GROUP_RESTART,
      CauseCategory.ORPHAN);

  private Failures() {}

  /** A failure of the event's component: the first one opens an incident of it. */
  public static boolean isFailure(HealthEvent event) {
    if (event instanceof HealthEvent.StateChanged e) {
      return isFailure(e);
    }
    if (event instanceof HealthEvent.ProcessExited e) {
      return isFailure(e);
    }
    return false;
  }

  static boolean isFailure(HealthEvent.StateChanged e) {
    // -> BACKOFF, CIRCUIT_OPEN, FAILED, UNHEALTHY: it crashed, looped, cannot start, or fails liveness
    if (FAILED_STATES.contains(e.to())) {
      return true;
    }
    // -> STOPPING / WAITING because a dependency went (or a group sibling failed): knocked down
    if ((e.to() == ComponentState.STOPPING || e.to() == ComponentState.WAITING)
        && KNOCK_ON.contains(e.cause().category())) {
      return true;
    }
    // READY -> RUNNING because readiness failed: out of service, and its dependents lose it
    return e.from() == ComponentState.READY && e.to() == ComponentState.RUNNING
        && !DELIBERATE.contains(e.cause().category()) && e.cause().category() != CauseCategory.PROGRESS;
  }

  /** An exit nobody asked for; exit code 0 is a clean end (the job finished), not a failure. */
  static boolean isFailure(HealthEvent.ProcessExited e) {
    CauseCategory category = e.cause().category();
    if (NOT_AN_EXIT_FAILURE.contains(category)) {
      return false;
    }
    return !(category == CauseCategory.EXIT_CODE && e.status().code().filter(c -> c == 0).isPresent());
  }

  /** The component is back: READY. */
  static boolean isRecovery(HealthEvent.StateChanged e) {
    return e.to() == ComponentState.READY;
  }

  /** Stopped on purpose (a person, a reload, Regulator's own shutdown): an incident ends unrecovered. */
  static boolean isDeliberateStop(HealthEvent.StateChanged e) {
    return e.to() == ComponentState.STOPPED && DELIBERATE.contains(e.cause().category());
  }

  /**
   * A fresh attempt to run the component: after it, the next failure counts as a new one. (An
   * exit, the BACKOFF after it and the CIRCUIT_OPEN it triggers are one failure, not three.)
   */
  static boolean isNewAttempt(HealthEvent.StateChanged e) {
    return e.to() == ComponentState.STARTING || e.to() == ComponentState.READY
        || (e.to() == ComponentState.RUNNING && e.from() == ComponentState.STOPPED);
  }
}
