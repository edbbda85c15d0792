package io.regulator.runtime.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pid records in {@code <data-dir>/pids/<component>.json}: one per running component, written
 * when it starts and removed when it ends. Whatever is left at the next start of Regulator was
 * running when Regulator died: {@link #survivor} says whether it still runs, {@link #reap} stops
 * it. Whether to reap or adopt is the caller's choice.
 *
 * <p>A record is only trusted when the pid's start time matches: pids are reused, and a
 * stranger's process must never be signalled. Files are replaced atomically (write
 * {@code .json.new}, rename), so a crash mid-write leaves the old record or the new one, never
 * half of one. No fsync: the records only matter while the processes they describe are alive,
 * and a power loss takes those with it.
 *
 * <p>All methods block on the file system or /proc: call them on the process dispatcher. They
 * throw {@link UncheckedIOException} when the data dir cannot be written or read.
 */
public final class PidRegistry {

  /** /proc start times have clock-tick resolution (10 ms); allow for rounding and boot-time drift. */
  static final Duration START_TOLERANCE = Duration.ofSeconds(1);
  /** How long to wait for a group to vanish after SIGKILL before reporting it as surviving. */
  static final Duration KILL_WAIT = Duration.ofSeconds(1);
  /** The orphan is not our child, so onExit() would only notice after ~2 s; /proc is read instead. */
  private static final long POLL_MILLIS = 10;
  private static final String SUFFIX = ".json";

  private static final Logger log = LoggerFactory.getLogger(PidRegistry.class);

  private final Path dir;

  public PidRegistry(Path dataDir) {
    this.dir = dataDir.toAbsolutePath().resolve("pids");
  }

  /** {@code <data-dir>/pids}. */
  public Path directory() {
    return dir;
  }

  /** Writes the record of {@code p}, started from {@code argv}, replacing the component's last one. */
  public void record(String component, LaunchedProcess p, List<String> argv) {
    record(new PidRecord(component, p.pid(), p.pid(), p.startInstant(), argv));
  }

  public synchronized void record(PidRecord r) {
    Path file = file(r.component());
    Path next = file.resolveSibling(file.getFileName() + ".new");
    try {
      Files.createDirectories(dir);
      Files.writeString(next, PidRecordJson.write(r), StandardCharsets.UTF_8);
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pid record " + file + ": " + e.getMessage()
          + " (check that data-dir is writable)", e);
    }
  }

  /** Deletes the component's record, if any. */
  public synchronized void remove(String component) {
    Path file = file(component);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete pid record " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes the component's record only if it is about {@code pid}: the cleanup after an exit
   * cannot then delete the record of the replacement if it runs late.
   *
   * @return true if a record was deleted
   */
  public synchronized boolean remove(String component, long pid) {
    Optional<PidRecord> current = read(file(component));
    if (current.isEmpty() || current.get().pid() != pid) {
      return false;
    }
    remove(component);
    return true;
  }

  /** Every record on disk, by component name; unreadable files are logged and skipped. */
  public synchronized List<PidRecord> leftovers() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<PidRecord> records = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path file : files) {
        read(file).ifPresent(records::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list pid records in " + dir + ": " + e.getMessage(), e);
    }
    records.sort(Comparator.comparing(PidRecord::component));
    return records;
  }

  /**
   * The recorded process, if it still runs: the pid exists, is not a zombie, and started within
   * a second of the recorded start. A pid that now belongs to another process gives empty.
   */
  public Optional<ProcessHandle> survivor(PidRecord r) {
    Optional<ProcessHandle> handle = ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive);
    if (handle.isEmpty() || !ProcessGroups.stat(r.pid()).map(ProcessGroups.Stat::running).orElse(false)) {
      return Optional.empty();
    }
    Optional<Instant> started = handle.get().info().startInstant();
    if (started.isEmpty() || !sameStart(started.get(), r.startInstant())) {
      return Optional.empty(); // cannot prove it is ours: never touch it
    }
    return handle;
  }

  /** {@link #reap(PidRecord, String, Duration)} with SIGTERM. */
  public ReapResult reap(PidRecord r, Duration grace) {
    return reap(r, "TERM", grace);
  }

  /**
   * Stops what is left of the recorded process: {@code signal} to its group, up to {@code grace}
   * for the group to end, then SIGKILL to the group. A group whose leader already exited but
   * whose descendants still run (they keep the group id from being reused) is stopped too. The
   * record itself is left for the caller to {@link #remove}.
   */
  public ReapResult reap(PidRecord r, String signal, Duration grace) {
    String sig = "SIG" + ProcessGroups.signalName(ProcessGroups.signalNumber(signal).orElseThrow(
        () -> new IllegalArgumentException("unknown signal: " + signal))).orElseThrow();
    if (r.pgid() != r.pid() || r.pid() <= 1) {
      return new ReapResult(ReapResult.Outcome.PID_REUSED, "record of " + r.component() + " names pid "
          + r.pid() + " in group " + r.pgid() + ", which Regulator never writes; left alone");
    }
    String what;
    Optional<ProcessHandle> leader = survivor(r);
    if (leader.isPresent()) {
      what = "orphan " + r.describe() + " and its group";
    } else {
      Optional<ProcessHandle> other = ProcessHandle.of(r.pid()).filter(ProcessHandle::isAlive);
      if (other.isPresent()) {
        // The number is taken by a live process with another start time. Linux never hands out a
        // pid still in use as a group id, so our group is gone as well.
        return new ReapResult(ReapResult.Outcome.PID_REUSED, "pid " + r.pid() + " of " + r.component()
            + " now belongs to another process (started "
            + other.get().info().startInstant().map(Instant::toString).orElse("at an unknown time")
            + ", recorded " + r.startInstant() + "); left alone");
      }
      List<Long> strays = ProcessGroups.members(r.pgid()).stream()
          .filter(pid -> startedSince(pid, r.startInstant()))
          .toList();
      if (strays.isEmpty()) {
        return new ReapResult(ReapResult.Outcome.NOT_RUNNING, r.describe() + " is no longer running; nothing to reap");
      }
      what = strays.size() + " process(es) " + strays + " left in the group of exited " + r.describe();
    }

    long began = System.nanoTime();
    ProcessGroups.signal(r.pgid(), signal);
    if (awaitGroupGone(r.pgid(), grace)) {
      return new ReapResult(ReapResult.Outcome.TERMINATED,
          "stopped " + what + " with " + sig + " in " + millisSince(began) + " ms");
    }
    ProcessGroups.signal(r.pgid(), "KILL");
    if (awaitGroupGone(r.pgid(), KILL_WAIT)) {
      return new ReapResult(ReapResult.Outcome.KILLED,
          "killed " + what + " with SIGKILL: still running " + grace.toMillis() + " ms after " + sig);
    }
    return new ReapResult(ReapResult.Outcome.SURVIVED, what + " still running after SIGKILL: pids "
        + ProcessGroups.members(r.pgid()));
  }

  // ---- internals -------------------------------------------------------------------------

  private Path file(String component) {
    return dir.resolve(ComponentNames.fileSafe(component) + SUFFIX);
  }

  private static Optional<PidRecord> read(Path file) {
    try {
      return Optional.of(PidRecordJson.read(Files.readString(file, StandardCharsets.UTF_8)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      log.warn("Ignoring unreadable pid record {}: {} (delete it if no process of that component runs)",
          file, e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean sameStart(Instant a, Instant b) {
    return Duration.between(a, b).abs().compareTo(START_TOLERANCE) <= 0;
  }

  private static boolean startedSince(long pid, Instant recorded) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
        .map(s -> !s.isBefore(recorded.minus(START_TOLERANCE)))
        .orElse(false);
  }

  private static boolean awaitGroupGone(long pgid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (ProcessGroups.alive(pgid)) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !ProcessGroups.alive(pgid);
      }
    }
    return true;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }
}
