package io.regulator.core.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Collects problems while the validator walks on, so the user gets all of them in one run. Each
 * problem is located through the origin of the value it is about.
 */
final class Problems {

  private static final String MERGE_PREFIX = "merge of ";
  // "conf/a.conf: 12", "reference.conf @ jar:file:/x.jar!/reference.conf: 7", "String: 3"
  private static final Pattern DESCRIPTION = Pattern.compile("^(.*?)(?: @ .*)?: (\\d+)$");

  private final Set<ConfigProblem> problems = new LinkedHashSet<>();
  private final Set<String> silenced = new HashSet<>();

  /** Reports about {@code at}, a value or the object holding a missing key. */
  void add(ConfigValue at, List<String> path, String message) {
    add(at == null ? null : at.origin(), path, message);
  }

  void add(ConfigOrigin origin, List<String> path, String message) {
    String key = key(path);
    for (String s : silenced) {
      if (key.equals(s) || key.startsWith(s + ".")) {
        return;
      }
    }
    problems.add(locate(origin, key, message));
  }

  void add(ConfigProblem problem) {
    problems.add(problem);
  }

  /**
   * Stops reporting on {@code path} and below: its value is already known to be broken (an
   * unresolved substitution) and everything said after that would be noise.
   */
  void silence(List<String> path) {
    silenced.add(key(path));
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  /** In file and line order, so the report reads top to bottom like the config. */
  List<ConfigProblem> sorted() {
    List<ConfigProblem> out = new ArrayList<>(problems);
    out.sort(Comparator.comparing(ConfigProblem::file)
        .thenComparingInt(ConfigProblem::line)
        .thenComparing(ConfigProblem::key)
        .thenComparing(ConfigProblem::message));
    return out;
  }

  static String key(List<String> path) {
    return path.isEmpty() ? "" : ConfigUtil.joinPath(path);
  }

  /** A problem the config library found (syntax, I/O, substitution), without its origin prefix. */
  static ConfigProblem fromException(ConfigException e, String what) {
    ConfigOrigin origin = e.origin();
    String message = e.getMessage();
    if (origin != null && message.startsWith(origin.description() + ": ")) {
      message = message.substring(origin.description().length() + 2);
    }
    return locate(origin, "", what + ": " + message);
  }

  static ConfigProblem locate(ConfigOrigin origin, String key, String message) {
    if (origin == null) {
      return new ConfigProblem("", 0, key, message);
    }
    String file = origin.filename() != null ? origin.filename() : origin.resource();
    int line = origin.lineNumber();
    if (file != null && line > 0) {
      return new ConfigProblem(file, line, key, message);
    }
    // Merged objects (a file over reference.conf) lose filename and line; their description still
    // names each part, the first being the one that won.
    String description = origin.description();
    if (description.startsWith(MERGE_PREFIX)) {
      description = description.substring(MERGE_PREFIX.length());
      int comma = description.indexOf(',');
      description = comma < 0 ? description : description.substring(0, comma);
    }
    Matcher m = DESCRIPTION.matcher(description);
    if (m.matches()) {
      return new ConfigProblem(file != null ? file : m.group(1), Integer.parseInt(m.group(2)), key, message);
    }
    return new ConfigProblem(file != null ? file : description, line, key, message);
  }

  /** A value as the user wrote it, short: strings unquoted, anything else in HOCON-ish JSON. */
  static String shown(ConfigValue v) {
    if (v == null || v.valueType() == ConfigValueType.NULL) {
      return "null";
    }
    String text = switch (v.valueType()) {
      case STRING -> "'" + v.unwrapped() + "'";
      case NUMBER, BOOLEAN -> v.atKey("v").getString("v");
      default -> v.render(ConfigRenderOptions.concise());
    };
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
