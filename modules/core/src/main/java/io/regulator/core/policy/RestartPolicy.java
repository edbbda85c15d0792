package io.regulator.core.policy;

import io.regulator.core.event.ExitStatus;
import io.regulator.core.spec.CircuitSpec;
import io.regulator.core.spec.RestartMode;
import java.time.Duration;
import java.util.Set;

/** Whether an exit is restarted, and how long a restart circuit stays open. */
public final class RestartPolicy {

  private RestartPolicy() {}

  /** A clean exit: an exit code listed in {@code success-exit-codes}. A signal is never clean. */
  public static boolean isClean(ExitStatus status, Set<Integer> successExitCodes) {
    return status.signal().isEmpty() && status.code().map(successExitCodes::contains).orElse(false);
  }

  /** OTP permanent / transient / temporary, applied to an exit nobody asked for. */
  public static boolean shouldRestart(RestartMode mode, ExitStatus status, Set<Integer> successExitCodes) {
    return switch (mode) {
      case ALWAYS -> true;
      case ON_FAILURE -> !isClean(status, successExitCodes);
      case NEVER -> false;
    };
  }

  /**
   * The open period of a circuit that opens again: the first opening waits {@code cooldown}; each
   * re-opening after a failed trial doubles the previous period, up to {@code max-cooldown}.
   *
   * @param previous the previous open period, or null when the circuit was closed
   */
  public static Duration nextCooldown(CircuitSpec spec, Duration previous) {
    if (previous == null) {
      return min(spec.cooldown(), spec.maxCooldown());
    }
    return min(previous.multipliedBy(2), spec.maxCooldown());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
