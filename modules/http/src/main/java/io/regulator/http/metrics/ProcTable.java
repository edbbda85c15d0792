package io.regulator.http.metrics;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import oshi.software.os.linux.LinuxOperatingSystem;

/**
 * Every process on the machine at one moment, from one read of each {@code /proc/<pid>/stat}:
 * enough to find the process tree of any number of components (children by parent pid, members
 * by process group) and to add up their memory, CPU time and threads.
 *
 * <p>Why not OSHI, which measures processes everywhere else: OSHI has no process group, so the
 * group's members would need one more pass over {@code /proc}, and it reads several files per
 * process ({@code stat}, {@code status}, {@code io}, ...), where the {@code stat} line alone holds
 * what a tree's resources need. On a machine with 685 processes, one OSHI {@code getProcesses()}
 * took 52 ms of CPU, one pass here 5 ms, and a whole round of 500 components 8 ms.
 *
 * <p>{@code /proc} is not a snapshot: a process may end between the listing and the read of its
 * {@code stat} (it is left out) and its pid may even be reused (the start time tells them apart).
 * Reading it blocks for some milliseconds: call it on the process dispatcher, never an actor.
 */
final class ProcTable {

  /**
   * The units of {@code /proc/<pid>/stat}: CPU times are in clock ticks ({@code USER_HZ}) and the
   * resident set in pages. Both are fixed for the machine.
   */
  record Units(long ticksPerSecond, long pageSize) {

    /** This machine's units, as OSHI reads them from the kernel's auxiliary vector (read once). */
    static Units ofThisMachine() {
      return Machine.UNITS;
    }

    private static final class Machine {
      static final Units UNITS = new Units(LinuxOperatingSystem.getHz(), LinuxOperatingSystem.getPageSize());
    }
  }

  /**
   * One process as its {@code stat} line showed it.
   *
   * @param state the state letter: R, S, D, Z (zombie), T, ...
   * @param pgrp its process group
   * @param cpuMillis user + system CPU time it used itself (not its reaped children)
   * @param startTime when it started, in clock ticks since boot: with the pid, it names the process
   * @param residentBytes its resident set
   */
  record Proc(long pid, char state, long ppid, long pgrp, long cpuMillis, int threads, long startTime,
      long residentBytes) {

    /** False for a zombie or a dead process: it runs nothing and holds no memory of its own. */
    boolean live() {
      return state != 'Z' && state != 'X' && state != 'x';
    }
  }

  private static final Path PROC = Path.of("/proc");
  /** A stat line is a few hundred bytes; a longer one is cut, which only its last fields would miss. */
  private static final int STAT_MAX = 1024;

  // Zero-based positions in the stat line after "pid (comm) ", where "state" is 0 (man 5 proc).
  private static final int PPID = 1;
  private static final int PGRP = 2;
  private static final int UTIME = 11;
  private static final int STIME = 12;
  private static final int NUM_THREADS = 17;
  private static final int STARTTIME = 19;
  private static final int RSS = 21;
  /** Only these are parsed: others, such as nice or priority, may be negative. */
  private static final long USED =
      1L << PPID | 1L << PGRP | 1L << UTIME | 1L << STIME | 1L << NUM_THREADS | 1L << STARTTIME | 1L << RSS;

  private final Map<Long, Proc> byPid;
  private final Map<Long, List<Long>> children;
  private final Map<Long, List<Long>> groups;

  private ProcTable(Map<Long, Proc> byPid) {
    this.byPid = byPid;
    this.children = new HashMap<>();
    this.groups = new HashMap<>();
    for (Proc p : byPid.values()) {
      children.computeIfAbsent(p.ppid(), k -> new ArrayList<>(2)).add(p.pid());
      groups.computeIfAbsent(p.pgrp(), k -> new ArrayList<>(2)).add(p.pid());
    }
  }

  /** Every process of this machine now. */
  static ProcTable read() {
    return read(PROC, Units.ofThisMachine());
  }

  /** Every process under {@code proc} (a /proc-like directory), in {@code units}. */
  static ProcTable read(Path proc, Units units) {
    Map<Long, Proc> found = new HashMap<>();
    byte[] buffer = new byte[STAT_MAX];
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc)) {
      for (Path entry : entries) {
        long pid = pidOf(entry.getFileName().toString());
        if (pid > 0) {
          int length = readStat(entry.resolve("stat"), buffer);
          if (length > 0) {
            parse(pid, buffer, length, units).ifPresent(p -> found.put(pid, p));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the processes in " + proc, e);
    }
    return new ProcTable(found);
  }

  /** The process {@code pid}, if it was there (zombies included). */
  Optional<Proc> process(long pid) {
    return Optional.ofNullable(byPid.get(pid));
  }

  /** How many processes were read. */
  int size() {
    return byPid.size();
  }

  /**
   * The live processes of the tree of {@code rootPid}, root first: the root, its descendants, and
   * the live members of the process group it leads (which may have left the tree by a double
   * fork). Empty when the root is gone or a zombie.
   */
  List<Proc> tree(long rootPid) {
    Proc root = byPid.get(rootPid);
    if (root == null || !root.live()) {
      return List.of();
    }
    Set<Long> seen = new HashSet<>();
    List<Proc> tree = new ArrayList<>();
    seen.add(rootPid);
    tree.add(root);
    Deque<Long> next = new ArrayDeque<>();
    next.add(rootPid);
    while (!next.isEmpty()) {
      for (long child : children.getOrDefault(next.poll(), List.of())) {
        if (seen.add(child)) { // pids read at different moments could, if reused, form a cycle
          next.add(child);
          addIfLive(tree, child);
        }
      }
    }
    for (long member : groups.getOrDefault(rootPid, List.of())) {
      if (seen.add(member)) {
        addIfLive(tree, member);
      }
    }
    return tree;
  }

  private void addIfLive(List<Proc> tree, long pid) {
    Proc p = byPid.get(pid);
    if (p.live()) {
      tree.add(p);
    }
  }

  private static long pidOf(String name) {
    if (name.isEmpty() || name.length() > 18) {
      return -1;
    }
    long pid = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1; // self, net, sys, ...
      }
      pid = pid * 10 + (c - '0');
    }
    return pid;
  }

  /** Reads the stat file into {@code buffer}; 0 when the process is gone (or was never there). */
  private static int readStat(Path stat, byte[] buffer) {
    try (FileInputStream in = new FileInputStream(stat.toFile())) {
      int length = 0;
      int n;
      while (length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0) {
        length += n;
      }
      return length;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Parses "pid (comm) state ppid pgrp ...". The command name may hold spaces and parentheses,
   * so the fields start after the last ')'.
   */
  static Optional<Proc> parse(long pid, byte[] line, int length, Units units) {
    int close = -1;
    for (int i = length - 1; i >= 0; i--) {
      if (line[i] == ')') {
        close = i;
        break;
      }
    }
    if (close < 0 || close + 2 >= length) {
      return Optional.empty();
    }
    long[] fields = new long[RSS + 1];
    int field = 0;
    int i = close + 2;
    char state = (char) line[i];
    while (field <= RSS) {
      int start = i;
      while (i < length && line[i] != ' ' && line[i] != '\n') {
        i++;
      }
      if (i == start) {
        return Optional.empty(); // cut short
      }
      if ((USED & 1L << field) != 0) {
        long value = number(line, start, i);
        if (value < 0) {
          return Optional.empty();
        }
        fields[field] = value;
      }
      field++;
      i++;
    }
    long ticks = fields[UTIME] + fields[STIME];
    return Optional.of(new Proc(pid, state, fields[PPID], fields[PGRP], ticks * 1000 / units.ticksPerSecond(),
        (int) fields[NUM_THREADS], fields[STARTTIME], fields[RSS] * units.pageSize()));
  }

  /** The decimal number in {@code line[from, to)}; -1 for anything else. */
  private static long number(byte[] line, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      byte b = line[i];
      if (b < '0' || b > '9') {
        return -1;
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }
}
