package io.regulator.core.event;

import java.time.Duration;

/** One readable line per event: the console, the CLI's text timeline and alert bodies use it. */
public final class EventText {

  private EventText() {}

  public static String describe(HealthEvent event) {
    // Java 17 has no pattern matching for switch yet; the sealed interface keeps this list complete.
    if (event instanceof HealthEvent.StateChanged e) {
      return e.component() + " " + e.from() + " -> " + e.to() + ": " + e.cause();
    } else if (event instanceof HealthEvent.ProcessStarted e) {
      return e.component() + " started pid " + e.pid() + ": " + e.command();
    } else if (event instanceof HealthEvent.ProcessExited e) {
      return e.component() + " pid " + e.pid() + " " + e.status() + " after "
          + human(Duration.ofMillis(e.uptimeMillis())) + ": " + e.cause();
    } else if (event instanceof HealthEvent.ProbeChanged e) {
      return e.component() + " " + e.role() + " probe (" + e.kind() + ") " + (e.healthy() ? "passing" : "failing")
          + " after " + e.latencyMillis() + "ms: " + (e.healthy() ? e.detail() : String.valueOf(e.cause()));
    } else if (event instanceof HealthEvent.CircuitChanged e) {
      return e.component() + " restart circuit " + e.from() + " -> " + e.to()
          + (e.to() == CircuitState.OPEN ? " for " + human(Duration.ofMillis(e.cooldownMillis())) : "") + ": "
          + e.cause();
    } else if (event instanceof HealthEvent.RestartScheduled e) {
      return e.component() + " restart #" + e.attempt() + " in " + human(Duration.ofMillis(e.delayMillis()));
    } else if (event instanceof HealthEvent.GroupEscalated e) {
      return "group " + e.component() + " exceeded its intensity: " + e.restarts() + " failures within "
          + human(Duration.ofMillis(e.withinMillis())) + ", last by " + e.failedMember();
    } else if (event instanceof HealthEvent.SystemCritical e) {
      return "CRITICAL: " + e.reason();
    } else if (event instanceof HealthEvent.OrphanHandled e) {
      return e.component() + " orphan pid " + e.pid() + (e.adopted() ? " adopted" : " reaped") + ": " + e.detail();
    } else if (event instanceof HealthEvent.RegulatorLifecycle e) {
      return "regulator " + e.what() + e.detail().map(d -> " (" + d + ")").orElse("");
    } else if (event instanceof HealthEvent.Audit e) {
      return "audit: " + e.who() + " " + e.action() + " -> " + e.outcome();
    }
    return event.toString();
  }

  /** 1.5s, 250ms, 5m, 1h30m: short and exact enough for a log line. */
  public static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.format("%.1f", ms / 1000.0)) + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 60) {
      long s = d.toSecondsPart();
      return minutes + "m" + (s == 0 ? "" : s + "s");
    }
    long m = d.toMinutesPart();
    return d.toHours() + "h" + (m == 0 ? "" : m + "m");
  }
}
