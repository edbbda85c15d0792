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
  ORPHAN,

  // ---- exit diagnosis --------------------------------------------------------------------

  /** It exited because the address (port) it wanted to listen on was taken. */
  ADDRESS_IN_USE,
  /** Killed by SIGKILL with its resident memory near its limit: probably the OOM killer. */
  OUT_OF_MEMORY,

  // ---- probe failures --------------------------------------------------------------------

  /** The probe's target refused the connection (nothing listens there). */
  PROBE_REFUSED,
  /** The probe's target did not answer within the probe's timeout. */
  PROBE_TIMEOUT,
  /** An HTTP probe got a status outside the expected range. */
  PROBE_STATUS,
  /** An HTTP probe's body did not contain the expected text. */
  PROBE_BODY,
  /** An HTTP probe's JSON body did not hold the expected value at the pointer. */
  PROBE_JSON,
  /** An exec probe's command exited non-zero or could not run. */
  PROBE_EXIT_CODE,
  /** Any other probe error (connection reset, unknown host, malformed answer). */
  PROBE_ERROR,
  /** The probe needs the component's process (log, resources) and there is none. */
  NOT_RUNNING,
  /** No heartbeat (touched file or pushed beat) within stale-after. */
  HEARTBEAT_STALE,
  /** The oldest file in a watched queue directory is older than max-age. */
  QUEUE_STUCK,
  /** A watched queue directory does not exist or cannot be read. */
  QUEUE_MISSING,
  /** The component printed a line matching the failure pattern. */
  LOG_PATTERN,
  /** The same line repeated again and again while work waits (the "no pending patches" loop). */
  LOG_DEADLOCK,
  /** No output for longer than silent-for. */
  LOG_HANG,
  /** The tunnel's local API does not answer. */
  TUNNEL_DOWN,
  /** The tunnel's API answers but lists no tunnel for the expected upstream. */
  TUNNEL_MISSING,
  /** The tunnel exists but a request through its public URL fails. */
  TUNNEL_UNREACHABLE,
  /** The process tree is over a resource limit (memory, CPU, open files, threads). */
  RESOURCE_LIMIT
}
