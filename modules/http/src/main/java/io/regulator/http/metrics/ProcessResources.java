package io.regulator.http.metrics;

import io.regulator.runtime.process.ProcessGroups;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * Measures a component's process tree through OSHI: its root pid, the root's descendants, and what
 * is left in the root's process group (the tree the resources probe watches). Reads /proc, so every
 * call blocks for a few milliseconds: call it from a blocking executor, never from an actor.
 *
 * <p>CPU time is cumulative over the tree and does not go down when a descendant ends: the last
 * CPU time seen of each descendant that is gone is kept ({@code retired}) until the root itself
 * ends, so {@code regulator_component_cpu_seconds_total} only resets when the component restarts.
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
  /** Made on first use: it loads JNA, which has no place on the caller's thread. */
  private OperatingSystem os;

  ProcessResources(Clock clock) {
    this.clock = clock;
  }

  /** The tree of {@code rootPid} now, or empty when the root is gone (or a zombie). */
  synchronized Optional<Sample> measure(long rootPid) {
    OperatingSystem system = os();
    OSProcess root = system.getProcess((int) rootPid);
    if (!alive(root)) {
      trees.remove(rootPid);
      return Optional.empty();
    }
    Tree tree = trees.get(rootPid);
    if (tree == null || tree.rootStartTime != root.getStartTime()) {
      tree = new Tree(root.getStartTime()); // a new process under a reused pid starts from zero
      trees.put(rootPid, tree);
    }
    Set<Long> pids = new LinkedHashSet<>();
    ProcessHandle.of(rootPid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
    pids.addAll(ProcessGroups.members(rootPid));
    pids.remove(rootPid);

    long rss = root.getResidentSetSize();
    int threads = root.getThreadCount();
    Map<ProcessKey, Long> cpu = new HashMap<>();
    cpu.put(new ProcessKey(rootPid, root.getStartTime()), root.getUserTime() + root.getKernelTime());
    for (long pid : pids) {
      OSProcess p = system.getProcess((int) pid);
      if (!alive(p)) {
        continue; // gone since the listing
      }
      rss += p.getResidentSetSize();
      threads += p.getThreadCount();
      cpu.put(new ProcessKey(pid, p.getStartTime()), p.getUserTime() + p.getKernelTime());
    }
    for (Map.Entry<ProcessKey, Long> before : tree.liveCpuMillis.entrySet()) {
      if (!cpu.containsKey(before.getKey())) {
        tree.retiredCpuMillis += before.getValue();
      }
    }
    tree.liveCpuMillis = cpu;
    long cpuMillis = tree.retiredCpuMillis + cpu.values().stream().mapToLong(Long::longValue).sum();
    return Optional.of(new Sample(rss, cpuMillis / 1000.0, threads, clock.instant()));
  }

  /** Forgets every root but these (components stopped or removed). */
  synchronized void retain(Set<Long> rootPids) {
    trees.keySet().retainAll(rootPids);
  }

  private static boolean alive(OSProcess p) {
    return p != null && p.getState() != OSProcess.State.INVALID && p.getState() != OSProcess.State.ZOMBIE;
  }

  private OperatingSystem os() {
    if (os == null) {
      os = new SystemInfo().getOperatingSystem();
    }
    return os;
  }
}
