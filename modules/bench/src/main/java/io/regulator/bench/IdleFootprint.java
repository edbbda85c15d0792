package io.regulator.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/regulator bench idle}: Regulator's own CPU time and memory while it supervises
 * {@code --components} idle processes ({@code sleep}) without probes (DESIGN §9: ≤ 110 ms of CPU
 * per minute, PSS ≤ 128 MB with the launcher's default JVM flags).
 *
 * <p>A real {@code bin/regulator run}; once every component is READY the benchmark leaves it
 * alone for {@code --warmup} (JIT, the first resource samples, the journal's first writes), then
 * reads utime + stime of Regulator's JVM from {@code /proc/<pid>/stat} at the start and end of
 * {@code --measure}, in steps of {@code --step}, and PSS from {@code /proc/<pid>/smaps_rollup}
 * at the end. Nothing talks to Regulator while it is measured.
 */
final class IdleFootprint {

  private IdleFootprint() {}

  static void main(String[] args) throws Exception {
    Flags flags = new Flags(args);
    int n = flags.integer("--components", 500);
    Duration warmup = flags.duration("--warmup", "60s");
    Duration measure = flags.duration("--measure", "60s");
    Duration step = flags.duration("--step", "10s");
    String extra = flags.string("--config", "");
    System.out.println("machine: " + ProcFs.machine());
    StringBuilder fleet = new StringBuilder();
    for (int i = 0; i < n; i++) {
      fleet.append("    c").append(i).append(" { command = [\"sleep\", \"1000000\"] }\n");
    }
    try (RegulatorRun run = RegulatorRun.start(extra, fleet.toString())) {
      run.awaitState("READY", n, Duration.ofSeconds(180));
      long pid = run.pid();
      Thread.sleep(warmup.toMillis());
      String loadBefore = ProcFs.loadAverage();
      List<Long> perStep = new ArrayList<>();
      long start = System.nanoTime();
      long cpuStart = ProcFs.cpuMillis(pid);
      Map<String, Long> threadsStart = ProcFs.cpuMillisByThreadName(pid);
      long cpuPrev = cpuStart;
      long stepsLeft = Math.max(1, measure.toMillis() / step.toMillis());
      for (long s = 0; s < stepsLeft; s++) {
        Thread.sleep(step.toMillis());
        long cpu = ProcFs.cpuMillis(pid);
        perStep.add(cpu - cpuPrev);
        cpuPrev = cpu;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long cpu = cpuPrev - cpuStart;
      Map<String, Long> threadsEnd = ProcFs.cpuMillisByThreadName(pid);
      long pss = ProcFs.pssKiB(pid);
      long rss = ProcFs.rssKiB(pid);
      int threads = ProcFs.threads(pid);
      int children = ProcFs.children(pid).size();
      double perMinute = cpu * 60.0 / seconds;
      double stepMin = perStep.stream().mapToLong(Long::longValue).min().orElse(0) * 60_000.0 / step.toMillis();
      double stepMax = perStep.stream().mapToLong(Long::longValue).max().orElse(0) * 60_000.0 / step.toMillis();
      System.out.printf("fleet: %d idle components (sleep), no probes; %d children of the JVM; warm-up %d s, measured %.0f s"
          + " in steps of %d s; load average %s before, %s after%n", n, children, warmup.toSeconds(), seconds,
          step.toSeconds(), loadBefore, ProcFs.loadAverage());
      if (!extra.isBlank()) {
        System.out.println("extra config: " + extra);
      }
      System.out.println("| components | CPU ms per minute | per step, as ms per minute (min – max) | PSS MiB | RSS MiB | threads |");
      System.out.println("|---|---|---|---|---|---|");
      System.out.printf("| %d | %.0f | %.0f – %.0f | %.1f | %.1f | %d |%n", n, perMinute, stepMin, stepMax,
          pss / 1024.0, rss / 1024.0, threads);
      System.out.println("where the CPU went (threads by name, # for digits; ms per minute): "
          + busiest(threadsStart, threadsEnd, seconds));
    }
  }

  /** The five thread names with the most CPU between the two readings, as ms per minute. */
  private static String busiest(Map<String, Long> before, Map<String, Long> after, double seconds) {
    String top = after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(5)
        .map(e -> String.format("%s %.0f", e.getKey(), e.getValue() * 60.0 / seconds))
        .collect(java.util.stream.Collectors.joining(", "));
    return top.isEmpty() ? "none measurable (under one clock tick)" : top;
  }
}
