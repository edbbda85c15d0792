package io.regulator.journal.read;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.graph.DependencyGraph;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Incidents out of a list of health events (a pure function; docs/journal-queries.md,
 * "Incidents").
 *
 * <p>Each component's failure span runs from its first failure until it is READY again (or is
 * stopped on purpose). Spans of components linked by dependencies, directly or through others,
 * that overlap in time are one incident; so is a dependent knocked down by a dependency
 * ({@code DEPENDENCY_LOST}) within {@link #KNOCK_ON_GRACE} after that dependency came back (the
 * "reconnect" bounce of {@code on-dependency-loss = restart}). The root cause is the failed
 * component none of whose own dependencies failed in the incident; if there are several, the one
 * that failed first.
 */
public final class Incidents {

  /**
   * How long after a dependency is back a dependent's bounce still belongs to that dependency's
   * incident. The bounce follows the dependency's READY within milliseconds; a second is generous.
   */
  public static final Duration KNOCK_ON_GRACE = Duration.ofSeconds(1);

  private Incidents() {}

  /** Every incident in the events, oldest first. */
  public static List<Incident> of(List<HealthEvent> events, DependencyGraph graph) {
    List<History.Span> spans = new ArrayList<>();
    History.of(events).values().forEach(h -> spans.addAll(h.spans()));
    spans.sort(Comparator.comparing(History.Span::start).thenComparing(History.Span::component));

    Links links = new Links(graph);
    int[] parent = new int[spans.size()];
    for (int i = 0; i < parent.length; i++) {
      parent[i] = i;
    }
    // Spans come by start time; one that ended more than the grace before a span starts can join
    // neither it nor any later one, so only the spans still "live" are compared.
    List<Integer> live = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      History.Span span = spans.get(i);
      live.removeIf(j -> !spans.get(j).open() && spans.get(j).end().plus(KNOCK_ON_GRACE).isBefore(span.start()));
      for (int j : live) {
        if (belongTogether(spans.get(j), span, links)) {
          union(parent, i, j);
        }
      }
      live.add(i);
    }
    Map<Integer, List<History.Span>> groups = new LinkedHashMap<>();
    for (int i = 0; i < spans.size(); i++) {
      groups.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(spans.get(i));
    }
    return groups.values().stream().map(group -> incident(group, links))
        .sorted(Comparator.comparing(Incident::start).thenComparing(Incident::root)).toList();
  }

  /** The incidents that were going on at some time in [since, until). */
  public static List<Incident> within(List<Incident> incidents, Instant since, Instant until) {
    return incidents.stream()
        .filter(i -> i.start().isBefore(until) && i.end().map(e -> !e.isBefore(since)).orElse(true))
        .toList();
  }

  /** The incidents that affected {@code component}. */
  public static List<Incident> affecting(List<Incident> incidents, String component) {
    return incidents.stream().filter(i -> i.affected().contains(component)).toList();
  }

  /** {@code earlier} started no later than {@code later}. */
  private static boolean belongTogether(History.Span earlier, History.Span later, Links links) {
    if (earlier.component().equals(later.component()) || !links.linked(earlier.component(), later.component())) {
      return false;
    }
    if (earlier.overlaps(later)) {
      return true;
    }
    // A dependent knocked down just after its dependency came back (the reconnect bounce).
    return links.dependsOn(later.component(), earlier.component()) && !earlier.open()
        && knockedOn(later) && !later.start().isAfter(earlier.end().plus(KNOCK_ON_GRACE));
  }

  private static boolean knockedOn(History.Span span) {
    return !span.failures().isEmpty()
        && span.failures().get(0).cause().category() == CauseCategory.DEPENDENCY_LOST;
  }

  private static Incident incident(List<History.Span> spans, Links links) {
    Set<String> components = new LinkedHashSet<>();
    spans.forEach(s -> components.add(s.component()));
    // Roots: failed components none of whose dependencies failed in this incident.
    History.Span rootSpan = spans.stream()
        .filter(s -> components.stream().noneMatch(other -> links.dependsOn(s.component(), other)))
        .min(Comparator.comparing(History.Span::start)
            .thenComparing(s -> knockedOn(s) ? 1 : 0)
            .thenComparing(History.Span::component))
        .orElse(spans.get(0));
    List<String> affected = new ArrayList<>();
    affected.add(rootSpan.component());
    components.stream().filter(c -> !c.equals(rootSpan.component())).forEach(affected::add);
    List<Failure> failures = spans.stream().flatMap(s -> s.failures().stream())
        .sorted(Comparator.comparing(Failure::time)).toList();
    Instant start = spans.stream().map(History.Span::start).min(Comparator.naturalOrder()).orElseThrow();
    boolean open = spans.stream().anyMatch(History.Span::open);
    Optional<Instant> end = open ? Optional.empty()
        : spans.stream().map(History.Span::end).max(Comparator.naturalOrder());
    boolean recovered = !open && lastSpans(spans).stream().allMatch(History.Span::recovered);
    Failure first = rootSpan.failures().isEmpty() ? null : rootSpan.failures().get(0);
    return new Incident(start, end, rootSpan.component(),
        first == null ? Cause.progress("unknown") : first.cause(), affected, failures,
        recovered);
  }

  /** Each component's last span: whether it came back is what counts. */
  private static List<History.Span> lastSpans(List<History.Span> spans) {
    Map<String, History.Span> last = new HashMap<>();
    spans.forEach(s -> last.merge(s.component(), s, (a, b) -> b.start().isAfter(a.start()) ? b : a));
    return List.copyOf(last.values());
  }

  private static int find(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  private static void union(int[] parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) {
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  /** Who depends on whom, directly or through others (requires and wants alike). */
  private static final class Links {
    private final DependencyGraph graph;
    private final Map<String, Set<String>> dependents = new HashMap<>();

    Links(DependencyGraph graph) {
      this.graph = graph;
    }

    /** {@code dependent} depends on {@code dependency}, directly or through others. */
    boolean dependsOn(String dependent, String dependency) {
      return dependents.computeIfAbsent(dependency, graph::transitiveDependentsOf).contains(dependent);
    }

    boolean linked(String a, String b) {
      return dependsOn(a, b) || dependsOn(b, a);
    }
  }
}
