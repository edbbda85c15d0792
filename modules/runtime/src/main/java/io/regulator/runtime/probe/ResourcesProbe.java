package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.runtime.process.LaunchedProcess;
import io.regulator.runtime.process.ProcessGroups;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * The component's whole process tree (its pid, its descendants, and what is left in its process group)
 * stays under the limits (PM2's max_memory_restart): resident memory, CPU sustained over a
 * duration, open file descriptors, threads. Each check takes a {@link ResourceSample} through
 * OSHI (reads /proc: runs on the blocking executor) and hands it to the sample sink, so exit
 * diagnosis can say "probably out of memory" after a SIGKILL.
 *
 * <p>CPU % is computed between successive checks from each process's cumulative CPU time (a
 * process new since the last check counts with all of its time), 100 = one core. "Sustained"
 * means every sample since at least {@code cpu-sustained-for} ago was over the limit.
 */
final class ResourcesProbe implements Probe {

  private final String component;
  private final ProbeCheck.Resources check;
  private final Supplier<OperatingSystem> os;
  private final Consumer<ResourceSample> samples;
  private final Clock clock;

  // State of the process being watched; reset when a new process appears.
  private long watchedPid = -1;
  private long watchedStartNanos;
  private Map<Long, Long> previousCpuMillis = Map.of();
  private long previousNanos;
  /** Since when (nanoTime) the CPU has been over the limit, or -1. */
  private long cpuOverSince = -1;

  ResourcesProbe(String component, ProbeCheck.Resources check, Supplier<OperatingSystem> os,
      Consumer<ResourceSample> samples, Clock clock) {
    this.component = component;
    this.check = check;
    this.os = os;
    this.samples = samples;
    this.clock = clock;
  }

  @Override
  public synchronized CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    LaunchedProcess process = target.process();
    if (process == null) {
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.NOT_RUNNING,
          "no process to measure", "start " + component)));
    }
    if (process.pid() != watchedPid || process.startedNanos() != watchedStartNanos) {
      watchedPid = process.pid();
      watchedStartNanos = process.startedNanos();
      previousCpuMillis = Map.of();
      cpuOverSince = -1;
    }
    // Descendants by parentage, plus whatever stayed in its process group after its parent died.
    Set<Long> pids = new LinkedHashSet<>();
    pids.add(process.pid());
    process.handle().descendants().forEach(h -> pids.add(h.pid()));
    pids.addAll(ProcessGroups.members(process.pid()));

    long rss = 0;
    long files = 0;
    long threads = 0;
    int count = 0;
    Map<Long, Long> cpuMillis = new HashMap<>();
    long cpuDelta = 0;
    OperatingSystem system = os.get();
    for (long pid : pids) {
      OSProcess p = system.getProcess((int) pid);
      if (p == null || p.getState() == OSProcess.State.INVALID || p.getState() == OSProcess.State.ZOMBIE) {
        continue; // gone since the listing
      }
      count++;
      rss += p.getResidentSetSize();
      files += Math.max(0, p.getOpenFiles());
      threads += p.getThreadCount();
      long cpu = p.getKernelTime() + p.getUserTime();
      cpuMillis.put(pid, cpu);
      cpuDelta += Math.max(0, cpu - previousCpuMillis.getOrDefault(pid, 0L));
    }
    long now = System.nanoTime();
    OptionalDouble cpuPercent = previousCpuMillis.isEmpty() || now <= previousNanos
        ? OptionalDouble.empty()
        : OptionalDouble.of(cpuDelta * 1e8 / (now - previousNanos)); // ms*1e6 ns / ns * 100
    long sincePrevious = previousNanos;
    previousCpuMillis = cpuMillis;
    previousNanos = now;
    if (count == 0) {
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.NOT_RUNNING,
          "process " + process.pid() + " is gone", "its exit is reported separately")));
    }
    ResourceSample sample = new ResourceSample(clock.instant(), process.pid(), count, rss, cpuPercent, files, threads);
    samples.accept(sample);

    List<String> over = new ArrayList<>();
    List<String> advice = new ArrayList<>();
    if (check.maxRssBytes().isPresent() && rss > check.maxRssBytes().getAsLong()) {
      over.add("memory " + Wording.bytes(rss) + " over the limit of " + Wording.bytes(check.maxRssBytes().getAsLong()));
      advice.add("a restart frees the memory; look for a leak or raise max-memory");
    }
    if (check.maxCpuPercent().isPresent() && cpuPercent.isPresent()) {
      double limit = check.maxCpuPercent().getAsDouble();
      if (cpuPercent.getAsDouble() > limit) {
        if (cpuOverSince < 0) {
          cpuOverSince = sincePrevious; // the average since the previous sample was over
        }
        Duration overFor = Duration.ofNanos(now - cpuOverSince);
        if (overFor.compareTo(check.cpuSustainedFor()) >= 0) {
          over.add("CPU " + Wording.percent(cpuPercent.getAsDouble()) + " over the limit of " + Wording.percent(limit)
              + " for " + Wording.duration(overFor));
          advice.add("it may spin in a loop; see logs/" + component + ".log");
        }
      } else {
        cpuOverSince = -1;
      }
    }
    if (check.maxOpenFiles().isPresent() && files > check.maxOpenFiles().getAsInt()) {
      over.add("open files " + files + " over the limit of " + check.maxOpenFiles().getAsInt());
      advice.add("it may leak file descriptors; see ls -l /proc/" + process.pid() + "/fd");
    }
    if (check.maxThreads().isPresent() && threads > check.maxThreads().getAsInt()) {
      over.add("threads " + threads + " over the limit of " + check.maxThreads().getAsInt());
      advice.add("it may leak threads; a thread dump shows which");
    }
    Duration latency = HttpGet.since(start);
    if (over.isEmpty()) {
      return done(ProbeResult.healthy(latency, sample.toString()));
    }
    String tree = count == 1 ? "" : " (tree of " + count + " processes)";
    return done(ProbeResult.failed(latency, new Cause(CauseCategory.RESOURCE_LIMIT,
        String.join("; ", over) + tree, String.join("; ", advice))));
  }

  private static CompletionStage<ProbeResult> done(ProbeResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
