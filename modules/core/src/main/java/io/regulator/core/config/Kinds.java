package io.regulator.core.config;

import static io.regulator.core.config.Problems.shown;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.regulator.core.spec.DependencyKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/** The value kinds Regulator's config uses; each says what it expected and, where it can, what to write. */
final class Kinds {

  private Kinds() {}

  /** Signals a component may be stopped with, by their bare names. */
  static final List<String> SIGNALS = List.of("TERM", "INT", "HUP", "QUIT", "KILL", "USR1", "USR2");

  private static final Set<ConfigValueType> SCALARS =
      EnumSet.of(ConfigValueType.STRING, ConfigValueType.NUMBER, ConfigValueType.BOOLEAN);
  private static final Pattern BARE_NUMBER = Pattern.compile("\\s*[-+]?[0-9]*\\.?[0-9]+\\s*");
  private static final Pattern STATUS_RANGE = Pattern.compile("\\s*([0-9]+)\\s*(?:-\\s*([0-9]+)\\s*)?");
  private static final Pattern HOST_AND_PORT = Pattern.compile("([^:\\[\\]]+):([0-9]+)");
  private static final Pattern BAD_TILDE = Pattern.compile("~(?![01])");

  static final Kind DURATION = duration(false);
  static final Kind POSITIVE_DURATION = duration(true);
  static final Kind FRACTION = fraction();
  static final Kind BOOLEAN = simple("true or false", (v, c) -> v.atKey("v").getBoolean("v"));
  static final Kind TEXT = text();
  static final Kind PATH = path("a directory path");
  static final Kind FILE = path("a file path");
  static final Kind SIZE = size();
  static final Kind SIGNAL = signal();
  static final Kind EXIT_CODES = exitCodes();
  static final Kind ENV = env();
  static final Kind COMMAND = command();
  static final Kind DEPENDS_ON = dependsOn();
  static final Kind MEMBERS = members();
  static final Kind SCALAR = simple("a string, number or boolean", (v, c) -> {
    if (!isScalar(v)) {
      c.at(v, "expected a string, number or boolean, got " + shown(v));
    }
  });
  static final Kind HTTP_URL = httpUrl();
  static final Kind HTTP_STATUS = httpStatus();
  static final Kind URL_PATH = urlPath();
  static final Kind JSON_POINTER = jsonPointer();
  static final Kind HOST = host();
  static final Kind UPSTREAM = text("the address the tunnel forwards to, as its API shows it, such as localhost:5051");
  static final Kind PORT = wholeNumber(1, 65535);
  static final Kind ARGV = argv();
  static final Kind REGEX = regex();
  static final Kind CPU_PERCENT = cpuPercent();
  static final Kind LISTEN_PORT = wholeNumber(0, 65535);
  static final Kind POSITIVE_NUMBER = positiveNumber();
  static final Kind SECRET = secret();
  static final Kind OPTIONAL_PATH = optionalPath();
  static final Kind POSTGRES_URL = postgresUrl();

  /** An inclusive range of HTTP status codes. */
  record StatusRange(int min, int max) {}

  /** Signal names accept an optional SIG prefix and any case; this is the bare upper-case name. */
  static Optional<String> signalName(String raw) {
    String s = raw.trim().toUpperCase(Locale.ROOT);
    s = s.startsWith("SIG") ? s.substring(3) : s;
    return SIGNALS.contains(s) ? Optional.of(s) : Optional.empty();
  }

  /** A config enum value, matched without case. */
  static Optional<String> enumName(ConfigValue v, List<String> names) {
    if (v.valueType() != ConfigValueType.STRING) {
      return Optional.empty();
    }
    String s = ((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT);
    return names.contains(s) ? Optional.of(s) : Optional.empty();
  }

  static Kind oneOf(List<String> names) {
    String expected = "one of " + String.join(", ", names);
    return Kind.of(expected, (v, c) -> {
      if (enumName(v, names).isEmpty()) {
        String typed = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : "";
        c.at(v, "expected " + expected + ", got " + shown(v) + DidYouMean.hint(typed, names));
      }
    });
  }

  /** A whole number in {@code [min, max]}. */
  static Kind wholeNumber(long min, long max) {
    String expected = max == Integer.MAX_VALUE
        ? "a whole number >= " + min
        : "a whole number from " + min + " to " + max;
    return Kind.of(expected, (v, c) -> {
      wholeNumberProblem(v, min, max, expected).ifPresent(m -> c.at(v, m));
    });
  }

  private static Optional<String> wholeNumberProblem(ConfigValue v, long min, long max, String expected) {
    Number n;
    try {
      n = v.atKey("v").getNumber("v");
    } catch (ConfigException e) {
      return Optional.of("expected " + expected + ", got " + shown(v));
    }
    boolean whole = !(n instanceof Double d) || (d == Math.rint(d) && !d.isInfinite());
    if (!whole || n.doubleValue() < min || n.doubleValue() > max) {
      return Optional.of("expected " + expected + ", got " + shown(v));
    }
    return Optional.empty();
  }

  /** A kind checked by reading the value; any read failure means "expected ..., got ...". */
  private static Kind simple(String expected, BiConsumer<ConfigValue, Kind.Complaint> read) {
    return Kind.of(expected, (v, c) -> {
      try {
        read.accept(v, c);
      } catch (ConfigException e) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  private static Kind duration(boolean positive) {
    String expected = "a duration such as 500ms, 10s or 5m";
    return simple(expected, (v, c) -> {
      // The library reads a bare number as milliseconds; "timeout = 10" almost always means
      // seconds, so only 0 may go without a unit.
      if (isBareNumber(v) && v.atKey("v").getDouble("v") != 0) {
        String n = string(v).trim();
        c.at(v, "expected " + expected + ", got " + n + " without a unit: write " + n + "s or " + n + "ms");
        return;
      }
      Duration d = v.atKey("v").getDuration("v");
      if (d.isNegative()) {
        c.at(v, "expected " + expected + " (not negative), got " + shown(v));
      } else if (positive && d.isZero()) {
        c.at(v, "expected " + expected + " (more than 0), got " + shown(v));
      }
    });
  }

  private static boolean isBareNumber(ConfigValue v) {
    return v.valueType() == ConfigValueType.NUMBER
        || (v.valueType() == ConfigValueType.STRING && BARE_NUMBER.matcher((String) v.unwrapped()).matches());
  }

  private static Kind fraction() {
    String expected = "a number from 0 to 1 (0.2 = each delay up to 20% longer, at random)";
    return simple(expected, (v, c) -> {
      double d = v.atKey("v").getDouble("v");
      if (!(d >= 0 && d <= 1)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  private static Kind size() {
    String expected = "a size such as 512KiB, 10MiB or 1GiB";
    return simple(expected, (v, c) -> {
      if (v.atKey("v").getBytes("v") <= 0) {
        c.at(v, "expected " + expected + " (more than 0), got " + shown(v));
      }
    });
  }

  private static Kind text() {
    return text("a non-empty string");
  }

  private static Kind text(String expected) {
    return simple(expected, (v, c) -> {
      if (!isScalar(v) || string(v).isBlank()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  private static Kind path(String what) {
    String expected = what + " (relative paths are taken from Regulator's home)";
    return simple(expected, (v, c) -> {
      String s = isScalar(v) ? string(v) : "";
      try {
        if (s.isBlank()) {
          c.at(v, "expected " + expected + ", got " + shown(v));
        } else {
          Path.of(s);
        }
      } catch (InvalidPathException e) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": " + e.getReason());
      }
    });
  }

  private static Kind signal() {
    String expected = "a signal name: " + String.join(", ", SIGNALS) + " (with or without SIG)";
    return Kind.of(expected, (v, c) -> {
      if (v.valueType() != ConfigValueType.STRING || signalName((String) v.unwrapped()).isEmpty()) {
        String typed = v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : "";
        c.at(v, "expected " + expected + ", got " + shown(v) + DidYouMean.hint(typed.replaceFirst("(?i)^SIG", ""), SIGNALS));
      }
    });
  }

  private static Kind exitCodes() {
    String expected = "a list of exit codes from 0 to 255 such as [0, 2]";
    return Kind.of(expected, (v, c) -> {
      if (!(v instanceof ConfigList list)) {
        String fix = v.valueType() == ConfigValueType.NUMBER ? ": write [" + shown(v) + "]" : "";
        c.at(v, "expected " + expected + ", got " + shown(v) + fix);
        return;
      }
      for (ConfigValue code : list) {
        wholeNumberProblem(code, 0, 255, "exit codes from 0 to 255").ifPresent(m -> c.at(code, m));
      }
    });
  }

  private static Kind env() {
    String expected = "an object of environment variables such as { LOG_LEVEL = info }";
    return Kind.of(expected, (v, c) -> {
      if (!(v instanceof ConfigObject vars)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      for (Map.Entry<String, ConfigValue> var : vars.entrySet()) {
        ConfigValue value = var.getValue();
        // null removes a variable that regulator.defaults.env sets
        if (value.valueType() == ConfigValueType.NULL || isScalar(value)) {
          if (var.getKey().isEmpty() || var.getKey().contains("=")) {
            c.at(value, var.getKey(), "an environment variable name must be non-empty and contain no '='");
          }
        } else {
          c.at(value, var.getKey(), "expected a string value, got " + shown(value)
              + (value.valueType() == ConfigValueType.OBJECT ? "; quote names that contain dots, e.g. \"LOG.LEVEL\" = debug" : ""));
        }
      }
    });
  }

  private static Kind command() {
    String expected = "the command as a non-empty list of strings such as [\"python3\", \"app.py\"]";
    return Kind.of(expected, (v, c) -> {
      if (v.valueType() == ConfigValueType.STRING) {
        // a single string is legal with shell = true; the fleet reader checks that pairing
        if (((String) v.unwrapped()).isBlank()) {
          c.at(v, "expected " + expected + ", got an empty string");
        }
        return;
      }
      if (!(v instanceof ConfigList argv) || argv.isEmpty()) {
        c.at(v, "expected " + expected + " (or one string with shell = true), got " + shown(v));
        return;
      }
      checkArguments(argv, c);
    });
  }

  private static void checkArguments(ConfigList argv, Kind.Complaint c) {
    for (ConfigValue arg : argv) {
      if (!isScalar(arg)) {
        c.at(arg, "expected every command element to be a string, got " + shown(arg));
      }
    }
    if (isScalar(argv.get(0)) && string(argv.get(0)).isBlank()) {
      c.at(argv.get(0), "expected the program to run as the first element, got an empty string");
    }
  }

  private static Kind dependsOn() {
    List<String> kinds = Stream.of(DependencyKind.values()).map(DependencyKind::configName).toList();
    String expected = "an object { name = requires | wants } or a list of names (= requires)";
    return Kind.of(expected, (v, c) -> {
      if (v instanceof ConfigObject deps) {
        for (Map.Entry<String, ConfigValue> dep : deps.entrySet()) {
          ConfigValue kind = dep.getValue();
          if (enumName(kind, kinds).isEmpty()) {
            String typed = kind.valueType() == ConfigValueType.STRING ? (String) kind.unwrapped() : "";
            c.at(kind, dep.getKey(), "expected requires or wants, got " + shown(kind) + DidYouMean.hint(typed, kinds));
          }
        }
      } else if (v instanceof ConfigList names) {
        for (ConfigValue name : names) {
          if (!isName(name)) {
            c.at(name, "expected a component name, got " + shown(name));
          }
        }
      } else {
        String fix = v.valueType() == ConfigValueType.STRING ? ": write [" + v.unwrapped() + "]" : "";
        c.at(v, "expected " + expected + ", got " + shown(v) + fix);
      }
    });
  }

  private static Kind members() {
    String expected = "a non-empty list of component names such as [runner, tunnel]";
    return Kind.of(expected, (v, c) -> {
      if (!(v instanceof ConfigList names) || names.isEmpty()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      Set<String> seen = new HashSet<>();
      for (ConfigValue name : names) {
        if (!isName(name)) {
          c.at(name, "expected a component name, got " + shown(name));
        } else if (!seen.add(string(name))) {
          c.at(name, "'" + string(name) + "' is listed twice; list each member once");
        }
      }
    });
  }

  // ---- probe checks ----

  private static Kind httpUrl() {
    String expected = "an http:// or https:// URL with a host, such as http://127.0.0.1:5051/health";
    return Kind.of(expected, (v, c) -> {
      if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isBlank()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      String s = ((String) v.unwrapped()).trim();
      if (!s.contains("://")) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": write http://" + s);
        return;
      }
      URI uri;
      try {
        uri = new URI(s);
      } catch (URISyntaxException e) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": " + e.getReason()
            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
        return;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": only http and https can be probed");
      } else if (uri.getHost() == null) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": it names no (valid) host");
      }
    });
  }

  private static Kind httpStatus() {
    String expected = "an HTTP status code such as 200 or a range such as 200-399 (codes are 100 to 599)";
    return Kind.of(expected, (v, c) -> {
      Optional<StatusRange> range = statusRange(v);
      if (range.isEmpty()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      } else if (range.get().min() > range.get().max()) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": write the lower code first, "
            + range.get().max() + "-" + range.get().min());
      }
    });
  }

  /** A status code or range, each code from 100 to 599; the range as written (maybe backwards). */
  static Optional<StatusRange> statusRange(ConfigValue v) {
    if (!isScalar(v) || v.valueType() == ConfigValueType.BOOLEAN) {
      return Optional.empty();
    }
    Matcher m = STATUS_RANGE.matcher(string(v));
    if (!m.matches() || m.group(1).length() > 3 || (m.group(2) != null && m.group(2).length() > 3)) {
      return Optional.empty();
    }
    int min = Integer.parseInt(m.group(1));
    int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    if (min < 100 || min > 599 || max < 100 || max > 599) {
      return Optional.empty();
    }
    return Optional.of(new StatusRange(min, max));
  }

  private static Kind urlPath() {
    String expected = "a URL path starting with '/' such as /health";
    return Kind.of(expected, (v, c) -> {
      if (v.valueType() != ConfigValueType.STRING || !((String) v.unwrapped()).startsWith("/")) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  private static Kind jsonPointer() {
    String expected = "a JSON pointer such as /status or /checks/0/ok (RFC 6901)";
    return Kind.of(expected, (v, c) -> {
      if (v.valueType() != ConfigValueType.STRING || ((String) v.unwrapped()).isEmpty()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      String s = (String) v.unwrapped();
      if (!s.startsWith("/")) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": a pointer starts with '/', write /" + s);
      } else if (BAD_TILDE.matcher(s).find()) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": '~' must be followed by 0 or 1 (~0 stands for '~',"
            + " ~1 for '/')");
      }
    });
  }

  private static Kind host() {
    String expected = "a host name or IP address such as 127.0.0.1";
    return Kind.of(expected, (v, c) -> {
      if (!isScalar(v) || string(v).isBlank()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      String s = string(v).trim();
      Matcher hostAndPort = HOST_AND_PORT.matcher(s);
      if (s.contains("://") || s.contains("/")) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": write only the host, without scheme or path");
      } else if (hostAndPort.matches()) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": write host = \"" + hostAndPort.group(1)
            + "\" and port = " + hostAndPort.group(2));
      } else if (s.chars().anyMatch(Character::isWhitespace)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  private static Kind argv() {
    String expected = "the command as a non-empty list of strings such as [\"pg_isready\", \"-q\"]";
    return Kind.of(expected, (v, c) -> {
      if (v.valueType() == ConfigValueType.STRING && !((String) v.unwrapped()).isBlank()) {
        String line = (String) v.unwrapped();
        c.at(v, "expected " + expected + ", got the single string " + shown(v) + "; split it into a list, or write"
            + " [\"/bin/sh\", \"-c\", \"" + line.replace("\\", "\\\\").replace("\"", "\\\"") + "\"] to run it through the shell");
        return;
      }
      if (!(v instanceof ConfigList list) || list.isEmpty()) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      checkArguments(list, c);
    });
  }

  private static Kind regex() {
    String expected = "a regular expression (java.util.regex) such as \"Traceback|FATAL\"";
    return Kind.of(expected, (v, c) -> {
      if (!isScalar(v)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      String s = string(v);
      if (s.isEmpty()) {
        c.at(v, "expected " + expected + ", got '': an empty pattern matches every line");
        return;
      }
      try {
        Pattern.compile(s);
      } catch (PatternSyntaxException e) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": " + e.getDescription()
            + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
      }
    });
  }

  private static Kind cpuPercent() {
    String expected = "a CPU percentage more than 0 such as 80 (100 = one whole core)";
    return Kind.of(expected, (v, c) -> {
      String typed = isScalar(v) ? string(v).trim() : "";
      if (typed.endsWith("%") && BARE_NUMBER.matcher(typed.substring(0, typed.length() - 1)).matches()) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": write " + typed.substring(0, typed.length() - 1).trim()
            + " without %");
        return;
      }
      double d;
      try {
        d = v.atKey("v").getDouble("v");
      } catch (ConfigException e) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      if (!(d > 0) || Double.isInfinite(d)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  // ---- the http and journal blocks ----

  private static Kind positiveNumber() {
    String expected = "a number more than 0";
    return simple(expected, (v, c) -> {
      double d = v.atKey("v").getDouble("v");
      if (!(d > 0) || Double.isInfinite(d)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
      }
    });
  }

  /** A token or password: any string, empty meaning unset. Never shown in a message, whatever was written. */
  private static Kind secret() {
    String expected = "a string (empty: not set)";
    return Kind.of(expected, (v, c) -> {
      if (!isScalar(v)) {
        c.at(v, "expected " + expected + ", got " + (v instanceof ConfigList ? "a list" : "an object")
            + " (the value is not shown: it may be a secret)");
      }
    });
  }

  /** A file path that may be left empty to mean "none". */
  private static Kind optionalPath() {
    String expected = "a file path (relative paths are taken from Regulator's home), or \"\" for none";
    return Kind.of(expected, (v, c) -> {
      if (!isScalar(v)) {
        c.at(v, "expected " + expected + ", got " + shown(v));
        return;
      }
      try {
        Path.of(string(v));
      } catch (InvalidPathException e) {
        c.at(v, "expected " + expected + ", got " + shown(v) + ": " + e.getReason());
      }
    });
  }

  /** A PostgreSQL JDBC URL, or empty (needed only with store = postgres). Only its scheme is ever shown: it may hold a password. */
  private static Kind postgresUrl() {
    String expected = "a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/regulator";
    return Kind.of(expected, (v, c) -> {
      if (!isScalar(v)) {
        c.at(v, "expected " + expected + ", got " + (v instanceof ConfigList ? "a list" : "an object"));
        return;
      }
      String url = string(v).trim();
      if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
        int colon = url.indexOf(':', url.startsWith("jdbc:") ? 5 : 0);
        String scheme = colon < 0 ? "no scheme" : "'" + url.substring(0, colon + 1) + "...'";
        c.at(v, "expected " + expected + ", got " + scheme + " (the rest is not shown: it may hold a password)");
      }
    });
  }

  static boolean isScalar(ConfigValue v) {
    return SCALARS.contains(v.valueType());
  }

  /** A scalar as text, numbers as written ({@code 1.0} stays "1.0"). */
  static String string(ConfigValue v) {
    return v.atKey("v").getString("v");
  }

  private static boolean isName(ConfigValue v) {
    return isScalar(v) && !string(v).isBlank();
  }
}
