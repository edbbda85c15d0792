package io.regulator.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;

/**
 * One pass over /proc: real process trees started the way components run (leader of their own
 * session and group), and a made-up /proc for the lines a live system rarely shows.
 */
class ProcTableTest {

  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static final ProcTable.Units UNITS = new ProcTable.Units(100, 4096);

  private final List<Process> started = new ArrayList<>();

  @TempDir Path tmp;

  @AfterEach
  void stopChildren() throws Exception {
    for (Process p : started) {
      ProcTable.read().tree(p.pid()).forEach(c -> ProcessHandle.of(c.pid()).ifPresent(ProcessHandle::destroyForcibly));
      p.destroyForcibly().waitFor();
    }
  }

  @Test
  void aTreeIsTheRootItsDescendantsAndWhatIsLeftInItsGroup() throws Exception {
    Path stop = tmp.resolve("stop");
    // a child with a grandchild; a sleep that leaves the tree by a double fork but stays in the
    // group; a busy child; and a finished child nobody reaps (the root execs sleep, which never waits)
    Process root = start("setsid", "sh", "-c", String.join("\n",
        "sh -c 'sleep 300 & wait' &",
        "( sleep 301 & ) ",
        "( while [ ! -e \"$0\" ]; do :; done ) &",
        "true &",
        "exec sleep 302"), stop.toString());

    AtomicReference<ProcTable> table = new AtomicReference<>();
    await().atMost(PATIENCE).until(() -> {
      table.set(ProcTable.read());
      return commands(table.get(), root.pid()).size() == 5 && zombieChildOf(root.pid(), table.get()).isPresent();
    });
    List<ProcTable.Proc> tree = table.get().tree(root.pid());
    ProcTable.Proc rootProc = tree.get(0);
    assertThat(rootProc.pid()).isEqualTo(root.pid());
    assertThat(rootProc.pgrp()).as("the root leads its own group").isEqualTo(root.pid());
    assertThat(commands(table.get(), root.pid()))
        .containsExactlyInAnyOrder("sleep 302", "sh -c sleep 300 & wait", "sleep 300", "sleep 301",
            "sh -c sh -c 'sleep 300 & wait' &"); // the last one: the busy subshell
    ProcTable.Proc orphan = tree.stream().filter(p -> command(p).equals("sleep 301")).findFirst().orElseThrow();
    assertThat(ProcessHandle.of(root.pid()).orElseThrow().descendants().map(ProcessHandle::pid))
        .as("only the group still holds the double-forked sleep").doesNotContain(orphan.pid());
    assertThat(tree).allSatisfy(p -> {
      assertThat(p.live()).isTrue();
      assertThat(p.threads()).isEqualTo(1);
      assertThat(p.residentBytes()).isPositive();
    });

    ProcTable.Proc zombie = zombieChildOf(root.pid(), table.get()).orElseThrow();
    assertThat(tree).extracting(ProcTable.Proc::pid).doesNotContain(zombie.pid());
    assertThat(table.get().tree(zombie.pid())).isEmpty();

    long cpuBefore = tree.stream().mapToLong(ProcTable.Proc::cpuMillis).sum();
    await().atMost(PATIENCE).until(() ->
        ProcTable.read().tree(root.pid()).stream().mapToLong(ProcTable.Proc::cpuMillis).sum() >= cpuBefore + 300);
  }

  @Test
  void aProcessHasWhatOshiSeesOfIt() throws Exception {
    Process sleep = start("sleep", "30");
    await().atMost(PATIENCE).until(() -> ProcTable.read().process(sleep.pid())
        .filter(p -> p.residentBytes() > 0).isPresent());

    ProcTable.Proc seen = ProcTable.read().process(sleep.pid()).orElseThrow();
    OSProcess oshi = new SystemInfo().getOperatingSystem().getProcess((int) sleep.pid());
    assertThat(seen.residentBytes()).isCloseTo(oshi.getResidentSetSize(), within(64 * 1024L));
    assertThat(seen.ppid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(seen.cpuMillis()).isCloseTo(oshi.getUserTime() + oshi.getKernelTime(), within(20L));

    ProcTable.Proc self = ProcTable.read().process(ProcessHandle.current().pid()).orElseThrow();
    assertThat(self.threads()).isGreaterThan(1);
    assertThat(self.cpuMillis()).isPositive();

    sleep.destroy();
    sleep.waitFor();
    assertThat(ProcTable.read().process(sleep.pid())).isEmpty();
    assertThat(ProcTable.read().tree(sleep.pid())).isEmpty();
  }

  @Test
  void oddLinesAreReadAndUnreadableOnesSkipped() throws Exception {
    Path proc = tmp.resolve("proc");
    stat(proc, 1, statLine(1, "init", 'S', 0, 1, 250, 50, 1, 9000, 300));
    // a command name with spaces and parentheses; negative priority and nice before the fields read
    stat(proc, 4, statLine(4, "a) (b c) d", 'R', 1, 4, 1234, 766, 3, 9100, 1000).replace(" 20 0 ", " -100 -20 "));
    stat(proc, 5, statLine(5, "child", 'Z', 4, 4, 0, 0, 1, 9200, 0));
    Files.createDirectories(proc.resolve("6")); // listed, then gone before its stat was read
    stat(proc, 7, "7 (garbage");
    stat(proc, 8, statLine(8, "cut", 'S', 1, 8, 1, 1, 1, 1, 1).substring(0, 40));
    stat(proc, 9, statLine(9, "nan", 'S', 1, 9, 1, 1, 1, 1, 1).replace(") S 1 ", ") S x "));
    Files.createDirectories(proc.resolve("self"));

    ProcTable table = ProcTable.read(proc, UNITS);

    assertThat(table.size()).isEqualTo(3);
    ProcTable.Proc odd = table.process(4).orElseThrow();
    assertThat(odd).isEqualTo(new ProcTable.Proc(4, 'R', 1, 4, 20_000, 3, 9100, 1000 * 4096L));
    assertThat(table.process(6)).isEmpty();
    assertThat(table.tree(1)).extracting(ProcTable.Proc::pid).containsExactly(1L, 4L);
    assertThat(table.tree(4)).extracting(ProcTable.Proc::pid).containsExactly(4L);
    assertThat(table.tree(5)).isEmpty();
    assertThat(table.tree(6)).isEmpty();
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private Process start(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  /** The command lines of the tree of {@code root}, up to their first line break. */
  private static List<String> commands(ProcTable table, long root) {
    return table.tree(root).stream().map(ProcTableTest::command).collect(Collectors.toList());
  }

  private static String command(ProcTable.Proc p) {
    try {
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').lines().findFirst().orElse("").strip();
    } catch (IOException gone) {
      return "";
    }
  }

  private static Optional<ProcTable.Proc> zombieChildOf(long root, ProcTable table) {
    return ProcessHandle.of(root).stream()
        .flatMap(ProcessHandle::children)
        .map(h -> table.process(h.pid()))
        .flatMap(Optional::stream)
        .filter(p -> p.state() == 'Z')
        .findFirst();
  }

  private static void stat(Path proc, long pid, String line) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("stat"), line + "\n", StandardCharsets.US_ASCII);
  }

  /** A stat line as Linux writes it (man 5 proc), with the fields this reader uses given. */
  private static String statLine(long pid, String comm, char state, long ppid, long pgrp, long utime, long stime,
      int threads, long startTime, long rssPages) {
    return pid + " (" + comm + ") " + state + " " + ppid + " " + pgrp + " " + pgrp + " 0 -1 4194560 120 0 0 0 "
        + utime + " " + stime + " 0 0 20 0 " + threads + " 0 " + startTime + " 8192000 " + rssPages
        + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  }
}
