package io.regulator.alerting;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines a component wrote, for an alert: read from the end of its output log
 * ({@code <log-dir>/<component>.log}, lines like {@code 2026-11-23T22:40:01.123Z err | text}).
 * Stderr lines are preferred, since that is where programs explain why they die. Reads at most
 * the last 16 KiB, so it stays a sub-millisecond read however big the log is.
 */
final class LastLines {

  private static final int WINDOW = 16 * 1024;

  private LastLines() {}

  static List<String> of(Path logDir, String component, int max) {
    Path file = logDir.resolve(component + ".log");
    if (max <= 0 || !Files.isRegularFile(file)) {
      return List.of();
    }
    List<String> lines;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      long start = Math.max(0, raf.length() - WINDOW);
      byte[] bytes = new byte[(int) (raf.length() - start)];
      raf.seek(start);
      raf.readFully(bytes);
      lines = new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n")));
      if (start > 0 && !lines.isEmpty()) {
        lines.remove(0); // cut in the middle
      }
    } catch (IOException e) {
      return List.of();
    }
    List<String> err = lines.stream().filter(l -> l.contains(" err | ")).toList();
    List<String> chosen = err.isEmpty() ? lines : err;
    return chosen.subList(Math.max(0, chosen.size() - max), chosen.size()).stream()
        .map(l -> l.replaceFirst("^\\S+ (out|err) \\| ", "")).toList();
  }
}
