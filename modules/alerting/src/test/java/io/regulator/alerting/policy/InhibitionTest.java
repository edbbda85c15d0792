package io.regulator.alerting.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.graph.DependencyGraph;
import io.regulator.core.spec.DependencyKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The root cause is the deepest down component along requires edges. */
class InhibitionTest {

  // tunnel -requires-> runner -requires-> db; worker -wants-> runner; web -requires-> cache, db
  private final DependencyGraph graph = new DependencyGraph(Map.of(
      "db", Map.of(),
      "cache", Map.of(),
      "runner", Map.of("db", DependencyKind.REQUIRES),
      "tunnel", Map.of("runner", DependencyKind.REQUIRES),
      "worker", Map.of("runner", DependencyKind.WANTS),
      "web", ordered("cache", "db")));

  @Test
  void nothingDownNothingInhibited() {
    assertThat(Inhibition.rootCause("tunnel", graph, Set.<String>of()::contains)).isEmpty();
  }

  @Test
  void theDeepestDownRequiredComponentIsTheRootCause() {
    assertThat(Inhibition.rootCause("tunnel", graph, Set.of("runner")::contains)).contains("runner");
    assertThat(Inhibition.rootCause("tunnel", graph, Set.of("db")::contains)).contains("db");
    assertThat(Inhibition.rootCause("tunnel", graph, Set.of("runner", "db")::contains)).contains("db");
    assertThat(Inhibition.rootCause("web", graph, Set.of("db")::contains)).contains("db");
  }

  @Test
  void wantsNeverInhibitsAndNeitherDoDependents() {
    assertThat(Inhibition.rootCause("worker", graph, Set.of("runner", "db")::contains)).isEmpty();
    assertThat(Inhibition.rootCause("db", graph, Set.of("runner", "tunnel")::contains)).isEmpty();
  }

  private static Map<String, DependencyKind> ordered(String... requires) {
    Map<String, DependencyKind> m = new LinkedHashMap<>();
    for (String r : requires) {
      m.put(r, DependencyKind.REQUIRES);
    }
    return m;
  }
}
