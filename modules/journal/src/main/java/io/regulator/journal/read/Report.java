package io.regulator.journal.read;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Availability, MTTR, MTBF, restarts and failures by cause per component over a window [since,
 * until) (a pure function; definitions in docs/journal-queries.md, "Report").
 *
 * <p>Give it the events up to {@code until} from the start of the journal, not only those inside
 * the window: the state a component was in when the window opened comes from the events before.
 */
public record Report(Instant since, Instant until, List<ComponentReport> components) {

  public Report {
    components = List.copyOf(components);
  }

  public static Report of(List<HealthEvent> events, Instant since, Instant until) {
    if (until.isBefore(since)) {
      throw new IllegalArgumentException("the report's window ends (" + until + ") before it starts (" + since + ")");
    }
    List<HealthEvent> upToUntil = events.stream().filter(e -> e.time().isBefore(until)).toList();
    List<ComponentReport> reports = new ArrayList<>();
    History.of(upToUntil).values().forEach(h -> reports.add(component(h, since, until)));
    return new Report(since, until, reports);
  }

  /** The report of one component, if it is in it. */
  public Optional<ComponentReport> component(String name) {
    return components.stream().filter(c -> c.component().equals(name)).findFirst();
  }

  private static ComponentReport component(History.ComponentHistory h, Instant since, Instant until) {
    Duration wanted = Duration.ZERO;
    Duration ready = Duration.ZERO;
    for (History.Segment s : h.segments()) {
      Duration in = s.within(since, until);
      if (s.wanted()) {
        wanted = wanted.plus(in);
      }
      if (s.state() == ComponentState.READY) {
        ready = ready.plus(in);
      }
    }
    List<History.Span> spans = h.spans().stream().filter(s -> inWindow(s.start(), since, until)).toList();
    int open = (int) spans.stream().filter(History.Span::open).count();
    List<Duration> repairs = spans.stream().filter(History.Span::recovered)
        .map(s -> Duration.between(s.start(), s.end())).toList();
    Optional<Duration> mttr = repairs.isEmpty() ? Optional.empty()
        : Optional.of(repairs.stream().reduce(Duration.ZERO, Duration::plus).dividedBy(repairs.size()));
    Optional<Duration> mtbf = spans.isEmpty() ? Optional.empty() : Optional.of(ready.dividedBy(spans.size()));

    Map<CauseCategory, Integer> counts = ComponentReport.emptyCounts();
    List<Failure> failures = h.failures().stream().filter(f -> inWindow(f.time(), since, until)).toList();
    failures.forEach(f -> counts.merge(f.cause().category(), 1, Integer::sum));
    Map<CauseCategory, Integer> byCause = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<CauseCategory, Integer>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> byCause.put(e.getKey(), e.getValue()));
    int restarts = (int) h.restarts().stream().filter(t -> inWindow(t, since, until)).count();
    return new ComponentReport(h.component(), wanted, ready, spans.size(), open, mttr, mtbf, failures.size(), byCause,
        restarts);
  }

  private static boolean inWindow(Instant t, Instant since, Instant until) {
    return !t.isBefore(since) && t.isBefore(until);
  }
}
