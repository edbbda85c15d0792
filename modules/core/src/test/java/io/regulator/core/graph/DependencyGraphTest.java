package io.regulator.core.graph;

import static io.regulator.core.spec.DependencyKind.REQUIRES;
import static io.regulator.core.spec.DependencyKind.WANTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.regulator.core.spec.DependencyKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DependencyGraphTest {

  /** db <- api <- web, db <- worker, cache (alone), web also wants worker. */
  private final DependencyGraph fleet = graph(
      "web", Map.of("api", REQUIRES, "worker", WANTS),
      "api", Map.of("db", REQUIRES),
      "worker", Map.of("db", REQUIRES),
      "db", Map.of(),
      "cache", Map.of());

  @Test
  void startWavesPutEachComponentAfterEverythingItDependsOnAndIndependentOnesTogether() {
    assertThat(fleet.startWaves()).containsExactly(
        List.of("cache", "db"),
        List.of("api", "worker"),
        List.of("web"));
  }

  @Test
  void aWantsDependencyOrdersTheStartLikeRequires() {
    DependencyGraph g = graph("tunnel", Map.of("runner", WANTS), "runner", Map.of());

    assertThat(g.startWaves()).containsExactly(List.of("runner"), List.of("tunnel"));
  }

  @Test
  void stopWavesAreTheStartWavesReversedSoDependentsStopFirst() {
    assertThat(fleet.stopWaves()).containsExactly(
        List.of("web"),
        List.of("api", "worker"),
        List.of("cache", "db"));
  }

  @Test
  void anEmptyFleetHasNoWaves() {
    DependencyGraph empty = new DependencyGraph(Map.of());

    assertThat(empty.startWaves()).isEmpty();
    assertThat(empty.stopWaves()).isEmpty();
    assertThat(empty.findCycle()).isEmpty();
  }

  @Test
  void aDagHasNoCycle() {
    assertThat(fleet.findCycle()).isEmpty();
  }

  @Test
  void findCycleReturnsThePathClosedOnItsFirstComponent() {
    DependencyGraph g = graph(
        "a", Map.of("b", REQUIRES),
        "b", Map.of("c", WANTS),
        "c", Map.of("a", REQUIRES),
        "d", Map.of("a", REQUIRES));

    assertThat(g.findCycle()).contains(List.of("a", "b", "c", "a"));
  }

  @Test
  void findCycleFindsACycleReachedThroughOtherComponents() {
    DependencyGraph g = graph(
        "a", Map.of("b", REQUIRES),
        "b", Map.of("c", REQUIRES),
        "c", Map.of("b", REQUIRES));

    assertThat(g.findCycle()).contains(List.of("b", "c", "b"));
  }

  @Test
  void aComponentDependingOnItselfIsACycleOfOne() {
    assertThat(graph("a", Map.of("a", REQUIRES)).findCycle()).contains(List.of("a", "a"));
  }

  @Test
  void startWavesRefuseACycle() {
    DependencyGraph g = graph("a", Map.of("b", REQUIRES), "b", Map.of("a", REQUIRES));

    assertThatThrownBy(g::startWaves).isInstanceOf(IllegalStateException.class).hasMessageContaining("cycle");
  }

  @Test
  void edgesToUnknownComponentsAreIgnoredForOrderAndCycles() {
    DependencyGraph g = graph("a", Map.of("ghost", REQUIRES), "b", Map.of("a", REQUIRES));

    assertThat(g.nodes()).containsExactly("a", "b");
    assertThat(g.findCycle()).isEmpty();
    assertThat(g.startWaves()).containsExactly(List.of("a"), List.of("b"));
    assertThat(g.dependenciesOf("a")).containsOnly(entry("ghost", REQUIRES));
  }

  @Test
  void directDependenciesAndDependents() {
    assertThat(fleet.dependenciesOf("web")).containsOnly(entry("api", REQUIRES), entry("worker", WANTS));
    assertThat(fleet.dependenciesOf("db")).isEmpty();
    assertThat(fleet.dependenciesOf("unknown")).isEmpty();
    assertThat(fleet.dependentsOf("db")).containsExactly("api", "worker");
    assertThat(fleet.dependentsOf("web")).isEmpty();
    assertThat(fleet.dependentsOf("unknown")).isEmpty();
  }

  @Test
  void transitiveDependentsAreEveryoneDownstream() {
    assertThat(fleet.transitiveDependentsOf("db")).containsExactlyInAnyOrder("api", "worker", "web");
    assertThat(fleet.transitiveDependentsOf("api")).containsExactly("web");
    assertThat(fleet.transitiveDependentsOf("web")).isEmpty();
    assertThat(fleet.transitiveDependentsOf("cache")).isEmpty();
  }

  @Test
  void transitiveDependentsTerminateOnACycle() {
    DependencyGraph g = graph("a", Map.of("b", REQUIRES), "b", Map.of("a", REQUIRES), "c", Map.of("a", REQUIRES));

    assertThat(g.transitiveDependentsOf("a")).containsExactlyInAnyOrder("b", "a", "c");
  }

  @Test
  void theGraphIsACopyOfItsInput() {
    Map<String, Map<String, DependencyKind>> input = new LinkedHashMap<>();
    input.put("a", new LinkedHashMap<>(Map.of("b", REQUIRES)));
    input.put("b", new LinkedHashMap<>());
    DependencyGraph g = new DependencyGraph(input);

    input.get("a").clear();
    input.remove("b");

    assertThat(g.nodes()).containsExactly("a", "b");
    assertThat(g.dependenciesOf("a")).containsOnlyKeys("b");
  }

  private static DependencyGraph graph(Object... nameThenDeps) {
    Map<String, Map<String, DependencyKind>> deps = new LinkedHashMap<>();
    for (int i = 0; i < nameThenDeps.length; i += 2) {
      @SuppressWarnings("unchecked")
      Map<String, DependencyKind> d = (Map<String, DependencyKind>) nameThenDeps[i + 1];
      deps.put((String) nameThenDeps[i], d);
    }
    return new DependencyGraph(deps);
  }
}
