package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one probe check.
 *
 * @param healthy whether the check passed
 * @param latency how long the check took (for http the time to the whole answer; for a timeout
 *     the time until it was given up)
 * @param cause why it failed, with a one-line suggestion; null when healthy
 * @param detail one line for people: what was seen ("200 in 3 ms", or the cause's detail)
 */
public record ProbeResult(boolean healthy, Duration latency, Cause cause, String detail) {

  public ProbeResult {
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(detail, "detail");
    if (healthy != (cause == null)) {
      throw new IllegalArgumentException("a healthy result has no cause and a failed one has one");
    }
  }

  public static ProbeResult healthy(Duration latency, String detail) {
    return new ProbeResult(true, latency, null, detail);
  }

  public static ProbeResult failed(Duration latency, Cause cause) {
    return new ProbeResult(false, latency, cause, cause.detail());
  }

  @Override
  public String toString() {
    return healthy ? "healthy: " + detail : "failed: " + cause;
  }
}
