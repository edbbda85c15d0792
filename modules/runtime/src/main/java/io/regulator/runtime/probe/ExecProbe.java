package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.runtime.process.ProcessGroups;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a command; healthy when it exits 0 within the timeout. Like a component it runs in its own
 * session and process group ({@code setsid}), so a timeout kills everything it started, and so
 * does a normal exit that left something behind.
 *
 * <p>No thread waits for it: its output goes to a temporary file (read, last lines only, after
 * the exit), and the exit arrives through {@link Process#onExit()}.
 */
final class ExecProbe implements Probe {

  static final String SETSID = "/usr/bin/setsid";
  /** How many of the last output lines a failure quotes. */
  static final int QUOTED_LINES = 5;
  private static final int TAIL_BYTES = 4096;
  private static final File DEV_NULL = new File("/dev/null");

  private final String component;
  private final List<String> argv;
  private final Duration timeout;
  private final Executor io;
  private final ScheduledExecutorService timer;

  ExecProbe(String component, ProbeCheck.Exec check, Duration timeout, Executor io, ScheduledExecutorService timer) {
    if (check.command().isEmpty()) {
      throw new IllegalArgumentException("exec probe of " + component + " has an empty command");
    }
    this.component = component;
    this.argv = check.command();
    this.timeout = timeout;
    this.io = io;
    this.timer = timer;
  }

  @Override
  public CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    CompletableFuture<ProbeResult> result = new CompletableFuture<>();
    String what = "check command " + String.join(" ", argv);
    Path output;
    Process process;
    try {
      output = Files.createTempFile("regulator-probe-", ".out");
    } catch (IOException e) {
      result.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_ERROR,
          "cannot create a file for the output of the " + what + ": " + e.getMessage(),
          "check free space and permissions of " + System.getProperty("java.io.tmpdir"))));
      return result;
    }
    List<String> command = new ArrayList<>(argv.size() + 2);
    command.add(SETSID);
    command.add("--");
    command.addAll(argv);
    try {
      process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .start();
    } catch (IOException e) {
      delete(output);
      result.complete(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.PROBE_EXIT_CODE,
          "cannot run the " + what + ": " + e.getMessage(), "install util-linux (setsid)")));
      return result;
    }
    AtomicBoolean timedOut = new AtomicBoolean();
    // At the deadline the command itself dies at once (a plain kill(2), fine on the timer
    // thread); the exit handler below then kills whatever is left of its group.
    var deadline = timer.schedule(() -> {
      timedOut.set(true);
      process.destroyForcibly();
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    process.onExit().whenCompleteAsync((p, error) -> {
      deadline.cancel(false);
      int code = process.exitValue();
      // Whatever it left running in its group goes too: probes must not leak processes.
      if (timedOut.get() || ProcessGroups.alive(process.pid())) {
        kill(process);
      }
      String last = lastLines(output);
      delete(output);
      Duration latency = HttpGet.since(start);
      String said = last.isEmpty() ? "no output" : "last output: " + last;
      if (timedOut.get()) {
        result.complete(ProbeResult.failed(latency, new Cause(CauseCategory.PROBE_TIMEOUT,
            what + " did not finish within " + Wording.duration(timeout) + " and was killed; " + said,
            "it hangs, or needs longer: raise the probe's timeout")));
      } else if (code == 0) {
        result.complete(ProbeResult.healthy(latency, "exited 0 in " + Wording.duration(latency)));
      } else {
        result.complete(ProbeResult.failed(latency, new Cause(CauseCategory.PROBE_EXIT_CODE,
            what + " " + exit(code) + "; " + said,
            "the check reports " + component + " unhealthy; run it by hand to see why")));
      }
    }, io);
    return result;
  }

  /** "exited with code 3", or "was killed by SIGSEGV" for the JDK's 128 + signal. */
  private static String exit(int code) {
    if (code > 128 && code < 160) {
      var signal = ProcessGroups.signalName(code - 128);
      if (signal.isPresent()) {
        return "was killed by SIG" + signal.get();
      }
    }
    return "exited with code " + code;
  }

  /** SIGKILL to the probe command's group, or to the command alone if setsid has not run yet. */
  private static void kill(Process process) {
    try {
      if (!ProcessGroups.signal(process.pid(), "KILL")) {
        process.destroyForcibly();
      }
    } catch (RuntimeException e) {
      process.destroyForcibly();
    }
  }

  /** The last few lines of the output file, joined by " | " to stay on one line. */
  static String lastLines(Path file) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, TAIL_BYTES);
      byte[] buf = new byte[n];
      f.seek(len - n);
      f.readFully(buf);
      String text = new String(buf, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      for (String line : text.split("\r?\n")) {
        if (!line.isBlank()) {
          lines.add(line.strip());
        }
      }
      if (len > n && !lines.isEmpty()) {
        lines.remove(0); // probably cut
      }
      List<String> last = lines.subList(Math.max(0, lines.size() - QUOTED_LINES), lines.size());
      String joined = String.join(" | ", last);
      return joined.length() > 400 ? "..." + joined.substring(joined.length() - 397) : joined;
    } catch (IOException e) {
      return "";
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a leftover temp file is harmless
    }
  }
}
