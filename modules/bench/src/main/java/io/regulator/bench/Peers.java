package io.regulator.bench;

import io.regulator.bench.PeerSupervisor.Child;
import io.regulator.bench.PeerSupervisor.Policy;
import io.regulator.bench.PeerSupervisor.Tool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code bin/regulator bench peers}: Regulator, supervisord and PM2 side by side on this machine,
 * supervising the same tiny child, each measured the same way (the script
 * {@code modules/bench/peers/compare.sh} checks the peers are installed and runs this).
 *
 * <ul>
 *   <li><b>restart</b>: kill -9 of the child → the replacement's first action, over
 *       {@code --kills} kills (after {@code --warmup-kills}). Every child is
 *       {@code sh -c 'echo NAME $$ > FIFO; exec sleep …'} and a thread blocks on the FIFO
 *       ({@link StartSignals}): no polling, the same path for all three. Each tool restarts at once
 *       and without limit (Regulator {@code backoff.min = 0}; supervisord and PM2 have no delay by
 *       default). Kills are {@code --settle} apart counted from the replacement's start, longer
 *       than supervisord's {@code startsecs} and PM2's {@code min_uptime} (1 s each), so that no
 *       kill counts as a failed start.</li>
 *   <li><b>crash-loop</b>: a child that exits 1 at once, under each tool's default policy, for
 *       {@code --crash-seconds}: how many starts, when, and the tool's own word for its state at
 *       the end.</li>
 *   <li><b>idle</b> and <b>startup</b>: for each of {@code --sizes} idle children, the time from
 *       the exec of the supervisor (for PM2 its CLI, which starts the daemon) until every child
 *       has announced itself; then, after {@code --warmup}, the supervisor's CPU time over
 *       {@code --measure} ({@code /proc/<pid>/stat}) and its RSS and PSS.</li>
 *   <li><b>status</b>: the wall time of the status command (fork to exit) with 10 children,
 *       {@code --status-runs} times after 3 warm-up runs.</li>
 * </ul>
 */
final class Peers {

  private Peers() {}

  static void main(String[] args) throws Exception {
    Flags flags = new Flags(args);
    Set<String> only = new TreeSet<>(Arrays.asList(flags.string("--only", "restart,crash-loop,idle,status").split(",")));
    List<Tool> tools = new ArrayList<>();
    for (String t : flags.string("--tools", "regulator,supervisord,pm2").split(",")) {
      Tool tool = Tool.valueOf(t.trim().toUpperCase(Locale.ROOT));
      String program = switch (tool) {
        case REGULATOR -> "java";
        case SUPERVISORD -> "supervisord";
        case PM2 -> "pm2";
      };
      if (PeerSupervisor.installed(program)) {
        tools.add(tool);
      } else {
        System.out.println("skipped " + t + ": '" + program + "' is not installed (see modules/bench/peers/compare.sh)");
      }
    }
    int kills = flags.integer("--kills", 100);
    int warmupKills = flags.integer("--warmup-kills", 5);
    Duration settle = flags.duration("--settle", "1100ms");
    Duration crashFor = flags.duration("--crash-seconds", "30s");
    List<Integer> sizes = Arrays.stream(flags.string("--sizes", "10,100,500").split(",")).map(String::trim)
        .map(Integer::parseInt).toList();
    Duration warmup = flags.duration("--warmup", "20s");
    Duration measure = flags.duration("--measure", "60s");
    int statusRuns = flags.integer("--status-runs", 20);

    Path root = Files.createTempDirectory("regulator-peers-");
    System.out.println("machine: " + ProcFs.machine());
    Map<Tool, String> names = new LinkedHashMap<>();
    try (StartSignals signals = new StartSignals(root)) {
      if (only.contains("restart")) {
        System.out.printf("%n### kill -9 → replacement's first action (%d kills after %d warm-up, %d ms apart)%n%n",
            kills, warmupKills, settle.toMillis());
        System.out.println("| supervisor | load average | kills | min ms | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Tool tool : tools) {
          System.out.println(restart(tool, root, signals, kills, warmupKills, settle, names));
        }
      }
      if (only.contains("crash-loop")) {
        System.out.printf("%n### a child that exits 1 at once, each tool's default policy, %d s%n%n", crashFor.toSeconds());
        System.out.println("| supervisor | starts | start times (s after the first) | state at the end, in the tool's words |");
        System.out.println("|---|---|---|---|");
        for (Tool tool : tools) {
          System.out.println(crashLoop(tool, root, signals, crashFor, names));
        }
      }
      if (only.contains("idle") || only.contains("startup")) {
        System.out.printf("%n### idle children (sleep): time until all run, and the supervisor's CPU and memory%n"
            + "(warm-up %d s, measured %d s)%n%n", warmup.toSeconds(), measure.toSeconds());
        System.out.println("| supervisor | children | load average | all running after ms | CPU ms per minute | RSS MiB | PSS MiB |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int size : sizes) {
          for (Tool tool : tools) {
            System.out.println(idle(tool, root, signals, size, only.contains("idle") ? warmup : Duration.ZERO,
                only.contains("idle") ? measure : Duration.ZERO, names));
          }
        }
      }
      if (only.contains("status")) {
        System.out.printf("%n### status command wall time, 10 children (%d runs after 3 warm-up)%n%n", statusRuns);
        System.out.println("| command | load average | n | min ms | p50 ms | p90 ms | p99 ms | max ms |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Tool tool : tools) {
          System.out.println(status(tool, root, signals, statusRuns, names));
        }
      }
    } finally {
      delete(root);
    }
    System.out.println();
    System.out.println("versions: " + String.join(", ", names.values()));
  }

  private static String restart(Tool tool, Path root, StartSignals signals, int kills, int warmup, Duration settle,
      Map<Tool, String> names) throws Exception {
    signals.drain();
    List<Child> children = List.of(new Child("child", signals.script("child", "exec sleep 1000000")));
    String load = ProcFs.loadAverage();
    List<Long> nanos = new ArrayList<>();
    try (PeerSupervisor s = PeerSupervisor.start(tool, root.resolve(tool + "-restart"), children, Policy.IMMEDIATE)) {
      StartSignals.Start current = expect(signals, "child", Duration.ofSeconds(60), tool);
      names.putIfAbsent(tool, s.name());
      for (int i = 0; i < warmup + kills; i++) {
        sleepUntil(current.nanos() + settle.toNanos());
        long t0 = System.nanoTime();
        boolean killed = ProcessHandle.of(current.pid()).map(ProcessHandle::destroyForcibly).orElse(false);
        StartSignals.Start next;
        try {
          next = expect(signals, "child", Duration.ofSeconds(30), tool);
        } catch (IllegalStateException e) {
          throw new IllegalStateException(e.getMessage() + " after kill " + (i + 1) + " of pid " + current.pid()
              + (killed ? "" : " (it was gone before the kill)") + "; the tool says: " + s.stateOf("child"), e);
        }
        if (next.pid() == current.pid()) {
          throw new IllegalStateException(tool + ": the same pid announced itself twice");
        }
        if (i >= warmup) {
          nanos.add(next.nanos() - t0);
        }
        current = next;
      }
    }
    Stats st = Stats.ofNanos(nanos);
    return String.format("| %s | %s | %d | %.2f | %.2f | %.2f | %.2f | %.2f |", names.get(tool), load, st.n(), st.min(),
        st.p50(), st.p90(), st.p99(), st.max());
  }

  private static String crashLoop(Tool tool, Path root, StartSignals signals, Duration period, Map<Tool, String> names)
      throws Exception {
    signals.drain();
    List<Child> children = List.of(new Child("crasher", signals.script("crasher", "exit 1")));
    try (PeerSupervisor s = PeerSupervisor.start(tool, root.resolve(tool + "-crash"), children, Policy.DEFAULTS)) {
      StartSignals.Start first = expect(signals, "crasher", Duration.ofSeconds(60), tool);
      names.putIfAbsent(tool, s.name());
      List<Long> at = new ArrayList<>(List.of(0L));
      long end = first.nanos() + period.toNanos();
      while (System.nanoTime() < end) {
        StartSignals.Start next = signals.next(Duration.ofNanos(Math.max(1, end - System.nanoTime())));
        if (next != null && next.nanos() < end) {
          at.add(next.nanos() - first.nanos());
        }
      }
      String state = s.stateOf("crasher");
      String times = at.size() <= 12
          ? at.stream().map(n -> String.format(Locale.ROOT, "%.1f", n / 1e9)).collect(Collectors.joining(", "))
          : at.subList(0, 6).stream().map(n -> String.format(Locale.ROOT, "%.2f", n / 1e9)).collect(Collectors.joining(", "))
              + ", … " + String.format(Locale.ROOT, "%.2f", at.get(at.size() - 1) / 1e9);
      return String.format("| %s | %d | %s | %s |", names.get(tool), at.size(), times, state);
    }
  }

  private static String idle(Tool tool, Path root, StartSignals signals, int size, Duration warmup, Duration measure,
      Map<Tool, String> names) throws Exception {
    signals.drain();
    List<Child> children = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      children.add(new Child("c" + i, signals.script("c" + i, "exec sleep 1000000")));
    }
    String load = ProcFs.loadAverage();
    try (PeerSupervisor s = PeerSupervisor.start(tool, root.resolve(tool + "-idle-" + size), children, Policy.DEFAULTS)) {
      Set<String> seen = new TreeSet<>();
      long last = 0;
      while (seen.size() < size) {
        StartSignals.Start st = signals.next(Duration.ofSeconds(120));
        if (st == null) {
          throw new IllegalStateException(tool + ": " + seen.size() + " of " + size + " children started within 120 s");
        }
        if (seen.add(st.name())) {
          last = st.nanos();
        }
      }
      double allRunning = (last - s.launchedNanos()) / 1e6;
      names.putIfAbsent(tool, s.name());
      long pid = s.pid();
      if (measure.isZero()) {
        return String.format("| %s | %d | %s | %.0f | – | – | – |", names.get(tool), size, load, allRunning);
      }
      Thread.sleep(warmup.toMillis());
      long cpu0 = ProcFs.cpuMillis(pid);
      long t0 = System.nanoTime();
      Thread.sleep(measure.toMillis());
      long cpu = ProcFs.cpuMillis(pid) - cpu0;
      double seconds = (System.nanoTime() - t0) / 1e9;
      long rss = ProcFs.rssKiB(pid);
      long pss = ProcFs.pssKiB(pid);
      int held = ProcFs.children(pid).size();
      if (held != size) {
        System.out.println("note: " + names.get(tool) + " (pid " + pid + ") is the parent of " + held + " processes, not "
            + size);
      }
      return String.format("| %s | %d | %s | %.0f | %.0f | %.1f | %.1f |", names.get(tool), size, load, allRunning,
          cpu * 60.0 / seconds, rss / 1024.0, pss / 1024.0);
    }
  }

  private static String status(Tool tool, Path root, StartSignals signals, int runs, Map<Tool, String> names)
      throws Exception {
    signals.drain();
    List<Child> children = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      children.add(new Child("c" + i, signals.script("c" + i, "exec sleep 1000000")));
    }
    try (PeerSupervisor s = PeerSupervisor.start(tool, root.resolve(tool + "-status"), children, Policy.DEFAULTS)) {
      for (int i = 0; i < 10; i++) {
        expect(signals, null, Duration.ofSeconds(60), tool);
      }
      names.putIfAbsent(tool, s.name());
      s.stateOf("c0"); // the service answers (Regulator: its API is bound)
      String load = ProcFs.loadAverage();
      List<Long> wall = new ArrayList<>();
      for (int i = 0; i < runs + 3; i++) {
        ProcessBuilder pb = new ProcessBuilder(s.statusCommand()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(s.env());
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.waitFor();
        long took = System.nanoTime() - t0;
        if (i >= 3) {
          wall.add(took);
        }
      }
      Stats st = Stats.ofNanos(wall);
      return String.format("| `%s` (%s) | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |", commandWord(tool),
          names.get(tool), load, st.n(), st.min(), st.p50(), st.p90(), st.p99(), st.max());
    }
  }

  private static String commandWord(Tool tool) {
    return switch (tool) {
      case REGULATOR -> "bin/regulator status";
      case SUPERVISORD -> "supervisorctl status";
      case PM2 -> "pm2 jlist";
    };
  }

  /** The next start of {@code name} (any child if null); starts of other children are skipped. */
  private static StartSignals.Start expect(StartSignals signals, String name, Duration timeout, Tool tool)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      StartSignals.Start s = signals.next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (s == null) {
        throw new IllegalStateException(tool + ": no start of " + (name == null ? "a child" : name) + " within "
            + timeout.toSeconds() + " s");
      }
      if (name == null || s.name().equals(name)) {
        return s;
      }
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long left = nanos - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }

  private static void delete(Path dir) throws IOException {
    if (System.getenv("REGULATOR_BENCH_KEEP") != null) {
      System.out.println("kept: " + dir);
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
