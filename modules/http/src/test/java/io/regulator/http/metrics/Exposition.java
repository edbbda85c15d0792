package io.regulator.http.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The series of a Prometheus text exposition (0.0.4), parsed for assertions. */
record Exposition(List<Series> series, Map<String, String> types) {

  record Series(String name, Map<String, String> labels, double value) {}

  static Exposition parse(String text) {
    List<Series> series = new ArrayList<>();
    Map<String, String> types = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        series.add(line(line));
      }
    }
    return new Exposition(List.copyOf(series), Map.copyOf(types));
  }

  /** Every series named {@code name}. */
  List<Series> named(String name) {
    return series.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The series with exactly these labels ({@code "component", "web", ...}), or null. */
  Double value(String name, String... labels) {
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    List<Series> found = named(name).stream().filter(s -> s.labels().equals(wanted)).toList();
    if (found.size() > 1) {
      throw new AssertionError("more than one series " + name + wanted + ": " + found);
    }
    return found.isEmpty() ? null : found.get(0).value();
  }

  /** Series of any name whose label {@code label} is {@code value}. */
  List<Series> withLabel(String label, String value) {
    return series.stream().filter(s -> value.equals(s.labels().get(label))).toList();
  }

  private static Series line(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new TreeMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String label = line.substring(i, eq);
        StringBuilder value = new StringBuilder();
        int j = eq + 2; // past ="
        while (line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\') {
            char next = line.charAt(++j);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
          j++;
        }
        labels.put(label, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).trim().split(" ");
    return new Series(name, labels, number(rest[0]));
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }
}
