package io.regulator.journal.read;

import io.regulator.core.event.Cause;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One incident: from the first failure of the first component until the last affected component
 * is READY again. Components linked by dependencies that were down at overlapping times share one
 * incident.
 *
 * @param end empty while the incident lasts (some affected component is not back yet)
 * @param root the deepest failed dependency: the failed component none of whose own dependencies
 *     failed in this incident
 * @param rootCause why the root failed first
 * @param affected every component that was down in it, the root first, then in the order they went down
 * @param failures each failure of each affected component, in time order
 * @param recovered every affected component came back READY (false when one was stopped on purpose
 *     instead, or the incident is open)
 */
public record Incident(Instant start, Optional<Instant> end, String root, Cause rootCause, List<String> affected,
    List<Failure> failures, boolean recovered) {

  public Incident {
    affected = List.copyOf(affected);
    failures = List.copyOf(failures);
  }

  public boolean open() {
    return end.isEmpty();
  }

  /** Start to end; empty while open. */
  public Optional<Duration> duration() {
    return end.map(e -> Duration.between(start, e));
  }

  /** Start to end, or to {@code now} while open. */
  public Duration durationAt(Instant now) {
    return Duration.between(start, end.orElse(now));
  }
}
