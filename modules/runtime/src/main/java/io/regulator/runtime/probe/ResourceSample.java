package io.regulator.runtime.probe;

import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The resources a component's whole process tree (its pid and every descendant) used at one
 * moment, as the resources probe measured them.
 *
 * @param pid the component's process (the root of the tree)
 * @param processes how many processes the tree had
 * @param rssBytes resident memory of the tree, summed
 * @param cpuPercent CPU use since the previous sample, where 100 is one core fully busy; empty
 *     for the first sample of a process
 * @param openFiles open file descriptors of the tree, summed
 * @param threads threads of the tree, summed
 */
public record ResourceSample(Instant at, long pid, int processes, long rssBytes, OptionalDouble cpuPercent,
    long openFiles, long threads) {

  @Override
  public String toString() {
    return "rss " + Wording.bytes(rssBytes)
        + (cpuPercent.isPresent() ? ", cpu " + Wording.percent(cpuPercent.getAsDouble()) : "")
        + ", " + Wording.count(openFiles, "open file", "open files") + ", " + Wording.count(threads, "thread", "threads")
        + " in " + Wording.count(processes, "process", "processes");
  }
}
