package io.regulator.core.event;

/** What kind of thing made a component change state. */
public enum CauseCategory {
  /** Asked for by a person or by config (start, stop, restart, reload). */
  REQUESTED,
  /** Regulator started or is shutting down. */
  LIFECYCLE,
  /** The process started, became ready, etc. as expected. */
  PROGRESS,
  /** The process exited with a code. */
  EXIT_CODE,
  /** The process was terminated by a signal. */
  SIGNAL,
  /** The process could not be started at all (missing executable, permission, bad cwd). */
  EXEC_FAILED,
  /** A required dependency stopped being ready. */
  DEPENDENCY_LOST,
  /** Restarted because a sibling in its group failed. */
  GROUP_RESTART,
  /** Restart intensity exceeded. */
  INTENSITY_EXCEEDED,
  /** A process left over from an earlier run of Regulator. */
  ORPHAN
}
