package io.regulator.runtime.process;

import java.time.Instant;
import java.util.List;

/**
 * What Regulator wrote down about a component process it started, so that after a crash of
 * Regulator the next run can find the process again, and never mistake a reused pid for it.
 *
 * @param pgid the process group (equal to {@code pid}: each component leads its own group)
 * @param startInstant when the kernel started the process, to the millisecond
 * @param command the argv it was started with, for messages
 */
public record PidRecord(String component, long pid, long pgid, Instant startInstant, List<String> command) {

  public PidRecord {
    command = List.copyOf(command);
  }

  /** "runner pid 4242 (python3 runner.py)". */
  public String describe() {
    return component + " pid " + pid + " (" + String.join(" ", command) + ")";
  }
}
