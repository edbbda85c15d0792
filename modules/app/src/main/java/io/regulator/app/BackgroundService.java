package io.regulator.app;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code regulator start} / {@code stop} without a component: the service itself in the
 * background, as {@code bin/regulator run} in its own session, with its pid in
 * {@code <data-dir>/regulator.pid} and its console appended to {@code <log-dir>/regulator.out}.
 *
 * <p>The pid file is trusted only while its pid runs Regulator; anything else is a stale file
 * left by a crash or a reboot and is removed. Stopping is SIGTERM, which stops the components in
 * reverse dependency order, then waiting for the exit.
 */
final class BackgroundService {

  static final String PID_FILE = "regulator.pid";
  static final String OUT_FILE = "regulator.out";
  /** How Regulator's own JVM is recognised in a process's command line. */
  private static final String MAIN_CLASS = "io.regulator.app.Main";
  private static final Duration POLL = Duration.ofMillis(100);

  private BackgroundService() {}

  static Path pidFile(ServiceSettings settings) {
    return settings.dataDir().resolve(PID_FILE);
  }

  static Path outFile(ServiceSettings settings) {
    return settings.logDir().resolve(OUT_FILE);
  }

  /** The pid in the pid file if that process is alive and is Regulator; no side effects. */
  static OptionalLong runningPid(ServiceSettings settings) {
    OptionalLong pid = readPid(pidFile(settings));
    return pid.isPresent() && isRegulator(pid.getAsLong()) ? pid : OptionalLong.empty();
  }

  static int start(ServiceClient client, Duration timeout, PrintWriter out, PrintWriter err) throws ControlFailure {
    ServiceSettings settings = client.settings();
    Path pidFile = pidFile(settings);
    OptionalLong recorded = readPid(pidFile);
    if (recorded.isPresent()) {
      if (isRegulator(recorded.getAsLong())) {
        throw new ControlFailure("already running (pid " + recorded.getAsLong() + " in " + pidFile + "), "
            + client.baseUrl() + "; stop it first with bin/regulator stop");
      }
      deleteQuietly(pidFile);
      err.println("regulator: removed the stale pid file " + pidFile + " (pid " + recorded.getAsLong()
          + " no longer runs Regulator)");
    }
    if (client.probe("/ready", Duration.ofMillis(500)).isPresent()) {
      throw new ControlFailure("not started: something already answers at " + client.baseUrl()
          + " (a Regulator in the foreground? another service on port " + settings.port() + "?)");
    }
    Path launcher = Home.dir().resolve("bin").resolve("regulator");
    if (!Files.isExecutable(launcher)) {
      throw new ControlFailure("not started: the launcher " + launcher + " is missing or not executable");
    }
    Path outFile = outFile(settings);
    Process process;
    long offset;
    try {
      Files.createDirectories(settings.dataDir());
      Files.createDirectories(settings.logDir());
      Files.writeString(outFile, "--- bin/regulator start at " + Instant.now() + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      offset = Files.size(outFile);
      // setsid: its own session, so neither the terminal's Ctrl-C nor a closed SSH session reaches it.
      process = new ProcessBuilder("setsid", launcher.toString(), "run", "-c", settings.configFile().toString())
          .directory(Home.dir().toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
          .redirectErrorStream(true)
          .start();
      writeAtomically(pidFile, process.pid() + "\n");
    } catch (IOException e) {
      throw new ControlFailure("not started: " + e.getMessage());
    }
    long pid = process.pid();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        deleteQuietly(pidFile);
        tail(outFile, offset).forEach(err::println);
        throw new ControlFailure("not started: the service exited with code " + process.exitValue()
            + " (its output is above and in " + outFile + ")");
      }
      if (client.probe("/ready", Duration.ofSeconds(1)).filter(status -> status == 200).isPresent()) {
        out.println("started (pid " + pid + "), " + client.baseUrl());
        return 0;
      }
      sleep(POLL);
    }
    throw new ControlFailure("the service (pid " + pid + ") is not ready after " + timeout.toSeconds()
        + "s and goes on starting in the background; see " + outFile + ", check with bin/regulator status,"
        + " or stop it with bin/regulator stop");
  }

  /** Exit code 0 also when it was not running: stopping what is stopped succeeds, like {@code systemctl stop}. */
  static int stop(ServiceClient client, Duration timeout, PrintWriter out) throws ControlFailure {
    ServiceSettings settings = client.settings();
    Path pidFile = pidFile(settings);
    OptionalLong recorded = readPid(pidFile);
    if (recorded.isEmpty() || !isRegulator(recorded.getAsLong())) {
      if (recorded.isPresent()) {
        deleteQuietly(pidFile);
      }
      if (client.probe("/health", Duration.ofMillis(500)).isPresent()) {
        throw new ControlFailure("a service answers at " + client.baseUrl() + " but was not started with"
            + " bin/regulator start (no live pid in " + pidFile + "); stop it where it runs (Ctrl-C, or SIGTERM"
            + " to its pid)");
      }
      out.println("not running" + (recorded.isPresent()
          ? " (removed the stale pid file " + pidFile + ": pid " + recorded.getAsLong() + " no longer runs Regulator)"
          : " (no pid file " + pidFile + ")"));
      return 0;
    }
    long pid = recorded.getAsLong();
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isPresent() && !handle.get().destroy()) { // SIGTERM
      throw new ControlFailure("cannot signal pid " + pid + " (is it another user's?)");
    }
    Instant deadline = Instant.now().plus(timeout);
    while (alive(pid)) {
      if (!Instant.now().isBefore(deadline)) {
        throw new ControlFailure("pid " + pid + " is still running " + timeout.toSeconds() + "s after SIGTERM (its"
            + " components may still be stopping); see " + outFile(settings) + ", then run bin/regulator stop"
            + " again, or kill -9 " + pid + " (which leaves the components running)");
      }
      sleep(POLL);
    }
    // Only our own record: a start that raced this stop has written its own pid by now.
    if (readPid(pidFile).equals(recorded)) {
      deleteQuietly(pidFile);
    }
    out.println("stopped (pid " + pid + ")");
    return 0;
  }

  static OptionalLong readPid(Path pidFile) {
    try {
      String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Alive and running the service ({@code run}), in Regulator's JVM or still in the launcher script
   * that is about to exec it. A pid reused by anything else after a crash or a reboot is not it.
   */
  static boolean isRegulator(long pid) {
    if (!alive(pid)) {
      return false;
    }
    Optional<String> commandLine = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine());
    return commandLine.map(c -> (c.contains(MAIN_CLASS) || c.contains("bin/regulator")) && c.contains(" run "))
        .orElse(true);
  }

  /** A zombie (exited, not yet reaped by its parent) is not alive. */
  static boolean alive(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (Files.isDirectory(Path.of("/proc", "self"))) {
      try {
        String s = Files.readString(stat);
        return !s.substring(s.lastIndexOf(')') + 2).startsWith("Z");
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** What the service printed since {@code offset}, the last lines of it. */
  private static List<String> tail(Path file, long offset) {
    try {
      byte[] all = Files.readAllBytes(file);
      String since = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
          StandardCharsets.UTF_8);
      List<String> lines = since.lines().toList();
      return lines.subList(Math.max(0, lines.size() - 20), lines.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a file we cannot remove is overwritten by the next start
    }
  }

  private static void sleep(Duration d) throws ControlFailure {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ControlFailure("interrupted", 130);
    }
  }
}
