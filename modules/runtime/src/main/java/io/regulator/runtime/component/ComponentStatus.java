package io.regulator.runtime.component;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one component as its supervisor sees it (the API's component view).
 *
 * @param pid the process id, or null when no process runs
 * @param since when the current state was entered
 * @param lastExit how the last process ended, or null
 * @param lastCause why the component last changed state, or null
 * @param probes each configured probe with its last result
 */
public record ComponentStatus(
    String name,
    ComponentState state,
    boolean wantedUp,
    Long pid,
    int restarts,
    CircuitState circuit,
    boolean ready,
    Instant since,
    ExitStatus lastExit,
    Cause lastCause,
    List<String> dependsOn,
    List<String> recentOutput,
    List<ProbeStatus> probes) {

  /**
   * One probe as last seen.
   *
   * @param healthy null until it first crossed a threshold
   * @param lastLatencyMillis null before the first check
   * @param lastCause why the last check failed, or null
   */
  public record ProbeStatus(String role, String kind, Boolean healthy, Long lastLatencyMillis,
      int consecutiveFailures, Cause lastCause, Instant lastCheck) {}
}
