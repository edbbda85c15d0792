package io.regulator.runtime.process;

import io.regulator.core.event.Cause;

/**
 * A component could not be started at all: missing or non-executable program, bad working
 * directory, unknown user, unwritable log. Retrying does not help until a person fixes the
 * cause, so the supervisor goes to FAILED rather than into a restart loop.
 */
public final class LaunchFailure extends Exception {

  private final transient Cause cause;

  public LaunchFailure(Cause cause) {
    this(cause, null);
  }

  public LaunchFailure(Cause cause, Throwable error) {
    // No stack trace: this is an expected outcome reported to users, not a bug in Regulator.
    super(cause.toString(), error, false, false);
    this.cause = cause;
  }

  /** What went wrong (category EXEC_FAILED), naming the path, with a one-line suggestion. */
  public Cause cause() {
    return cause;
  }
}
