package io.regulator.alerting.policy;

import io.regulator.core.graph.DependencyGraph;
import io.regulator.core.spec.DependencyKind;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Only the root cause pages: an alert on a component is suppressed while a component it requires
 * (directly or through other {@code requires}) is down. {@code wants} edges never inhibit.
 */
public final class Inhibition {

  private Inhibition() {}

  /**
   * The deepest down component among those {@code component} requires, following
   * {@code requires} edges in config order: for {@code tunnel requires runner requires db} with
   * runner and db down, that is db. Empty when every required component is up.
   */
  public static Optional<String> rootCause(String component, DependencyGraph graph, Predicate<String> down) {
    return rootCause(component, graph, down, new HashSet<>());
  }

  private static Optional<String> rootCause(String component, DependencyGraph graph, Predicate<String> down,
      Set<String> seen) {
    for (Map.Entry<String, DependencyKind> dep : graph.dependenciesOf(component).entrySet()) {
      if (dep.getValue() != DependencyKind.REQUIRES || !seen.add(dep.getKey())) {
        continue;
      }
      Optional<String> deeper = rootCause(dep.getKey(), graph, down, seen);
      if (deeper.isPresent()) {
        return deeper;
      }
      if (down.test(dep.getKey())) {
        return Optional.of(dep.getKey());
      }
    }
    return Optional.empty();
  }
}
