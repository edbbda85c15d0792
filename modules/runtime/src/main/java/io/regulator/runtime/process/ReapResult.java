package io.regulator.runtime.process;

/**
 * What {@link PidRegistry#reap} did with a leftover process, in one line for the journal.
 *
 * @param description e.g. "stopped orphan runner pid 4242 (python3 runner.py) and its group with SIGTERM in 12 ms"
 */
public record ReapResult(Outcome outcome, String description) {

  public enum Outcome {
    /** Nothing of the recorded process or its group runs any more. */
    NOT_RUNNING,
    /** The pid belongs to another process now (other start time), or the record is not ours: left alone. */
    PID_REUSED,
    /** The group ended after the stop signal, within the grace period. */
    TERMINATED,
    /** The group outlived the grace period and was killed with SIGKILL. */
    KILLED,
    /** Something in the group still runs even after SIGKILL (e.g. stuck in uninterruptible I/O). */
    SURVIVED;

    /** True when a process was found and signalled. */
    public boolean acted() {
      return this == TERMINATED || this == KILLED || this == SURVIVED;
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
