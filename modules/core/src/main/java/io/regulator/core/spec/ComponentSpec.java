package io.regulator.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One supervised component, fully resolved: per-component keys over {@code regulator.defaults}.
 *
 * @param command argv; with {@code shell} the single string is run by {@code sh -c}
 * @param cwd absolute working directory (relative config values resolve against Regulator's home, which is
 *     also the default)
 * @param env overrides on top of the inherited environment
 * @param autostart false for components only started on demand (e.g. a fallback)
 * @param dependsOn dependency name to kind, in config order
 * @param readyAfter until readiness probes exist: RUNNING for this long counts as READY
 * @param adoptOrphans after a crash of Regulator, adopt a surviving process instead of killing it
 * @param probes at most one per role
 */
public record ComponentSpec(
    String name,
    List<String> command,
    boolean shell,
    Optional<String> cwd,
    Map<String, String> env,
    Optional<String> user,
    boolean critical,
    boolean autostart,
    Map<String, DependencyKind> dependsOn,
    OnDependencyLoss onDependencyLoss,
    Optional<String> fallback,
    RestartMode restart,
    Set<Integer> successExitCodes,
    BackoffSpec backoff,
    IntensitySpec intensity,
    CircuitSpec circuit,
    StopSpec stop,
    Duration readyAfter,
    boolean adoptOrphans,
    OutputSpec output,
    List<ProbeSpec> probes) {

  public ComponentSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    dependsOn = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dependsOn));
    successExitCodes = Set.copyOf(successExitCodes);
    probes = List.copyOf(probes);
  }

  /** The probe of a role, if the component has one. */
  public Optional<ProbeSpec> probe(ProbeRole role) {
    return probes.stream().filter(p -> p.role() == role).findFirst();
  }

  /** The argv actually executed: the command itself, or {@code sh -c <command>} when {@code shell}. */
  public List<String> argv() {
    return shell ? List.of("/bin/sh", "-c", String.join(" ", command)) : command;
  }

  public boolean requires(String other) {
    return dependsOn.get(other) == DependencyKind.REQUIRES;
  }
}
