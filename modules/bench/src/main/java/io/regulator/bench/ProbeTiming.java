package io.regulator.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/regulator bench probes}: {@code --components} processes, each with an HTTP readiness
 * probe every {@code --period} (DESIGN §9: CPU ≤ 10% of one core, RSS ≤ 256 MB, no probe period
 * missed by more than 100 ms).
 *
 * <p>The components are {@code sleep}; each probe GETs its own port of a {@link HealthResponder}
 * in the benchmark's JVM, which answers {@code 200 ok} and notes when each request arrived. After
 * every component is READY and {@code --warmup} has passed, the benchmark records for
 * {@code --measure}: Regulator's CPU time ({@code /proc/<pid>/stat}), its RSS and PSS at the end,
 * and every request per endpoint.
 *
 * <p>Lateness. Regulator schedules each probe at a fixed rate (every {@code period} from its
 * first check, without drift), so the k-th check of a probe is due at {@code origin + k·period}.
 * For each endpoint the arrivals are numbered by {@code round((t - t0) / period)}, the origin is
 * the earliest {@code t - k·period} (the probe's own phase, as early as it was ever seen), and a
 * check's lateness is {@code t - origin - k·period}. A period without any request is a missed
 * check. Also reported: the largest gap between two requests of one probe, minus the period.
 * Arrival times are when the responder's thread saw the request, so any delay of that thread
 * makes the figures worse, never better.
 */
final class ProbeTiming {

  private ProbeTiming() {}

  static void main(String[] args) throws Exception {
    Flags flags = new Flags(args);
    int n = flags.integer("--components", 500);
    Duration period = flags.duration("--period", "1s");
    Duration warmup = flags.duration("--warmup", "30s");
    Duration measure = flags.duration("--measure", "60s");
    String extra = flags.string("--config", "");
    System.out.println("machine: " + ProcFs.machine());
    try (HealthResponder responder = new HealthResponder(n)) {
      StringBuilder fleet = new StringBuilder();
      for (int i = 0; i < n; i++) {
        fleet.append("    c").append(i).append(" { command = [\"sleep\", \"1000000\"], probes.readiness { http { url = ")
            .append("\"http://127.0.0.1:").append(responder.port(i)).append("/health\" }, period = ")
            .append(Flags.hocon(period)).append(" } }\n");
      }
      try (RegulatorRun run = RegulatorRun.start(extra, fleet.toString())) {
        run.awaitState("READY", n, Duration.ofSeconds(180));
        long pid = run.pid();
        long self = ProcessHandle.current().pid();
        Thread.sleep(warmup.toMillis());
        String loadBefore = ProcFs.loadAverage();
        responder.startRecording();
        long start = System.nanoTime();
        long cpuStart = ProcFs.cpuMillis(pid);
        long selfStart = ProcFs.cpuMillis(self);
        Thread.sleep(measure.toMillis());
        long cpu = ProcFs.cpuMillis(pid) - cpuStart;
        long selfCpu = ProcFs.cpuMillis(self) - selfStart;
        double seconds = (System.nanoTime() - start) / 1e9;
        responder.stopRecording();
        long rss = ProcFs.rssKiB(pid);
        long pss = ProcFs.pssKiB(pid);
        int threads = ProcFs.threads(pid);
        String loadAfter = ProcFs.loadAverage();

        long p = period.toNanos();
        List<Long> lateness = new ArrayList<>();
        long maxGap = 0;
        long requests = 0;
        long missed = 0;
        long lateOver100 = 0;
        for (int i = 0; i < n; i++) {
          long[] t = responder.arrivals(i);
          requests += t.length;
          if (t.length == 0) {
            missed += Math.round(seconds * 1e9 / p);
            continue;
          }
          long[] k = new long[t.length];
          long origin = Long.MAX_VALUE;
          for (int j = 0; j < t.length; j++) {
            k[j] = Math.round((double) (t[j] - t[0]) / p);
            origin = Math.min(origin, t[j] - k[j] * p);
            if (j > 0) {
              maxGap = Math.max(maxGap, t[j] - t[j - 1]);
            }
          }
          for (int j = 0; j < t.length; j++) {
            long late = t[j] - origin - k[j] * p;
            lateness.add(late);
            if (late > 100_000_000L) {
              lateOver100++;
            }
          }
          missed += (k[t.length - 1] + 1) - t.length;
        }
        Stats late = Stats.ofNanos(lateness);
        System.out.printf("fleet: %d components (sleep), each with an HTTP readiness probe every %d ms on its own port;"
            + " warm-up %d s, measured %.0f s; load average %s before, %s after%n", n, period.toMillis(),
            warmup.toSeconds(), seconds, loadBefore, loadAfter);
        if (!extra.isBlank()) {
          System.out.println("extra config: " + extra);
        }
        System.out.printf("the benchmark's own JVM (responder) used %.1f%% of one core meanwhile%n", selfCpu / seconds / 10.0);
        System.out.println("| components | CPU % of one core | RSS MiB | PSS MiB | threads | requests (expected) |"
            + " missed checks | lateness p50 / p99 / max ms | checks > 100 ms late | largest gap − period ms |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %.1f | %.1f | %.1f | %d | %d (%d) | %d | %.1f / %.1f / %.1f | %d | %.1f |%n", n,
            cpu / seconds / 10.0, rss / 1024.0, pss / 1024.0, threads, requests,
            Math.round(n * seconds * 1e9 / p), missed, late.p50(), late.p99(), late.max(), lateOver100,
            (maxGap - p) / 1e6);
      }
    }
  }
}
