package io.regulator.journal.read;

import io.regulator.core.event.Cause;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The journal walked once, per component: how long it was in which state, its failure spans
 * (first failure to READY again), its failures and its restarts (the {@code RestartScheduled} events). {@link Incidents} and
 * {@link Report} are both views of this; neither reads events on its own.
 */
final class History {

  /**
   * A stretch of time in one state.
   *
   * @param wanted whether the component counted as wanted up: every state except STOPPING and
   *     STOPPED, which count only while a failure span is open (a crash that left it stopped)
   * @param end null while it is still in this state at the end of the journal
   */
  record Segment(ComponentState state, boolean wanted, Instant start, Instant end) {

    /** The part of this segment inside [since, until). */
    Duration within(Instant since, Instant until) {
      Instant from = start.isAfter(since) ? start : since;
      Instant to = end == null || end.isAfter(until) ? until : end;
      return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
    }
  }

  /**
   * From a component's first failure until it is READY again ({@code recovered}) or stopped on
   * purpose.
   *
   * @param end null while it lasts
   */
  record Span(String component, Instant start, Instant end, boolean recovered, List<Failure> failures) {

    boolean open() {
      return end == null;
    }

    boolean overlaps(Span other) {
      return !start.isAfter(other.endOrMax()) && !other.start.isAfter(endOrMax());
    }

    Instant endOrMax() {
      return end == null ? Instant.MAX : end;
    }
  }

  record ComponentHistory(String component, List<Segment> segments, List<Span> spans, List<Failure> failures,
      List<Instant> restarts) {}

  private History() {}

  /** Per component name, in name order; only components with state or process events appear. */
  static Map<String, ComponentHistory> of(List<HealthEvent> events) {
    Map<String, Walk> walks = new TreeMap<>();
    for (HealthEvent event : events) {
      if (event instanceof HealthEvent.RegulatorLifecycle e && "started".equals(e.what())) {
        walks.values().forEach(Walk::regulatorStarted);
      } else if (event instanceof HealthEvent.StateChanged e) {
        walks.computeIfAbsent(e.component(), Walk::new).onStateChanged(e);
      } else if (event instanceof HealthEvent.ProcessExited e) {
        walks.computeIfAbsent(e.component(), Walk::new).onProcessExited(e);
      } else if (event instanceof HealthEvent.RestartScheduled e) {
        walks.computeIfAbsent(e.component(), Walk::new).restarts.add(e.time());
      }
    }
    Map<String, ComponentHistory> histories = new TreeMap<>();
    walks.forEach((name, walk) -> histories.put(name, walk.history()));
    return histories;
  }

  /** One component's walk through the journal. */
  private static final class Walk {
    private final String component;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();
    private final List<Instant> restarts = new ArrayList<>();

    private ComponentState state = ComponentState.STOPPED;
    private boolean wanted;
    private Instant since; // null until the first state change: nothing is known before it
    private Instant spanStart; // non-null while a failure span is open
    private List<Failure> spanFailures = new ArrayList<>();
    /** A fresh attempt since the last counted failure: the next failure is a new one. */
    private boolean attempted = true;

    Walk(String component) {
      this.component = component;
    }

    void onStateChanged(HealthEvent.StateChanged e) {
      if (since != null) {
        segments.add(new Segment(state, wanted, since, e.time()));
      }
      if (Failures.isFailure(e)) {
        fail(e.time(), e);
      }
      if (Failures.isNewAttempt(e)) {
        attempted = true;
      }
      if (Failures.isRecovery(e)) {
        closeSpan(e.time(), true);
      } else if (Failures.isDeliberateStop(e)) {
        closeSpan(e.time(), false);
      }
      state = e.to();
      since = e.time();
      wanted = (state != ComponentState.STOPPED && state != ComponentState.STOPPING) || spanStart != null;
    }

    void onProcessExited(HealthEvent.ProcessExited e) {
      if (Failures.isFailure(e)) {
        fail(e.time(), e);
      }
    }

    /** A new run of Regulator: its first failure of a component is a new one whatever the last run left. */
    void regulatorStarted() {
      attempted = true;
    }

    private void fail(Instant time, HealthEvent event) {
      boolean opening = spanStart == null;
      if (opening) {
        spanStart = time;
        spanFailures = new ArrayList<>();
      }
      if (attempted || opening) {
        Failure failure = new Failure(time, component, causeOf(event));
        failures.add(failure);
        spanFailures.add(failure);
        attempted = false;
      }
    }

    private void closeSpan(Instant time, boolean recovered) {
      if (spanStart != null) {
        spans.add(new Span(component, spanStart, time, recovered, List.copyOf(spanFailures)));
        spanStart = null;
      }
    }

    ComponentHistory history() {
      List<Segment> allSegments = new ArrayList<>(segments);
      if (since != null) {
        allSegments.add(new Segment(state, wanted, since, null));
      }
      List<Span> allSpans = new ArrayList<>(spans);
      if (spanStart != null) {
        allSpans.add(new Span(component, spanStart, null, false, List.copyOf(spanFailures)));
      }
      return new ComponentHistory(component, Collections.unmodifiableList(allSegments),
          Collections.unmodifiableList(allSpans), List.copyOf(failures), List.copyOf(restarts));
    }

    private static Cause causeOf(HealthEvent event) {
      if (event instanceof HealthEvent.StateChanged e) {
        return e.cause();
      }
      return ((HealthEvent.ProcessExited) event).cause();
    }
  }
}
