package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A sign of life within {@code stale-after} (systemd's WatchdogSec): the heartbeat file's
 * modification time, or the last beat pushed through {@link HeartbeatRegistry}, whichever is
 * newer. A missing file is simply no beat. Reads the file's mtime: runs on the blocking executor.
 */
final class HeartbeatProbe implements Probe {

  private final String component;
  private final ProbeCheck.Heartbeat check;
  private final Optional<Path> file;
  private final HeartbeatRegistry pushed;
  private final Clock clock;

  HeartbeatProbe(String component, ProbeCheck.Heartbeat check, HeartbeatRegistry pushed, Clock clock) {
    this.component = component;
    this.check = check;
    this.file = check.file().map(Path::of);
    this.pushed = pushed;
    this.clock = clock;
  }

  @Override
  public CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    Instant now = clock.instant();
    Optional<Instant> touched = Optional.empty();
    String fileProblem = null;
    if (file.isPresent()) {
      try {
        touched = Optional.of(Files.getLastModifiedTime(file.get()).toInstant());
      } catch (NoSuchFileException e) {
        fileProblem = file.get() + " does not exist";
      } catch (IOException e) {
        fileProblem = "cannot read " + file.get() + ": " + e.getMessage();
      }
    }
    Optional<Instant> beat = pushed.last(component);
    Optional<Instant> latest = newest(touched, beat);
    Duration latency = HttpGet.since(start);
    if (latest.isPresent()) {
      Duration age = Duration.between(latest.get(), now);
      if (age.compareTo(check.staleAfter()) <= 0) {
        String how = touched.equals(latest) ? "file touched " : "beat pushed ";
        return done(ProbeResult.healthy(latency, how + Wording.duration(age.isNegative() ? Duration.ZERO : age) + " ago"));
      }
    }
    StringBuilder detail = new StringBuilder("no heartbeat within ").append(Wording.duration(check.staleAfter()))
        .append(": ");
    if (file.isPresent()) {
      detail.append(fileProblem != null ? fileProblem
          : file.get() + " last touched " + Wording.duration(Duration.between(touched.get(), now)) + " ago");
      detail.append(", ");
    }
    detail.append(beat.map(b -> "last pushed beat " + Wording.duration(Duration.between(b, now)) + " ago")
        .orElse("no beat pushed"));
    return done(ProbeResult.failed(latency, new Cause(CauseCategory.HEARTBEAT_STALE, detail.toString(),
        component + " is stuck or stopped reporting; see logs/" + component + ".log")));
  }

  private static Optional<Instant> newest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
  }

  private static CompletionStage<ProbeResult> done(ProbeResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
