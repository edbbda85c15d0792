package io.regulator.runtime.probe;

import java.time.Duration;
import java.util.Locale;

/** How probes write numbers and quotes in causes: short, for one line. */
final class Wording {

  private Wording() {}

  /** "850 ms", "3s", "2.5s", "45s", "4m10s": tenths of a second below 10s, whole seconds above. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 10_000 && ms % 1000 >= 100) {
      return String.format(Locale.ROOT, "%d.%ds", ms / 1000, ms % 1000 / 100);
    }
    if (ms < 60_000) {
      return ms / 1000 + "s";
    }
    long s = d.toSeconds();
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
  }

  /** "512 B", "12.0 KiB", "612.3 MiB", "1.5 GiB". */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String percent(double p) {
    return String.format(Locale.ROOT, "%.0f%%", p);
  }

  /** {@code text} in single quotes, on one line, cut to {@code max} characters. */
  static String quote(String text, int max) {
    String line = text.replace('\n', ' ').replace('\r', ' ').strip();
    if (line.length() > max) {
      line = line.substring(0, Math.max(0, max - 3)) + "...";
    }
    return "'" + line + "'";
  }

  /** The plural form when {@code n != 1}: "1 file", "3 files". */
  static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
