package io.regulator.core.graph;

import io.regulator.core.spec.DependencyKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The dependency DAG between components ({@code requires} and {@code wants} edges alike: both
 * order the start). Built from validated input; {@link #findCycle} is how the validator proves it
 * is acyclic.
 */
public final class DependencyGraph {

  private final Map<String, Map<String, DependencyKind>> dependencies;
  private final Map<String, Set<String>> dependents;

  public DependencyGraph(Map<String, Map<String, DependencyKind>> dependencies) {
    Map<String, Map<String, DependencyKind>> deps = new LinkedHashMap<>();
    Map<String, Set<String>> rev = new LinkedHashMap<>();
    for (String name : new TreeSet<>(dependencies.keySet())) {
      deps.put(name, Collections.unmodifiableMap(new LinkedHashMap<>(dependencies.get(name))));
      rev.putIfAbsent(name, new TreeSet<>());
    }
    deps.forEach((name, ds) -> ds.keySet().forEach(d -> rev.computeIfAbsent(d, k -> new TreeSet<>()).add(name)));
    rev.replaceAll((k, v) -> Collections.unmodifiableSet(v));
    this.dependencies = Collections.unmodifiableMap(deps);
    this.dependents = Collections.unmodifiableMap(rev);
  }

  public Set<String> nodes() {
    return dependencies.keySet();
  }

  /** Direct dependencies of a component with their kind. */
  public Map<String, DependencyKind> dependenciesOf(String name) {
    return dependencies.getOrDefault(name, Map.of());
  }

  /** Components that directly depend on {@code name} (requires or wants). */
  public Set<String> dependentsOf(String name) {
    return dependents.getOrDefault(name, Set.of());
  }

  /** All components that depend on {@code name}, directly or through others. */
  public Set<String> transitiveDependentsOf(String name) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(dependentsOf(name));
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (seen.add(next)) {
        todo.addAll(dependentsOf(next));
      }
    }
    return seen;
  }

  /**
   * A cycle as a path that starts and ends on the same component ({@code a -> b -> a}), if there
   * is one. Edges to unknown components are ignored here (the validator reports those apart).
   */
  public Optional<List<String>> findCycle() {
    Map<String, Integer> color = new LinkedHashMap<>(); // 0 white, 1 on stack, 2 done
    for (String start : dependencies.keySet()) {
      if (color.getOrDefault(start, 0) == 0) {
        Deque<String> stack = new ArrayDeque<>();
        Optional<List<String>> cycle = visit(start, color, stack);
        if (cycle.isPresent()) {
          return cycle;
        }
      }
    }
    return Optional.empty();
  }

  private Optional<List<String>> visit(String node, Map<String, Integer> color, Deque<String> stack) {
    color.put(node, 1);
    stack.addLast(node);
    for (String dep : dependenciesOf(node).keySet()) {
      if (!dependencies.containsKey(dep)) {
        continue;
      }
      int c = color.getOrDefault(dep, 0);
      if (c == 1) {
        List<String> path = new ArrayList<>();
        boolean inCycle = false;
        for (String s : stack) {
          inCycle |= s.equals(dep);
          if (inCycle) {
            path.add(s);
          }
        }
        path.add(dep);
        return Optional.of(path);
      }
      if (c == 0) {
        Optional<List<String>> found = visit(dep, color, stack);
        if (found.isPresent()) {
          return found;
        }
      }
    }
    stack.removeLast();
    color.put(node, 2);
    return Optional.empty();
  }

  /**
   * Start order in waves: every component of wave n depends only on components of earlier waves,
   * so a wave's members may start in parallel. Names are sorted within a wave. Requires an
   * acyclic graph.
   */
  public List<List<String>> startWaves() {
    Map<String, Integer> level = new LinkedHashMap<>();
    for (String n : dependencies.keySet()) {
      levelOf(n, level, new LinkedHashSet<>());
    }
    int max = level.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
    List<List<String>> waves = new ArrayList<>();
    for (int i = 0; i <= max; i++) {
      int lvl = i;
      waves.add(level.entrySet().stream().filter(e -> e.getValue() == lvl).map(Map.Entry::getKey).sorted().toList());
    }
    return waves;
  }

  /** Stop order: the start waves reversed (dependents first). */
  public List<List<String>> stopWaves() {
    List<List<String>> waves = new ArrayList<>(startWaves());
    Collections.reverse(waves);
    return waves;
  }

  private int levelOf(String node, Map<String, Integer> level, Set<String> path) {
    Integer known = level.get(node);
    if (known != null) {
      return known;
    }
    if (!path.add(node)) {
      throw new IllegalStateException("dependency cycle through '" + node + "'");
    }
    int lvl = 0;
    for (String dep : dependenciesOf(node).keySet()) {
      if (dependencies.containsKey(dep)) {
        lvl = Math.max(lvl, levelOf(dep, level, path) + 1);
      }
    }
    path.remove(node);
    level.put(node, lvl);
    return lvl;
  }
}
