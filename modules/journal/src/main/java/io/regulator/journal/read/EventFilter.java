package io.regulator.journal.read;

import io.regulator.core.event.HealthEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which events a query wants: a time window [since, until), one component, some kinds, and at
 * most the last {@code limit} of them.
 *
 * @param kinds event type names ({@code StateChanged}, ...) and/or {@link #FAILURE}; empty means
 *     every kind. {@link #kinds(String)} reads the short forms users type.
 */
public record EventFilter(Optional<Instant> since, Optional<Instant> until, Optional<String> component,
    Set<String> kinds, OptionalInt limit) {

  /** The pseudo-kind of the events that are failures ({@link Failures#isFailure}). */
  public static final String FAILURE = "failure";

  /** Every event type, by the short name users may type for it. */
  public static final Map<String, String> KINDS;

  static {
    Map<String, String> kinds = new LinkedHashMap<>();
    kinds.put("state", "StateChanged");
    kinds.put("start", "ProcessStarted");
    kinds.put("exit", "ProcessExited");
    kinds.put("probe", "ProbeChanged");
    kinds.put("circuit", "CircuitChanged");
    kinds.put("restart", "RestartScheduled");
    kinds.put("group", "GroupEscalated");
    kinds.put("critical", "SystemCritical");
    kinds.put("orphan", "OrphanHandled");
    kinds.put("lifecycle", "RegulatorLifecycle");
    kinds.put("audit", "Audit");
    kinds.put(FAILURE, FAILURE);
    KINDS = Collections.unmodifiableMap(kinds);
  }

  public EventFilter {
    kinds = Collections.unmodifiableSet(new LinkedHashSet<>(kinds));
    if (limit.isPresent() && limit.getAsInt() < 1) {
      throw new IllegalArgumentException("limit must be at least 1, not " + limit.getAsInt());
    }
  }

  /** Every event. */
  public static EventFilter all() {
    return new EventFilter(Optional.empty(), Optional.empty(), Optional.empty(), Set.of(), OptionalInt.empty());
  }

  public EventFilter since(Instant t) {
    return new EventFilter(Optional.of(t), until, component, kinds, limit);
  }

  public EventFilter until(Instant t) {
    return new EventFilter(since, Optional.of(t), component, kinds, limit);
  }

  public EventFilter component(String name) {
    return new EventFilter(since, until, Optional.of(name), kinds, limit);
  }

  /** Kinds as users type them: a comma-separated list of type names or short forms, any case. */
  public EventFilter kinds(String typed) {
    return new EventFilter(since, until, component, parseKinds(typed), limit);
  }

  public EventFilter limit(int last) {
    return new EventFilter(since, until, component, kinds, OptionalInt.of(last));
  }

  /** The same filter without a limit. */
  public EventFilter unlimited() {
    return new EventFilter(since, until, component, kinds, OptionalInt.empty());
  }

  /** Whether one event passes (the limit applies to a whole list: {@link #apply}). */
  public boolean matches(HealthEvent event) {
    if (since.isPresent() && event.time().isBefore(since.get())) {
      return false;
    }
    if (until.isPresent() && !event.time().isBefore(until.get())) {
      return false;
    }
    if (component.isPresent() && !component.get().equals(event.component())) {
      return false;
    }
    return kinds.isEmpty() || kinds.contains(event.getClass().getSimpleName())
        || (kinds.contains(FAILURE) && Failures.isFailure(event));
  }

  /** The matching events of a list in journal order, only the last {@code limit} of them when set. */
  public List<HealthEvent> apply(List<HealthEvent> events) {
    List<HealthEvent> matching = new ArrayList<>();
    for (HealthEvent e : events) {
      if (matches(e)) {
        matching.add(e);
      }
    }
    if (limit.isPresent() && matching.size() > limit.getAsInt()) {
      return List.copyOf(matching.subList(matching.size() - limit.getAsInt(), matching.size()));
    }
    return matching;
  }

  /**
   * {@code "state,exit"}, {@code "ProcessExited"}, {@code "failure"}: the canonical names.
   *
   * @throws IllegalArgumentException naming the unknown kind and the known ones
   */
  public static Set<String> parseKinds(String typed) {
    Set<String> parsed = new LinkedHashSet<>();
    for (String part : typed.split(",")) {
      String word = part.trim();
      if (word.isEmpty()) {
        continue;
      }
      String found = null;
      for (Map.Entry<String, String> kind : KINDS.entrySet()) {
        if (kind.getKey().equalsIgnoreCase(word) || kind.getValue().equalsIgnoreCase(word)
            || (kind.getKey() + "s").equalsIgnoreCase(word)) {
          found = kind.getValue();
        }
      }
      if (found == null) {
        throw new IllegalArgumentException("unknown event kind '" + word + "': use one of "
            + String.join(", ", KINDS.keySet()) + " (or the type name, e.g. StateChanged)");
      }
      parsed.add(found);
    }
    if (parsed.isEmpty()) {
      throw new IllegalArgumentException("no event kind given: use one of " + String.join(", ", KINDS.keySet()));
    }
    return parsed;
  }

  /** The short name of an event's kind ({@code state}, {@code exit}, ...). */
  public static String shortKind(HealthEvent event) {
    String type = event.getClass().getSimpleName();
    return KINDS.entrySet().stream().filter(k -> k.getValue().equals(type)).map(Map.Entry::getKey).findFirst()
        .orElse(type.toLowerCase(Locale.ROOT));
  }
}
