package io.regulator.core.spec;

import com.typesafe.config.Config;
import io.regulator.core.graph.DependencyGraph;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated configuration: settings, components by name, groups, and the dependency graph.
 *
 * @param regulator the resolved {@code regulator} block with every default, for the modules that
 *     read their own settings from it (journal, alerting, HTTP)
 */
public record FleetSpec(
    RegulatorSettings settings,
    Map<String, ComponentSpec> components,
    Map<String, GroupSpec> groups,
    DependencyGraph graph,
    Config regulator) {

  public FleetSpec {
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
    groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
  }

  public ComponentSpec component(String name) {
    ComponentSpec spec = components.get(name);
    if (spec == null) {
      throw new IllegalArgumentException("unknown component '" + name + "'");
    }
    return spec;
  }

  /** The group a component belongs to, if any (a component is in at most one group). */
  public Optional<GroupSpec> groupOf(String component) {
    return groups.values().stream().filter(g -> g.members().contains(component)).findFirst();
  }

  /** The components that name {@code fallback} as their fallback (whom it stands in for). */
  public List<String> standsInFor(String fallback) {
    return components.values().stream()
        .filter(c -> c.fallback().filter(fallback::equals).isPresent())
        .map(ComponentSpec::name)
        .toList();
  }
}
