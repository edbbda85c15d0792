package io.regulator.journal.read;

import io.regulator.core.event.CauseCategory;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One component over a report's window (definitions in docs/journal-queries.md, "Report").
 *
 * @param wantedUp time it was meant to be up: in any state but STOPPING/STOPPED, or in those
 *     during an incident of it
 * @param ready time it was READY
 * @param incidents its incidents (failure spans) that began in the window
 * @param openIncidents of those, the ones not over at the window's end
 * @param mttr mean time to recovery: the mean length of its incidents that began and ended READY in
 *     the window; empty when there were none
 * @param mtbf mean time between failures: {@code ready / incidents}; empty without incidents
 * @param failures its failures in the window (an exit and the BACKOFF it causes are one)
 * @param failuresByCause those failures by cause category, most frequent first
 * @param restarts restarts Regulator scheduled after a failure in the window ({@code RestartScheduled}
 *     events: the supervisor's and the journal history's restart count)
 */
public record ComponentReport(String component, Duration wantedUp, Duration ready, int incidents,
    int openIncidents, Optional<Duration> mttr, Optional<Duration> mtbf, int failures,
    Map<CauseCategory, Integer> failuresByCause, int restarts) {

  public ComponentReport {
    failuresByCause = Collections.unmodifiableMap(new LinkedHashMap<>(failuresByCause));
  }

  /** READY time in percent of the time it was wanted up; empty when it never was. */
  public OptionalDouble availability() {
    if (wantedUp.isZero()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(100.0 * ready.toMillis() / wantedUp.toMillis());
  }

  static Map<CauseCategory, Integer> emptyCounts() {
    return new EnumMap<>(CauseCategory.class);
  }
}
