package io.regulator.core.event;

import java.util.EnumSet;
import java.util.Set;

/** Observed state of a component (supervisord's states plus readiness). */
public enum ComponentState {
  STOPPED,
  STARTING,
  /** The process is alive but not yet ready. */
  RUNNING,
  READY,
  /** Alive, but liveness is failing. */
  UNHEALTHY,
  STOPPING,
  /** Waiting for the restart delay to pass. */
  BACKOFF,
  /** Wanted up, waiting for a required dependency to be READY. */
  WAITING,
  /** Too many restarts: no restart until the circuit's cooldown has passed. */
  CIRCUIT_OPEN,
  /** Cannot start at all (e.g. the executable is missing) until config or a manual start changes something. */
  FAILED;

  /** States in which a process of the component exists. */
  public static final Set<ComponentState> PROCESS_STATES = EnumSet.of(STARTING, RUNNING, READY, UNHEALTHY, STOPPING);

  /** States in which the component counts as up for its dependents (hard dependencies need READY). */
  public static final Set<ComponentState> UP_STATES = EnumSet.of(RUNNING, READY, UNHEALTHY);

  /** States that count as a failure of a component that is wanted up. */
  public static final Set<ComponentState> DOWN_STATES = EnumSet.of(BACKOFF, CIRCUIT_OPEN, FAILED);

  public boolean hasProcess() {
    return PROCESS_STATES.contains(this);
  }

  /** The edges of the state machine; a supervisor refuses any other transition. */
  public boolean canMoveTo(ComponentState to) {
    return switch (this) {
      // STOPPED -> STARTING when wanted up and dependencies allow; -> WAITING when they do not;
      // -> RUNNING when a process left by an earlier run is adopted
      case STOPPED -> to == STARTING || to == WAITING || to == RUNNING;
      // WAITING -> STARTING once dependencies are ready; -> STOPPED when no longer wanted
      case WAITING -> to == STARTING || to == STOPPED;
      // STARTING -> RUNNING when spawned, FAILED when it cannot be, STOPPING when stopped meanwhile
      case STARTING -> to == RUNNING || to == FAILED || to == STOPPING;
      // a live process: becomes (un)ready, is stopped, or exits (restart now, later, circuit, or not at all)
      case RUNNING, READY, UNHEALTHY -> to != this && to != WAITING && to != FAILED;
      // STOPPING -> STOPPED, or straight on to the next start (restart, dependency back); a stop
      // that a failing probe asked for ends like a crash: BACKOFF or CIRCUIT_OPEN
      case STOPPING -> to == STOPPED || to == WAITING || to == STARTING || to == BACKOFF || to == CIRCUIT_OPEN;
      // BACKOFF / CIRCUIT_OPEN -> STARTING when the timer fires, WAITING if dependencies are down
      case BACKOFF, CIRCUIT_OPEN -> to == STARTING || to == WAITING || to == STOPPED;
      // FAILED stays until a person (or a reload) starts or stops it
      case FAILED -> to == STARTING || to == WAITING || to == STOPPED;
    };
  }
}
