package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue probe: the oldest work file in a directory is younger than max-age. */
final class QueueProbeTest {

  private static final Duration MAX_AGE = Duration.ofSeconds(30);

  @TempDir Path root;
  private Path queue;
  private ProbeKit kit;

  @BeforeEach
  void setUp() throws Exception {
    kit = new ProbeKit();
    queue = Files.createDirectory(root.resolve("patches"));
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
  }

  private Probe probe(Path dir) {
    return kit.probe("braun", new ProbeCheck.Queue(dir.toString(), MAX_AGE), Duration.ofSeconds(1));
  }

  private Path file(String name, Duration age) throws Exception {
    Path f = Files.writeString(queue.resolve(name), "patch");
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(age)));
    return f;
  }

  @Test
  void anEmptyQueueIsHealthy() throws Exception {
    ProbeResult result = check(probe(queue), "braun");

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).isEqualTo("queue " + queue + " is empty");
  }

  @Test
  void youngFilesAreHealthy() throws Exception {
    file("a.patch", Duration.ofSeconds(10));
    file("b.patch", Duration.ofSeconds(2));

    ProbeResult result = check(probe(queue), "braun");

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).matches("2 files in .*patches, oldest (9|10)s");
  }

  @Test
  void anOldFileIsAStuckQueueNamingTheFile() throws Exception {
    file("new.patch", Duration.ofSeconds(1));
    file("old.patch", Duration.ofSeconds(45));
    file("older-but-hidden", Duration.ofSeconds(1));
    Files.move(queue.resolve("older-but-hidden"), queue.resolve(".incoming.tmp"));
    Files.setLastModifiedTime(queue.resolve(".incoming.tmp"), FileTime.from(Instant.now().minusSeconds(3600)));
    Files.createDirectory(queue.resolve("done"));
    Files.setLastModifiedTime(queue.resolve("done"), FileTime.from(Instant.now().minusSeconds(3600)));

    ProbeResult result = check(probe(queue), "braun");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.QUEUE_STUCK);
    assertThat(result.cause().detail()).matches(
        "oldest of 2 files in .*patches \\(old\\.patch\\) waits for 4[56]s, over max-age 30s");
    assertThat(result.cause().suggestion()).isEqualTo("braun is not processing its queue; see logs/braun.log");
  }

  @Test
  void aMissingDirectoryIsAFailureThatSaysSo() throws Exception {
    Path missing = root.resolve("no-such-queue");

    ProbeResult result = check(probe(missing), "braun");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.QUEUE_MISSING);
    assertThat(result.cause().detail()).isEqualTo("queue directory " + missing + " does not exist");
    assertThat(result.cause().suggestion()).isEqualTo("create it, or fix the queue probe's directory of braun");
  }

  @Test
  void aFileInsteadOfADirectoryIsAFailure() throws Exception {
    Path f = file("a.patch", Duration.ZERO);

    ProbeResult result = check(probe(f), "braun");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.QUEUE_MISSING);
    assertThat(result.cause().detail()).endsWith("is not a directory");
  }

  @Test
  void theQueueRecoversOnceTheOldFileIsProcessed() throws Exception {
    Path old = file("old.patch", Duration.ofMinutes(5));
    Probe probe = probe(queue);
    assertThat(check(probe, "braun").healthy()).isFalse();

    Files.delete(old);

    assertThat(check(probe, "braun").healthy()).isTrue();
  }
}
