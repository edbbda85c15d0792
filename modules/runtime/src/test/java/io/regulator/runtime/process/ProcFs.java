package io.regulator.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads /proc directly, independently of the code under test, to check what really runs. */
final class ProcFs {

  private ProcFs() {}

  /** Field 5 of /proc/<pid>/stat: the process group id. */
  static Optional<Long> pgid(long pid) {
    return field(pid, 2).map(Long::parseLong);
  }

  /** Running, i.e. present and not a zombie (a reaped-later zombie runs nothing). */
  static boolean running(long pid) {
    return field(pid, 0).map(state -> !state.equals("Z") && !state.equals("X")).orElse(false);
  }

  /** Every non-zombie process whose group is {@code pgid}. */
  static List<Long> groupMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      entries.map(p -> p.getFileName().toString())
          .filter(n -> n.chars().allMatch(Character::isDigit))
          .map(Long::parseLong)
          .filter(pid -> pgid(pid).orElse(-1L) == pgid && running(pid))
          .forEach(members::add);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return members;
  }

  /** Fields after "(comm) ": 0 = state, 1 = ppid, 2 = pgrp, 3 = session. */
  private static Optional<String> field(long pid, int index) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Optional.of(f[index]);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The pid a test script wrote to {@code file}, or empty while it has not yet. */
  static Optional<Long> pidIn(Path file) {
    try {
      String text = Files.readString(file).strip();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
