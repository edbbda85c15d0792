package io.regulator.runtime.probe;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Work is being processed: the oldest regular file in a queue directory is younger than
 * {@code max-age}. An empty directory is healthy. Hidden files (a leading dot, as writers use for
 * files not yet complete) and subdirectories are not work. Lists the directory: runs on the
 * blocking executor.
 */
final class QueueProbe implements Probe {

  private final String component;
  private final ProbeCheck.Queue check;
  private final Path directory;
  private final Clock clock;

  QueueProbe(String component, ProbeCheck.Queue check, Clock clock) {
    this.component = component;
    this.check = check;
    this.directory = Path.of(check.directory());
    this.clock = clock;
  }

  /** What a queue directory holds now. */
  record Contents(long files, String oldestName, Instant oldest) {}

  @Override
  public CompletionStage<ProbeResult> check(ProbeTarget target) {
    long start = System.nanoTime();
    Contents contents;
    try {
      contents = scan(directory);
    } catch (NoSuchFileException e) {
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.QUEUE_MISSING,
          "queue directory " + check.directory() + " does not exist",
          "create it, or fix the queue probe's directory of " + component)));
    } catch (NotDirectoryException e) {
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.QUEUE_MISSING,
          "queue directory " + check.directory() + " is not a directory",
          "point the queue probe of " + component + " at a directory")));
    } catch (IOException e) {
      return done(ProbeResult.failed(HttpGet.since(start), new Cause(CauseCategory.QUEUE_MISSING,
          "cannot list queue directory " + check.directory() + ": " + e,
          "check its permissions: Regulator must be able to read it")));
    }
    Duration latency = HttpGet.since(start);
    if (contents.files() == 0) {
      return done(ProbeResult.healthy(latency, "queue " + check.directory() + " is empty"));
    }
    Duration age = Duration.between(contents.oldest(), clock.instant());
    if (age.compareTo(check.maxAge()) <= 0) {
      return done(ProbeResult.healthy(latency, Wording.count(contents.files(), "file", "files")
          + " in " + check.directory() + ", oldest " + Wording.duration(age.isNegative() ? Duration.ZERO : age)));
    }
    return done(ProbeResult.failed(latency, new Cause(CauseCategory.QUEUE_STUCK,
        "oldest of " + Wording.count(contents.files(), "file", "files") + " in " + check.directory() + " ("
            + contents.oldestName() + ") waits for " + Wording.duration(age) + ", over max-age "
            + Wording.duration(check.maxAge()),
        component + " is not processing its queue; see logs/" + component + ".log")));
  }

  /** Counts the work files of {@code dir} and finds the oldest. */
  static Contents scan(Path dir) throws IOException {
    long files = 0;
    String oldestName = null;
    Instant oldest = null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          continue; // taken by the worker between listing and reading: fine
        }
        if (!attrs.isRegularFile()) {
          continue;
        }
        files++;
        Instant modified = attrs.lastModifiedTime().toInstant();
        if (oldest == null || modified.isBefore(oldest)) {
          oldest = modified;
          oldestName = name;
        }
      }
    }
    return new Contents(files, oldestName, oldest);
  }

  private static CompletionStage<ProbeResult> done(ProbeResult result) {
    return CompletableFuture.completedFuture(result);
  }
}
