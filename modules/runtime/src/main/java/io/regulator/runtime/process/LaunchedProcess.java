package io.regulator.runtime.process;

import io.regulator.core.event.ExitStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running component process: the leader of its own session and process group (its pid is the
 * group id) and a direct child of this JVM, so its exit is seen within a millisecond.
 *
 * <p>Threads: {@link #exit()} completes on a JDK process-reaper, output or timer thread, so
 * callers should only hand the result on (e.g. {@code pipeToSelf}). {@link #signalGroup},
 * {@link #killGroup} and {@link #groupAlive} block for about a millisecond (they run kill(1) or
 * read /proc): call them on the process dispatcher.
 */
public final class LaunchedProcess {

  /**
   * After the exit, how long to wait for stdout/stderr to reach end of file, so {@link #tail()}
   * holds the last words of the process (usually microseconds). Only a descendant that keeps the
   * pipes open makes the exit event this much later.
   */
  static final long OUTPUT_DRAIN_MILLIS = 20;

  private final String component;
  private final ProcessHandle process;
  private final long startedNanos;
  private final Instant startInstant;
  private final OutputTail tail;
  private final CompletableFuture<ExitStatus> exit;
  /** Set once the group was seen empty after the exit: its id may then be reused by anyone. */
  private volatile boolean groupGone;

  LaunchedProcess(String component, Process process, long startedNanos, Instant startInstant,
      OutputTail tail, CompletableFuture<Void> outputDrained) {
    this.component = component;
    this.process = process.toHandle();
    this.startedNanos = startedNanos;
    this.startInstant = startInstant;
    this.tail = tail;
    this.exit = process.onExit().thenCompose(p -> outputDrained
        .completeOnTimeout(null, OUTPUT_DRAIN_MILLIS, TimeUnit.MILLISECONDS)
        .thenApply(drained -> decode(p.exitValue())));
  }

  private LaunchedProcess(String component, ProcessHandle adopted, Instant startInstant) {
    this.component = component;
    this.process = adopted;
    this.startedNanos = System.nanoTime();
    this.startInstant = startInstant;
    this.tail = new OutputTail(0);
    // Not our child: the kernel tells only its parent how it ended, and the JDK sees the exit by
    // polling (about 2 s late). Good enough to restart it; the next process is ours again.
    this.exit = adopted.onExit().thenApply(h -> ExitStatus.unknown());
  }

  /**
   * Watches a process left running by an earlier run of Regulator, if it still runs with the
   * recorded start time. Its output went to the earlier run and is not captured.
   */
  public static Optional<LaunchedProcess> adopt(String component, PidRecord record) {
    return ProcessHandle.of(record.pid()).filter(ProcessHandle::isAlive)
        .filter(h -> h.info().startInstant().map(s -> Math.abs(s.toEpochMilli()
            - record.startInstant().toEpochMilli()) <= 1000).orElse(false))
        .map(h -> new LaunchedProcess(component, h, record.startInstant()));
  }

  public String component() {
    return component;
  }

  /** The process id, which is also its process group id and session id. */
  public long pid() {
    return process.pid();
  }

  /** When the kernel started the process (clock-tick resolution), as recorded in pid records. */
  public Instant startInstant() {
    return startInstant;
  }

  /** {@link System#nanoTime()} taken right after the spawn returned, for latency measurements. */
  public long startedNanos() {
    return startedNanos;
  }

  /** The process's handle, e.g. for resource figures. */
  public ProcessHandle handle() {
    return process;
  }

  /**
   * Completes once when the process has exited (event-driven through {@link Process#onExit()},
   * never polled) and its output has been read to the end or for at most 20 ms more.
   */
  public CompletableFuture<ExitStatus> exit() {
    return exit;
  }

  /**
   * Sends {@code signalName} ("TERM", "SIGHUP", ...) to every process of the group. Nothing
   * happens if the group is already empty.
   *
   * @throws IllegalArgumentException for an unknown signal name
   */
  public void signalGroup(String signalName) {
    if (groupGone) {
      return;
    }
    if (!process.isAlive() && !ProcessGroups.alive(pid())) {
      // The leader was reaped and nothing is left: from now on the number may name someone else.
      groupGone = true;
      return;
    }
    if (!ProcessGroups.signal(pid(), signalName) && process.isAlive()) {
      // Spawned but setsid(2) not run yet: the group does not exist, and the process has no
      // children of its own yet, so signalling it alone reaches everything there is.
      ProcessGroups.signalProcess(pid(), signalName);
    }
  }

  /** SIGKILL to every process of the group: the end of a stop, or cleanup after an exit. */
  public void killGroup() {
    signalGroup("KILL");
  }

  /** True while the process, or any process left in its group (a grandchild), still runs. */
  public boolean groupAlive() {
    if (groupGone) {
      return false;
    }
    if (process.isAlive() || ProcessGroups.alive(pid())) {
      return true;
    }
    groupGone = true;
    return false;
  }

  /**
   * The last {@code output.tail-lines} lines of this process's stdout and stderr together, in
   * arrival order, without timestamps or stream markers. Per process: a replacement starts with
   * an empty tail, so the tail of an exited process explains that exit alone.
   */
  public List<String> tail() {
    return tail.snapshot();
  }

  /**
   * Hands every further line of this process's stdout and stderr (as in {@link #tail()}) to
   * {@code listener} as it arrives; with {@code replayTail} the lines already in the tail come
   * first, with no gap and no duplicate between the two.
   *
   * <p>The listener runs on the output thread while the tail is locked: it must be quick and
   * must not block (match, count, hand on), as that thread reads the output of every process.
   * Exceptions it throws are ignored. It is dropped with this process; a replacement process
   * starts with none. An adopted process has no captured output, so its listeners hear nothing.
   */
  public void addOutputListener(Consumer<String> listener, boolean replayTail) {
    tail.addListener(listener, replayTail);
  }

  /** {@link #addOutputListener(Consumer, boolean)} without replay: only lines from now on. */
  public void addOutputListener(Consumer<String> listener) {
    tail.addListener(listener, false);
  }

  /** Stops handing lines to {@code listener}; nothing happens if it was not added. */
  public void removeOutputListener(Consumer<String> listener) {
    tail.removeListener(listener);
  }

  @Override
  public String toString() {
    return component + " pid " + pid();
  }

  /**
   * Decodes {@link Process#exitValue()}. The JDK reports a child killed by signal N as 128 + N,
   * the same as a shell's {@code $?}, so a program that itself calls {@code exit(137)} cannot be
   * told apart from SIGKILL: values 129..159 are read as signals 1..31, all others as codes.
   */
  static ExitStatus decode(int exitValue) {
    if (exitValue > 128 && exitValue < 160) {
      var name = ProcessGroups.signalName(exitValue - 128);
      if (name.isPresent()) {
        return ExitStatus.signal(name.get());
      }
    }
    return ExitStatus.code(exitValue);
  }
}
