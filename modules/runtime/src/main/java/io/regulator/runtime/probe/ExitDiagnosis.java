package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.policy.Diagnosis;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a process exited, using what the runtime saw besides the exit status: its last output
 * lines and its last resource sample. In order:
 *
 * <ol>
 *   <li>it exited (not by a signal) after saying "address already in use" (Python's
 *       {@code OSError: [Errno 98] Address already in use}, Node's {@code listen EADDRINUSE:
 *       address already in use :::5051}, Go's {@code bind: address already in use}, Java's
 *       {@code BindException}, ...): ADDRESS_IN_USE with the port (from that line, the lines
 *       around it, or the command line) and the process holding it ({@link PortHolder});
 *   <li>SIGKILL with its resident memory at {@value #OOM_FRACTION} of its max-memory or more:
 *       OUT_OF_MEMORY, "probably out of memory";
 *   <li>otherwise core's {@link Diagnosis#ofExit}.
 * </ol>
 *
 * Blocking only when it looks for a port's holder (reads /proc): call it off actor threads.
 */
public final class ExitDiagnosis {

  /** RSS at this fraction of max-memory or more, then SIGKILL: the OOM killer, most likely. */
  public static final double OOM_FRACTION = 0.9;

  private static final Pattern IN_USE = Pattern.compile(
      "address already in use|address in use|port \\d+ (?:is|was) (?:already )?in use"
          + "|is in use by another program|only one usage of each socket address",
      Pattern.CASE_INSENSITIVE);
  /** The errno name alone, as in Node's error object ("code: 'EADDRINUSE'"): weaker than a message. */
  private static final Pattern ERRNO = Pattern.compile("EADDRINUSE");
  /** Python's ('127.0.0.1', 5051). */
  private static final Pattern TUPLE = Pattern.compile("\\(\\s*['\"]?[\\w.:\\[\\]-]*['\"]?\\s*,\\s*(\\d{1,5})\\s*\\)");
  /** "port 5051", "port: 5051", "Port=5051", "port #5051". */
  private static final Pattern PORT_WORD = Pattern.compile("\\bport['\"]?\\s*[:=#]?\\s*(\\d{1,5})\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKEN_SPLIT = Pattern.compile("[\\s,;()'\"{}<>]+");
  /**
   * What may stand before ":port": nothing, "*", a bracketed or "::" IPv6 address, or a host name
   * or IPv4 address (not bare digits: "12" of "12:30" is a clock).
   */
  private static final Pattern HOST = Pattern.compile(
      "|\\*|\\[[0-9A-Fa-f:.]*]|[0-9A-Fa-f:.]*::[0-9A-Fa-f:.]*|(?=.*[A-Za-z.-])[A-Za-z0-9.-]+");
  /** How far from the "in use" line other lines are searched for the port. */
  private static final int NEARBY = 5;

  private ExitDiagnosis() {}

  /**
   * The cause of an exit nobody asked for.
   *
   * @param tail the process's last output lines ({@code LaunchedProcess.tail()})
   * @param command its argv, searched for the port when the output does not name it
   * @param lastSample the last resource sample of this same process (see
   *     {@link Probes#lastSample(String, long)}), if a resources probe took one
   * @param maxRssBytes the configured memory limit, if any
   */
  public static Cause diagnose(String component, ExitStatus status, List<String> tail, List<String> command,
      Optional<ResourceSample> lastSample, OptionalLong maxRssBytes) {
    if (status.signal().isEmpty()) {
      Optional<AddressInUse> inUse = addressInUse(tail, command);
      if (inUse.isPresent()) {
        return addressInUse(component, inUse.get());
      }
    }
    if (status.signal().filter("KILL"::equals).isPresent() && lastSample.isPresent() && maxRssBytes.isPresent()
        && lastSample.get().rssBytes() >= OOM_FRACTION * maxRssBytes.getAsLong()) {
      long rss = lastSample.get().rssBytes();
      long limit = maxRssBytes.getAsLong();
      return new Cause(CauseCategory.OUT_OF_MEMORY,
          "killed by SIGKILL with " + Wording.bytes(rss) + " resident (" + Wording.percent(100.0 * rss / limit)
              + " of max-memory " + Wording.bytes(limit) + "): probably out of memory",
          "look for a leak in " + component + " or raise its memory; dmesg shows whether the kernel's OOM killer did it");
    }
    return Diagnosis.ofExit(component, status);
  }

  /**
   * True when {@link #diagnose} may block for a while (it then looks for the holder of a port
   * through /proc): run it off actor threads then.
   */
  public static boolean mayBlock(List<String> tail) {
    return tail.stream().anyMatch(line -> IN_USE.matcher(line).find() || ERRNO.matcher(line).find());
  }

  /** {@link #diagnose(String, ExitStatus, List, List, Optional, OptionalLong)} without a command line. */
  public static Cause diagnose(String component, ExitStatus status, List<String> tail,
      Optional<ResourceSample> lastSample, OptionalLong maxRssBytes) {
    return diagnose(component, status, tail, List.of(), lastSample, maxRssBytes);
  }

  /** An "address in use" complaint: the line that said it, and the port if it could be found. */
  record AddressInUse(String line, OptionalInt port) {}

  /** The last "address in use" line of {@code tail}, with the port from it, its neighbours or the command. */
  static Optional<AddressInUse> addressInUse(List<String> tail, List<String> command) {
    int at = last(tail, IN_USE);
    if (at < 0) {
      at = last(tail, ERRNO);
    }
    if (at < 0) {
      return Optional.empty();
    }
    String line = tail.get(at);
    OptionalInt port = portIn(line, true);
    // Around it (a traceback, Node's error object), only explicit forms: source positions and
    // clocks look too much like host:port.
    for (int d = 1; port.isEmpty() && d <= NEARBY; d++) {
      if (at - d >= 0) {
        port = portIn(tail.get(at - d), false);
      }
      if (port.isEmpty() && at + d < tail.size()) {
        port = portIn(tail.get(at + d), false);
      }
    }
    if (port.isEmpty()) {
      port = portInCommand(command);
    }
    return Optional.of(new AddressInUse(line, port));
  }

  private static int last(List<String> lines, Pattern pattern) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (pattern.matcher(lines.get(i)).find()) {
        return i;
      }
    }
    return -1;
  }

  /** A port named in one output line: a Python address tuple, "port N", or (if asked) a host:port token. */
  static OptionalInt portIn(String line, boolean hostPortTokens) {
    Matcher m = TUPLE.matcher(line);
    if (m.find()) {
      return valid(m.group(1));
    }
    m = PORT_WORD.matcher(line);
    if (m.find()) {
      return valid(m.group(1));
    }
    if (!hostPortTokens) {
      return OptionalInt.empty();
    }
    OptionalInt last = OptionalInt.empty();
    for (String token : TOKEN_SPLIT.split(line)) {
      OptionalInt p = hostPort(token);
      if (p.isPresent()) {
        last = p;
      }
    }
    return last;
  }

  /**
   * The port of "127.0.0.1:5051", ":::5051", "[::]:5051", ":8080:", "http://localhost:5051/";
   * not of a clock ("12:00:01"), a word ("Error:") or a source position ("node:net:1908:16").
   */
  static OptionalInt hostPort(String token) {
    String t = token;
    int scheme = t.indexOf("://");
    if (scheme >= 0) {
      t = t.substring(scheme + 3);
    }
    int slash = t.indexOf('/');
    if (slash >= 0) {
      t = t.substring(0, slash);
    }
    while (!t.isEmpty() && ":.".indexOf(t.charAt(t.length() - 1)) >= 0) {
      t = t.substring(0, t.length() - 1);
    }
    int colon = t.lastIndexOf(':');
    if (colon < 0 || colon == t.length() - 1) {
      return OptionalInt.empty();
    }
    String digits = t.substring(colon + 1);
    if (digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
      return OptionalInt.empty();
    }
    return HOST.matcher(t.substring(0, colon)).matches() ? valid(digits) : OptionalInt.empty();
  }

  /** The port a command line asks for: --port N, --port=N, -p N, PORT=N, --bind host:port, host:port, a lone number. */
  static OptionalInt portInCommand(List<String> command) {
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      String lower = arg.toLowerCase();
      if ((lower.equals("--port") || lower.equals("-p") || lower.equals("--listen") || lower.equals("--bind")
          || lower.equals("-b")) && i + 1 < command.size()) {
        String value = command.get(i + 1);
        OptionalInt p = value.chars().allMatch(Character::isDigit) ? valid(value) : hostPort(value);
        if (p.isPresent()) {
          return p;
        }
      }
      int eq = arg.indexOf('=');
      if (eq > 0 && (lower.startsWith("--port=") || lower.startsWith("port="))) {
        OptionalInt p = valid(arg.substring(eq + 1));
        if (p.isPresent()) {
          return p;
        }
      }
    }
    for (String arg : command) {
      OptionalInt p = hostPort(arg);
      if (p.isPresent()) {
        return p;
      }
    }
    OptionalInt lone = OptionalInt.empty();
    for (int i = 1; i < command.size(); i++) {
      String arg = command.get(i);
      if (!arg.isEmpty() && arg.length() <= 5 && arg.chars().allMatch(Character::isDigit)) {
        if (lone.isPresent()) {
          return OptionalInt.empty(); // two numbers: no way to tell
        }
        lone = valid(arg);
      }
    }
    return lone;
  }

  private static OptionalInt valid(String digits) {
    try {
      int p = Integer.parseInt(digits);
      return p > 0 && p <= 65535 ? OptionalInt.of(p) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  private static Cause addressInUse(String component, AddressInUse inUse) {
    if (inUse.port().isEmpty()) {
      return new Cause(CauseCategory.ADDRESS_IN_USE,
          "address already in use: " + Wording.quote(inUse.line(), 160),
          "another process holds the port " + component + " wants; find it with ss -ltnp and stop it, or move "
              + component + " to another port");
    }
    int port = inUse.port().getAsInt();
    Optional<PortHolder> holder = PortHolder.find(port);
    if (holder.isEmpty()) {
      return new Cause(CauseCategory.ADDRESS_IN_USE, "port " + port + " is already in use",
          "find the holder with ss -ltnp 'sport = :" + port + "' and stop it, or move " + component
              + " to another port");
    }
    PortHolder h = holder.get();
    return new Cause(CauseCategory.ADDRESS_IN_USE,
        "port " + port + " is already in use by pid " + h.pid() + " (" + h.command() + ")",
        "stop pid " + h.pid() + " (a leftover copy of " + component + "?), or move " + component + " to another port");
  }
}
