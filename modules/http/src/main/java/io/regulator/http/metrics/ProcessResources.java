package io.regulator.http.metrics;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Measures a component's process tree from a {@link ProcTable}: its root pid, the root's
 * descendants, and what is left in the root's process group (the tree the resources probe
 * watches). One table serves every component of a round, so a round reads {@code /proc} once
 * whatever the number of components.
 *
 * <p>CPU time is cumulative over the tree and does not go down when a descendant ends: the last
 * CPU time seen of each descendant that is gone is kept ({@code retired}) until the root itself
 * ends, so {@code regulator_component_cpu_seconds_total} only resets when the component restarts.
 * A descendant that starts and ends between two measurements is never seen, so its time is not
 * counted.
 */
public final class ProcessResources {

  /**
   * One measurement of a process tree.
   *
   * @param residentMemoryBytes resident memory of every live process of the tree, summed
   * @param cpuSeconds user + kernel CPU time of the tree since its root started
   * @param threads threads of every live process of the tree, summed
   * @param at when it was measured
   */
  public record Sample(long residentMemoryBytes, double cpuSeconds, int threads, Instant at) {}

  /** A process by pid and start time, so that a reused pid is a different process. */
  private record ProcessKey(long pid, long startTime) {}

  /** What is remembered of one root between measurements. */
  private static final class Tree {
    final long rootStartTime;
    Map<ProcessKey, Long> liveCpuMillis = Map.of();
    long retiredCpuMillis;

    Tree(long rootStartTime) {
      this.rootStartTime = rootStartTime;
    }
  }

  private final Clock clock;
  private final Map<Long, Tree> trees = new HashMap<>();

  ProcessResources(Clock clock) {
    this.clock = clock;
  }

  /** The tree of {@code rootPid} as {@code table} shows it, or empty when the root is gone (or a zombie). */
  synchronized Optional<Sample> measure(ProcTable table, long rootPid) {
    List<ProcTable.Proc> processes = table.tree(rootPid);
    if (processes.isEmpty()) {
      trees.remove(rootPid);
      return Optional.empty();
    }
    ProcTable.Proc root = processes.get(0);
    Tree tree = trees.get(rootPid);
    if (tree == null || tree.rootStartTime != root.startTime()) {
      tree = new Tree(root.startTime()); // a new process under a reused pid starts from zero
      trees.put(rootPid, tree);
    }
    long rss = 0;
    int threads = 0;
    long liveCpuMillis = 0;
    Map<ProcessKey, Long> cpu = new HashMap<>();
    for (ProcTable.Proc p : processes) {
      rss += p.residentBytes();
      threads += p.threads();
      liveCpuMillis += p.cpuMillis();
      cpu.put(new ProcessKey(p.pid(), p.startTime()), p.cpuMillis());
    }
    for (Map.Entry<ProcessKey, Long> before : tree.liveCpuMillis.entrySet()) {
      if (!cpu.containsKey(before.getKey())) {
        tree.retiredCpuMillis += before.getValue();
      }
    }
    tree.liveCpuMillis = cpu;
    long cpuMillis = tree.retiredCpuMillis + liveCpuMillis;
    return Optional.of(new Sample(rss, cpuMillis / 1000.0, threads, clock.instant()));
  }

  /** Forgets every root but these (components stopped or removed). */
  synchronized void retain(Set<Long> rootPids) {
    trees.keySet().retainAll(rootPids);
  }
}
