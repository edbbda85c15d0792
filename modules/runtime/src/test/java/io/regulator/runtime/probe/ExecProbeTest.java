package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ComponentProcesses.script;
import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec probe runs real commands in their own process group. */
final class ExecProbeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  @TempDir Path dir;
  private ProbeKit kit;

  @BeforeEach
  void setUp() {
    kit = new ProbeKit();
  }

  @AfterEach
  void tearDown() throws Exception {
    kit.close();
  }

  private Probe exec(String... argv) {
    return kit.probe("worker", new ProbeCheck.Exec(List.of(argv)), TIMEOUT);
  }

  @Test
  void exitZeroIsHealthy() throws Exception {
    ProbeResult result = check(exec(script("probe-check.sh"), "0", "all fine"), "worker");

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).startsWith("exited 0 in ");
  }

  @Test
  void aNonZeroExitNamesTheCodeAndTheLastLinesOfOutput() throws Exception {
    List<String> argv = new ArrayList<>(List.of(script("probe-check.sh"), "3"));
    for (int i = 1; i <= 8; i++) {
      argv.add("line " + i);
    }
    argv.add("FATAL: cannot reach the database");

    ProbeResult result = check(exec(argv.toArray(String[]::new)), "worker");

    assertThat(result.healthy()).isFalse();
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_EXIT_CODE);
    assertThat(result.cause().detail()).isEqualTo("check command " + String.join(" ", argv)
        + " exited with code 3; last output: line 5 | line 6 | line 7 | line 8 | FATAL: cannot reach the database");
    assertThat(result.cause().suggestion()).contains("worker");
  }

  @Test
  void aMissingProgramIsAFailureThatSaysSo() throws Exception {
    ProbeResult result = check(exec(dir.resolve("no-such-check").toString()), "worker");

    assertThat(result.healthy()).isFalse();
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_EXIT_CODE);
    assertThat(result.cause().detail()).contains("no-such-check").contains("No such file or directory");
  }

  @Test
  void aCommandThatHangsIsKilledWithEverythingItStartedAtTheTimeout() throws Exception {
    Path pidFile = dir.resolve("grandchild.pid");
    long start = System.nanoTime();

    ProbeResult result = check(exec(script("probe-hang.sh"), pidFile.toString()), "worker");

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isBetween(TIMEOUT, TIMEOUT.plus(Probes.TIMEOUT_MARGIN));
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_TIMEOUT);
    assertThat(result.cause().detail()).isEqualTo("check command " + script("probe-hang.sh") + " " + pidFile
        + " did not finish within 1s and was killed; last output: waiting for something that never comes");
    long grandchild = Long.parseLong(Files.readString(pidFile).strip());
    await().atMost(Duration.ofSeconds(2)).until(() -> !Procs.running(grandchild));
  }

  @Test
  void whatACheckLeavesBehindIsKilledToo() throws Exception {
    Path pidFile = dir.resolve("left.pid");
    ProbeResult result = check(exec("/bin/sh", "-c", "sleep 100000 & echo $! > " + pidFile + "; exit 0"), "worker");

    assertThat(result.healthy()).isTrue();
    long leftover = Long.parseLong(Files.readString(pidFile).strip());
    await().atMost(Duration.ofSeconds(2)).until(() -> !Procs.running(leftover));
  }

  @Test
  void theOutputFileIsRemoved() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = countOutputFiles(tmp);
    check(exec(script("probe-check.sh"), "1", "bad"), "worker");
    check(exec(script("probe-check.sh"), "0"), "worker");
    assertThat(countOutputFiles(tmp)).isLessThanOrEqualTo(before);
  }

  private static long countOutputFiles(Path tmp) throws Exception {
    try (var files = Files.list(tmp)) {
      return files.filter(f -> f.getFileName().toString().startsWith("regulator-probe-")).count();
    }
  }
}
