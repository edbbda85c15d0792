package io.regulator.alerting;

import io.regulator.core.event.Cause;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One open alert in the alert manager: a condition of a component from when it was raised until it
 * is resolved. Repeats of the condition meanwhile are the same incident (dedup by key).
 */
final class Incident {

  final String key;
  final String component;
  final String condition;
  /** The severity from the rules (critical components raised), before escalation. */
  final Severity base;
  final Cause cause;
  final String title;
  /** When the condition started: the first event's time. */
  final Instant since;
  /** When the alert manager raised it; escalation counts from here. */
  final Instant openedAt;
  /** Escalation steps reached. */
  int step;
  /** Receivers it has been sent to; they get the resolved message. */
  final Set<String> notifiedTo = new LinkedHashSet<>();
  /** Whether it was ever held back (silence, inhibition, flapping): then a healed blip of it is not news. */
  boolean everSuppressed;
  /** Why it is not sent, as last evaluated. */
  Optional<String> suppressed = Optional.empty();
  /** How many times the condition was seen while open (1 = only the event that raised it). */
  int occurrences = 1;
  /** The component's last output lines when it was raised, for diagnosis in the message. */
  List<String> lastLines = List.of();

  Incident(String key, String component, String condition, Severity base, Cause cause, String title, Instant since,
      Instant openedAt) {
    this.key = key;
    this.component = component;
    this.condition = condition;
    this.base = base;
    this.cause = cause;
    this.title = title;
    this.since = since;
    this.openedAt = openedAt;
  }

  boolean notified() {
    return !notifiedTo.isEmpty();
  }
}
