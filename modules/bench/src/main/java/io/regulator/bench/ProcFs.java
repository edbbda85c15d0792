package io.regulator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the kernel says about a process: CPU time ({@code /proc/<pid>/stat} utime + stime, the
 * process's own threads, not its children), resident and proportional memory
 * ({@code /proc/<pid>/status} VmRSS, {@code /proc/<pid>/smaps_rollup} Pss), its threads and its
 * children. The same readings for Regulator and for the peers.
 */
final class ProcFs {

  /** USER_HZ: the unit of utime and stime. */
  static final long CLOCK_TICKS = clockTicks();

  private ProcFs() {}

  /** User + system CPU time of {@code pid} so far, in milliseconds (resolution 1000 / USER_HZ). */
  static long cpuMillis(long pid) {
    return cpuMillis(statFields(pid));
  }

  /** utime + stime in milliseconds, out of the fields after "(comm)" of a {@code stat} file. */
  private static long cpuMillis(String[] fieldsAfterComm) {
    // [0] is field 3 (state); utime is field 14, stime field 15
    long ticks = Long.parseLong(fieldsAfterComm[11]) + Long.parseLong(fieldsAfterComm[12]);
    return ticks * 1000 / CLOCK_TICKS;
  }

  /**
   * CPU time so far of each thread of {@code pid}, in milliseconds, summed by thread name with its
   * digits replaced by {@code #} (so the threads of one pool count together). Threads that end
   * between two readings are not in the difference: fine for a process that is idle.
   */
  static Map<String, Long> cpuMillisByThreadName(long pid) {
    Map<String, Long> byName = new TreeMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
          byName.merge(name, cpuMillis(fieldsAfterComm(stat)), Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byName;
  }

  /** The parent pid of {@code pid}, or -1 if it is gone. */
  static long parentOf(long pid) {
    try {
      return Long.parseLong(statFields(pid)[1]);
    } catch (UncheckedIOException gone) {
      return -1;
    }
  }

  static long rssKiB(long pid) {
    return kibField(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
  }

  static long pssKiB(long pid) {
    return kibField(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
  }

  static int threads(long pid) {
    return (int) kibField(Path.of("/proc", Long.toString(pid), "status"), "Threads:");
  }

  /** The live children of {@code pid}, forked by any of its threads. */
  static List<Long> children(long pid) {
    List<Long> result = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String text = Files.readString(task.resolve("children")).trim();
          if (!text.isEmpty()) {
            for (String c : text.split(" ")) {
              result.add(Long.parseLong(c));
            }
          }
        } catch (NoSuchFileException threadGone) {
          // the thread ended since the listing
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return result;
  }

  /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** One line about this machine, for the record of each run. */
  static String machine() {
    long memKiB = kibField(Path.of("/proc/meminfo"), "MemTotal:");
    return Runtime.getRuntime().availableProcessors() + " cores, " + Math.round(memKiB / 1024.0 / 1024.0)
        + " GiB memory, JDK " + System.getProperty("java.version") + ", load average " + loadAverage();
  }

  private static String[] fieldsAfterComm(String stat) {
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }

  private static String[] statFields(long pid) {
    try {
      return fieldsAfterComm(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long kibField(Path file, String name) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException(name + " not found in " + file);
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
