package io.regulator.journal.write;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.journal.JournalSerializable;
import io.regulator.journal.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the journal remembers of one component, folded from its events: the state of a
 * {@link ComponentHistory} entity, its snapshot, and what Regulator shows after a restart.
 *
 * <p>Counting rules (docs/journal.md):
 * <ul>
 *   <li>a restart is a {@code RestartScheduled} event (the supervisor's own restart count);
 *   <li>a failure is an exit nobody asked for that is not a clean exit (code 0), or a start that
 *       could not happen at all (a transition to FAILED);
 *   <li>up time is time spent in {@link ComponentState#UP_STATES}, down time in
 *       {@link ComponentState#DOWN_STATES}; an interval whose end does not start where the history
 *       left off (Regulator was killed in between) counts as neither;
 *   <li>an incident opens at the first failure (or a move to a down state, or UNHEALTHY) and
 *       closes when the component is READY again or is stopped.
 * </ul>
 *
 * @param component the component ({@code system} for Regulator itself)
 * @param events events folded in, including purged ones that a snapshot had covered
 * @param failuresByCause failures per cause category
 * @param state the last observed {@link ComponentState}, or null before the first transition
 * @param since when the component entered {@code state}
 * @param lastExit the last exit of a process, or null
 * @param openIncident the incident in progress, or null
 * @param lastEvent the last event folded in: a write that is retried is recognised by it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryState(
    String component,
    long events,
    int restarts,
    int failures,
    Map<String, Integer> failuresByCause,
    long upMillis,
    long downMillis,
    String state,
    Instant since,
    LastExit lastExit,
    Incident openIncident,
    StoredEvent lastEvent) implements JournalSerializable {

  /** How the last process ended. {@code code} or {@code signal} is null when the other is set (or both, unknown). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LastExit(Instant time, Long pid, Integer code, String signal, String category, String detail,
      String suggestion, long uptimeMillis) {}

  /** A failure that has not ended yet: since when, and the first cause. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Incident(Instant since, String category, String detail) {}

  /** Exits and transitions with these causes are someone's decision, not a failure of the component. */
  private static final Set<CauseCategory> NOT_FAILURES = EnumSet.of(CauseCategory.REQUESTED,
      CauseCategory.LIFECYCLE, CauseCategory.PROGRESS, CauseCategory.DEPENDENCY_LOST, CauseCategory.GROUP_RESTART,
      CauseCategory.ORPHAN);

  public HistoryState {
    failuresByCause = failuresByCause == null ? Map.of() : Map.copyOf(failuresByCause);
  }

  /** The history before the first event. */
  public static HistoryState empty(String component) {
    return new HistoryState(component, 0, 0, 0, Map.of(), 0, 0, null, null, null, null, null);
  }

  /** The observed state, if any transition was recorded (a state unknown to this version reads as empty). */
  public Optional<ComponentState> observedState() {
    if (state == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(ComponentState.valueOf(state));
    } catch (IllegalArgumentException newerVersion) {
      return Optional.empty();
    }
  }

  /** Up time including the interval still running at {@code now}. */
  public long upMillisAt(Instant now) {
    return upMillis + openInterval(now, ComponentState.UP_STATES);
  }

  /** Down time including the interval still running at {@code now}. */
  public long downMillisAt(Instant now) {
    return downMillis + openInterval(now, ComponentState.DOWN_STATES);
  }

  private long openInterval(Instant now, Set<ComponentState> states) {
    return observedState().filter(states::contains).isPresent() && since != null
        ? Math.max(0, Duration.between(since, now).toMillis())
        : 0;
  }

  /** This history with one more event. Pure: the entity's event handler and tests call it. */
  public HistoryState apply(StoredEvent e) {
    Fold f = new Fold(this);
    f.events++;
    f.lastEvent = e;
    switch (e.type() == null ? "" : e.type()) {
      case "StateChanged" -> f.stateChanged(e);
      case "ProcessExited" -> f.processExited(e);
      case "RestartScheduled" -> f.restarts++;
      default -> { } // probes, circuits, groups, lifecycle: kept in the journal, not counted here
    }
    return f.build();
  }

  /** Whether an exit or transition with this cause counts as a failure of the component. */
  static boolean isFailure(String category, Integer exitCode) {
    if (category == null) {
      return false;
    }
    CauseCategory c;
    try {
      c = CauseCategory.valueOf(category);
    } catch (IllegalArgumentException newerVersion) {
      return true; // new categories are new diagnoses of failures far more often than new kinds of request
    }
    if (c == CauseCategory.EXIT_CODE && exitCode != null && exitCode == 0) {
      return false; // a clean exit, even when nobody expected it
    }
    return !NOT_FAILURES.contains(c);
  }

  /** The mutable working copy of one {@link #apply}. */
  private static final class Fold {
    final String component;
    long events;
    int restarts;
    int failures;
    final Map<String, Integer> failuresByCause;
    long upMillis;
    long downMillis;
    String state;
    Instant since;
    LastExit lastExit;
    Incident openIncident;
    StoredEvent lastEvent;
    private final HistoryState before;

    Fold(HistoryState h) {
      before = h;
      component = h.component;
      events = h.events;
      restarts = h.restarts;
      failures = h.failures;
      failuresByCause = new LinkedHashMap<>(h.failuresByCause);
      upMillis = h.upMillis;
      downMillis = h.downMillis;
      state = h.state;
      since = h.since;
      lastExit = h.lastExit;
      openIncident = h.openIncident;
      lastEvent = h.lastEvent;
    }

    void stateChanged(StoredEvent e) {
      Optional<ComponentState> current = before.observedState();
      if (current.isPresent() && since != null && e.time() != null && current.get().name().equals(e.from())) {
        long interval = Math.max(0, Duration.between(since, e.time()).toMillis());
        if (ComponentState.UP_STATES.contains(current.get())) {
          upMillis += interval;
        } else if (ComponentState.DOWN_STATES.contains(current.get())) {
          downMillis += interval;
        }
      } // else: the first transition, or one we did not see begin (Regulator died): time unknown
      state = e.to();
      since = e.time();
      ComponentState to = parse(e.to());
      if (to == ComponentState.FAILED) {
        // STARTING -> FAILED: it could not be started at all
        failed(e.category());
      }
      if (to != null && (ComponentState.DOWN_STATES.contains(to) || to == ComponentState.UNHEALTHY)) {
        open(e);
      } else if (to == ComponentState.READY || to == ComponentState.STOPPED) {
        openIncident = null;
      }
    }

    void processExited(StoredEvent e) {
      lastExit = new LastExit(e.time(), e.pid(), e.exitCode(), e.signal(), e.category(), e.detail(), e.suggestion(),
          e.uptimeMillis() == null ? 0 : e.uptimeMillis());
      if (isFailure(e.category(), e.exitCode())) {
        failed(e.category());
        open(e);
      }
    }

    private void failed(String category) {
      failures++;
      failuresByCause.merge(category == null ? "UNKNOWN" : category, 1, Integer::sum);
    }

    private void open(StoredEvent e) {
      if (openIncident == null) {
        openIncident = new Incident(e.time(), e.category(), e.detail());
      }
    }

    private static ComponentState parse(String name) {
      try {
        return name == null ? null : ComponentState.valueOf(name);
      } catch (IllegalArgumentException newerVersion) {
        return null;
      }
    }

    HistoryState build() {
      return new HistoryState(component, events, restarts, failures, failuresByCause, upMillis, downMillis, state, since,
          lastExit, openIncident, lastEvent);
    }
  }
}
