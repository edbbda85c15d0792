package io.regulator.runtime.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads /proc directly, independently of the code under test. */
final class Procs {

  private Procs() {}

  /** Present and not a zombie: a killed process that init has not reaped yet runs nothing. */
  static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      String state = stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
      return !state.equals("Z") && !state.equals("X");
    } catch (IOException e) {
      return false;
    }
  }
}
