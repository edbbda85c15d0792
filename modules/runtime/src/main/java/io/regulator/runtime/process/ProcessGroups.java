package io.regulator.runtime.process;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Signals and membership of Linux process groups. Every component runs as the leader of its own
 * session and group, so its pid is also its group id, and one {@code kill(-pgid)} reaches every
 * descendant that did not leave the group on purpose.
 *
 * <p>Membership is read from {@code /proc/<pid>/stat} (field 5); zombies do not count, since
 * they run nothing and hold no ports. All methods block for about a millisecond: call them from
 * the process dispatcher, never from an actor's thread.
 */
public final class ProcessGroups {

  /** Linux signal numbers 1..31 (x86, ARM and most others; not Alpha, MIPS or SPARC). */
  private static final String[] SIGNALS = {
    null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
    "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
    "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"
  };

  private static final Path PROC = Path.of("/proc");
  private static final String KILL = findKill();
  /** Regulator's own group: a signal to it would take Regulator down with the component. */
  private static final long OWN_GROUP = groupOf(ProcessHandle.current().pid()).orElse(-1);

  private ProcessGroups() {}

  /**
   * Sends {@code signal} ("TERM", "SIGTERM" or "15") to every process in group {@code pgid}.
   *
   * @return true if at least one process got it; false if the group is empty (not an error)
   * @throws IllegalArgumentException for an unknown signal, or a pgid that would hit init, every
   *     process, or Regulator's own group
   */
  public static boolean signal(long pgid, String signal) {
    if (pgid <= 1 || pgid == OWN_GROUP) {
      throw new IllegalArgumentException("refusing to signal process group " + pgid
          + (pgid == OWN_GROUP ? ": it is Regulator's own group" : ": not a component's group"));
    }
    return kill(canonical(signal), "-" + pgid);
  }

  /** Sends {@code signal} to the single process {@code pid}; true if it existed. */
  static boolean signalProcess(long pid, String signal) {
    if (pid <= 1 || pid == ProcessHandle.current().pid()) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    return kill(canonical(signal), String.valueOf(pid));
  }

  /** True if any process other than a zombie is left in group {@code pgid}. */
  public static boolean alive(long pgid) {
    return !scan(pgid, true).isEmpty();
  }

  /** The pids of the live (non-zombie) processes in group {@code pgid}, in no particular order. */
  public static List<Long> members(long pgid) {
    return scan(pgid, false);
  }

  /** The process group of {@code pid}, or empty if it does not exist. */
  public static OptionalLong groupOf(long pid) {
    return stat(pid).map(s -> OptionalLong.of(s.pgid())).orElse(OptionalLong.empty());
  }

  /** The name of Linux signal {@code number} without "SIG" ({@code 9 -> KILL}), or empty. */
  public static Optional<String> signalName(int number) {
    return number > 0 && number < SIGNALS.length ? Optional.of(SIGNALS[number]) : Optional.empty();
  }

  /** The number of a signal given as "TERM", "SIGTERM", "term" or "15", or empty if unknown. */
  public static OptionalInt signalNumber(String signal) {
    String name = signal.strip().toUpperCase(Locale.ROOT);
    if (name.startsWith("SIG")) {
      name = name.substring(3);
    }
    if (!name.isEmpty() && name.chars().allMatch(Character::isDigit) && name.length() < 3) {
      int n = Integer.parseInt(name);
      return signalName(n).isPresent() ? OptionalInt.of(n) : OptionalInt.empty();
    }
    for (int n = 1; n < SIGNALS.length; n++) {
      if (SIGNALS[n].equals(name)) {
        return OptionalInt.of(n);
      }
    }
    return OptionalInt.empty();
  }

  private static String canonical(String signal) {
    // Only names from the table reach kill(1): nothing from config can turn into an option.
    int n = signalNumber(signal).orElseThrow(() -> new IllegalArgumentException(
        "unknown signal: " + signal + " (use a name such as TERM, INT, HUP, QUIT, USR1 or KILL)"));
    return SIGNALS[n];
  }

  private static boolean kill(String signal, String target) {
    ProcessBuilder pb = new ProcessBuilder(KILL, "-s", signal, "--", target)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process kill = pb.start();
      boolean interrupted = false;
      while (true) {
        try {
          // kill(1) takes a millisecond; the bound only guards against a wedged system.
          if (!kill.waitFor(5, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
            throw new IllegalStateException("kill -s " + signal + " " + target + " did not finish in 5 s");
          }
          break;
        } catch (InterruptedException e) {
          // Finish the signal anyway: a half-done stop is worse than a late interrupt.
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + KILL + " to send SIG" + signal + " to " + target, e);
    }
  }

  private static List<Long> scan(long pgid, boolean firstOnly) {
    List<Long> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name);
        } catch (NumberFormatException e) {
          continue;
        }
        Optional<Stat> stat = stat(pid);
        if (stat.isPresent() && stat.get().pgid() == pgid && stat.get().running()) {
          found.add(pid);
          if (firstOnly) {
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + PROC, e);
    }
    return found;
  }

  /** The fields of {@code /proc/<pid>/stat} this class needs. */
  record Stat(char state, long ppid, long pgid, long session) {
    boolean running() {
      return state != 'Z' && state != 'X' && state != 'x';
    }
  }

  static Optional<Stat> stat(long pid) {
    String text;
    try {
      text = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")),
          StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return Optional.empty(); // gone between listing and reading, or never there
    }
    // "pid (comm) state ppid pgrp session ...": comm may hold spaces and parentheses.
    int close = text.lastIndexOf(')');
    if (close < 0) {
      return Optional.empty();
    }
    String[] f = text.substring(close + 2).split(" ", 5);
    if (f.length < 4) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]),
          Long.parseLong(f[3])));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  private static String findKill() {
    for (String candidate : List.of("/usr/bin/kill", "/bin/kill")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "/usr/bin/kill"; // fails with a clear "cannot run" when used; install procps
  }
}
