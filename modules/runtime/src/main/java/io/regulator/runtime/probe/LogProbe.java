package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.runtime.process.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Rules over the component's own output, as it happens. The probe listens to each new process it
 * is shown (the lines already in its tail first, so a failure printed at startup counts) and on
 * each check judges what it heard since:
 *
 * <ul>
 *   <li>a line matching {@code failure-pattern} (a Java regex, found anywhere in the line) since
 *       the last check: LOG_PATTERN, naming the first such line;
 *   <li>the same line {@code repeat-limit} times in a row or more while {@code queue-directory}
 *       holds work (or, without a queue directory, the repetition alone): LOG_DEADLOCK. Lines are
 *       compared with their digits blanked, so timestamps and counters do not hide a loop;
 *   <li>no line for {@code silent-for}: LOG_HANG.
 * </ul>
 *
 * A check counts the queue directory's files: runs on the blocking executor.
 */
final class LogProbe implements Probe {

  private final String component;
  private final ProbeCheck.Log check;
  private final Pattern failure;
  private final int repeatLimit;
  private final Path queue;
  private final Duration silentFor;

  private LaunchedProcess watched;
  private Listener listener;

  LogProbe(String component, ProbeCheck.Log check) {
    this.component = component;
    this.check = check;
    try {
      this.failure = check.failurePattern().map(Pattern::compile).orElse(null);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("log probe of " + component + ": failure-pattern is not a valid regex: "
          + e.getDescription(), e);
    }
    this.repeatLimit = check.repeatLimit().orElse(0);
    this.queue = check.queueDirectory().map(Path::of).orElse(null);
    this.silentFor = check.silentFor().orElse(null);
  }

  @Override
  public synchronized CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    LaunchedProcess process = target.process();
    if (process == null) {
      detach();
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.NOT_RUNNING,
          "no process to watch the output of", "start " + component)));
    }
    if (process != watched) {
      detach();
      watched = process;
      listener = new Listener(failure, process.startedNanos());
      process.addOutputListener(listener, true);
    }
    Heard heard = listener.take();
    Duration latency = HttpGet.since(start);
    if (heard.match() != null) {
      String more = heard.matches() > 1 ? " (and " + (heard.matches() - 1) + " more)" : "";
      return done(ProbeResult.failed(latency, new Cause(CauseCategory.LOG_PATTERN,
          "output matched " + Wording.quote(failure.pattern(), 60) + ": " + Wording.quote(heard.match(), 160) + more,
          "see logs/" + component + ".log around that line")));
    }
    if (repeatLimit > 0 && heard.repeats() >= repeatLimit) {
      String line = Wording.quote(heard.lastLine(), 120);
      if (queue == null) {
        return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.LOG_DEADLOCK,
            line + " repeated " + heard.repeats() + " times in a row",
            component + " seems to loop without progress; a restart may unstick it")));
      }
      long waiting = waiting();
      if (waiting > 0) {
        return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.LOG_DEADLOCK,
            line + " repeated " + heard.repeats() + " times while " + Wording.count(waiting, "file waits", "files wait")
                + " in " + check.queueDirectory().get(),
            component + " does not see its queue (deadlock or wrong directory); a restart may unstick it")));
      }
    }
    Duration silent = Duration.ofNanos(System.nanoTime() - heard.lastLineNanos());
    if (silentFor != null && silent.compareTo(silentFor) > 0) {
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.LOG_HANG,
          "no output for " + Wording.duration(silent) + " (silent-for " + Wording.duration(silentFor) + ")",
          component + " seems to hang; a thread dump or strace -p " + process.pid() + " shows where")));
    }
    return done(ProbeResult.healthy(HttpGet.since(start), Wording.count(heard.lines(), "line", "lines")
        + " since the last check"));
  }

  @Override
  public synchronized void close() {
    detach();
  }

  private void detach() {
    if (watched != null) {
      watched.removeOutputListener(listener);
      watched = null;
      listener = null;
    }
  }

  private long waiting() {
    try {
      return QueueProbe.scan(queue).files();
    } catch (IOException e) {
      return 0; // no queue, no work waiting; the queue probe reports a missing directory
    }
  }

  private static CompletionStage<ProbeResult> done(ProbeResult result) {
    return CompletableFuture.completedFuture(result);
  }

  /** What was heard since the last check, and the running repetition. */
  record Heard(long lines, String match, long matches, String lastLine, int repeats, long lastLineNanos) {}

  /** Runs on the thread that reads the component's output: matches and counts, nothing more. */
  private static final class Listener implements Consumer<String> {

    private final Pattern failure;
    private long lines;
    private String firstMatch;
    private long matches;
    private String lastLine;
    private String lastKey;
    private int repeats;
    private long lastLineNanos;

    Listener(Pattern failure, long processStartedNanos) {
      this.failure = failure;
      this.lastLineNanos = processStartedNanos;
    }

    @Override
    public synchronized void accept(String line) {
      lines++;
      lastLineNanos = System.nanoTime();
      if (failure != null && failure.matcher(line).find()) {
        matches++;
        if (firstMatch == null) {
          firstMatch = line;
        }
      }
      String key = blankDigits(line);
      if (key.equals(lastKey)) {
        repeats++;
      } else {
        lastKey = key;
        repeats = 1;
      }
      lastLine = line;
    }

    /** What was heard since the last call; the repetition and the time of the last line carry on. */
    synchronized Heard take() {
      Heard heard = new Heard(lines, firstMatch, matches, lastLine, repeats, lastLineNanos);
      lines = 0;
      firstMatch = null;
      matches = 0;
      return heard;
    }

    private static String blankDigits(String line) {
      StringBuilder key = new StringBuilder(line.length());
      boolean inDigits = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c >= '0' && c <= '9') {
          if (!inDigits) {
            key.append('#');
          }
          inDigits = true;
        } else {
          key.append(c);
          inDigits = false;
        }
      }
      return key.toString().strip();
    }
  }
}
