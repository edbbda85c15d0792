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
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The heartbeat probe: a touched file or a pushed beat within stale-after. */
final class HeartbeatProbeTest {

  private static final Duration STALE_AFTER = Duration.ofSeconds(30);

  @TempDir Path dir;
  private ProbeKit kit;
  private Path file;

  @BeforeEach
  void setUp() {
    kit = new ProbeKit();
    file = dir.resolve("braun.heartbeat");
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
  }

  private Probe heartbeat(Optional<Path> file) {
    return kit.probe("braun", new ProbeCheck.Heartbeat(file.map(Path::toString), STALE_AFTER), Duration.ofSeconds(1));
  }

  private void touch(Duration ago) throws Exception {
    if (!Files.exists(file)) {
      Files.createFile(file);
    }
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(ago)));
  }

  @Test
  void aFileTouchedWithinStaleAfterIsHealthy() throws Exception {
    touch(Duration.ofSeconds(5));

    ProbeResult result = check(heartbeat(Optional.of(file)), "braun");

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).matches("file touched (4|5)s ago");
  }

  @Test
  void aFileTouchedLongAgoIsStale() throws Exception {
    touch(Duration.ofSeconds(95));

    ProbeResult result = check(heartbeat(Optional.of(file)), "braun");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.HEARTBEAT_STALE);
    assertThat(result.cause().detail()).matches(
        "no heartbeat within 30s: " + java.util.regex.Pattern.quote(file.toString())
            + " last touched 1m3[56]s ago, no beat pushed");
    assertThat(result.cause().suggestion()).contains("braun is stuck or stopped reporting");
  }

  @Test
  void aMissingFileIsStale() throws Exception {
    ProbeResult result = check(heartbeat(Optional.of(file)), "braun");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.HEARTBEAT_STALE);
    assertThat(result.cause().detail()).isEqualTo("no heartbeat within 30s: " + file + " does not exist, no beat pushed");
  }

  @Test
  void aPushedBeatKeepsItHealthyWhileTheFileIsStale() throws Exception {
    touch(Duration.ofMinutes(10));
    Probe probe = heartbeat(Optional.of(file));
    assertThat(check(probe, "braun").healthy()).isFalse();

    kit.probes.heartbeats().beat("braun");

    ProbeResult result = check(probe, "braun");
    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).matches("beat pushed \\d+ ms ago");
  }

  @Test
  void pushedBeatsAloneWorkAndGoStaleToo() throws Exception {
    Probe probe = heartbeat(Optional.empty());
    assertThat(check(probe, "braun").cause().detail()).isEqualTo("no heartbeat within 30s: no beat pushed");

    kit.probes.heartbeats().beat("braun", Instant.now().minusSeconds(40));
    ProbeResult stale = check(probe, "braun");
    assertThat(stale.cause().category()).isEqualTo(CauseCategory.HEARTBEAT_STALE);
    assertThat(stale.cause().detail()).matches("no heartbeat within 30s: last pushed beat 4[01]s ago");

    kit.probes.heartbeats().beat("braun", Instant.now().minusSeconds(10));
    assertThat(check(probe, "braun").healthy()).isTrue();
    // An older beat arriving late does not move the last beat back.
    kit.probes.heartbeats().beat("braun", Instant.now().minusSeconds(100));
    assertThat(check(probe, "braun").healthy()).isTrue();
    // Beats of other components do not count.
    Probe cyops = kit.probe("cyops", new ProbeCheck.Heartbeat(Optional.empty(), STALE_AFTER), Duration.ofSeconds(1));
    assertThat(check(cyops, "cyops").healthy()).isFalse();
  }
}
