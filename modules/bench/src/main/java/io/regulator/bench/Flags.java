package io.regulator.bench;

import java.time.Duration;

/** The {@code --name value} options of a scenario; each has its default where it is read. */
final class Flags {

  private final String[] args;

  Flags(String[] args) {
    this.args = args;
  }

  String string(String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }

  int integer(String name, int fallback) {
    return Integer.parseInt(string(name, Integer.toString(fallback)));
  }

  /** A duration as HOCON writes it, {@code 500ms}, {@code 10s}, {@code 2m}; a bare number is seconds. */
  Duration duration(String name, String fallback) {
    return parseDuration(string(name, fallback));
  }

  boolean has(String name) {
    for (String a : args) {
      if (a.equals(name)) {
        return true;
      }
    }
    return false;
  }

  static Duration parseDuration(String text) {
    String t = text.trim();
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    } else if (t.endsWith("s")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
    } else if (t.endsWith("m")) {
      return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
  }

  /** HOCON's spelling of a duration, for generated configs. */
  static String hocon(Duration d) {
    return d.toMillis() + "ms";
  }
}
