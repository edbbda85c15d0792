package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.component;
import static io.regulator.runtime.process.TestComponents.script;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.ExitStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pid records survive Regulator, and only a process with the recorded start time is ever touched. */
final class PidRegistryTest {

  @TempDir Path dataDir;
  @TempDir Path logDir;
  @TempDir Path work;
  private LaunchedProcesses processes;
  private PidRegistry registry;

  @BeforeEach
  void setUp() {
    processes = new LaunchedProcesses(logDir);
    registry = new PidRegistry(dataDir);
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  @Test
  void aRecordIsWrittenAtomicallyAndReadBack() throws Exception {
    List<String> argv = List.of("sleep", "1000", "with \"quotes\" and \\ and\ttab");
    LaunchedProcess p = processes.launch(component("sleeper", argv.toArray(String[]::new)));

    registry.record("sleeper", p, argv);

    Path file = dataDir.resolve("pids/sleeper.json");
    assertThat(Files.readString(file)).contains("\"pid\":" + p.pid()).contains("\"started\":\"");
    try (Stream<Path> files = Files.list(dataDir.resolve("pids"))) {
      assertThat(files).containsExactly(file); // no .new left behind
    }
    // A fresh registry, as after a restart of Regulator, reads the same record.
    assertThat(new PidRegistry(dataDir).leftovers()).containsExactly(
        new PidRecord("sleeper", p.pid(), p.pid(), p.startInstant(), argv));
  }

  @Test
  void removeDeletesTheRecordAndTheConditionalRemoveSparesAReplacement() throws Exception {
    LaunchedProcess old = processes.launch(component("svc", "sleep", "1000"));
    LaunchedProcess replacement = processes.launch(component("svc", "sleep", "1001"));
    registry.record("svc", replacement, List.of("sleep", "1001"));

    assertThat(registry.remove("svc", old.pid())).isFalse();
    assertThat(registry.leftovers()).extracting(PidRecord::pid).containsExactly(replacement.pid());

    assertThat(registry.remove("svc", replacement.pid())).isTrue();
    assertThat(registry.leftovers()).isEmpty();
    registry.remove("svc"); // removing what is gone is fine
  }

  @Test
  void aSurvivorIsFoundOnlyWhenPidAndStartTimeMatch() throws Exception {
    LaunchedProcess p = processes.launch(component("live", "sleep", "1000"));
    registry.record("live", p, List.of("sleep", "1000"));
    PidRecord record = registry.leftovers().get(0);

    assertThat(registry.survivor(record)).map(ProcessHandle::pid).contains(p.pid());
    // Within clock-tick rounding it still matches ...
    assertThat(registry.survivor(withStart(record, record.startInstant().plusMillis(500)))).isPresent();
    // ... but the same pid with another start time is someone else's process.
    PidRecord reused = withStart(record, record.startInstant().minus(Duration.ofHours(1)));
    assertThat(registry.survivor(reused)).isEmpty();

    ReapResult result = registry.reap(reused, Duration.ofMillis(200));
    assertThat(result.outcome()).isEqualTo(ReapResult.Outcome.PID_REUSED);
    assertThat(result.description()).contains("left alone");
    assertThat(ProcFs.running(p.pid())).isTrue();
    assertThat(p.exit()).isNotDone();
  }

  @Test
  void aRecordOfAnExitedProcessHasNoSurvivor() throws Exception {
    LaunchedProcess p = processes.launch(component("gone", "true"));
    registry.record("gone", p, List.of("true"));
    p.exit().get(5, TimeUnit.SECONDS);
    PidRecord record = registry.leftovers().get(0);

    assertThat(registry.survivor(record)).isEmpty();
    assertThat(registry.reap(record, Duration.ofMillis(100)).outcome()).isEqualTo(ReapResult.Outcome.NOT_RUNNING);
  }

  @Test
  void reapStopsTheWholeGroupOfASurvivor() throws Exception {
    Path pidFile = work.resolve("grandchild.pid");
    LaunchedProcess p = processes.launch(script("orphan", "grandchild.sh", pidFile.toString()));
    long grandchild = ProcessGroupStopTest.awaitPid(pidFile);
    registry.record("orphan", p, List.of("grandchild.sh"));

    ReapResult result = registry.reap(registry.leftovers().get(0), Duration.ofSeconds(5));

    assertThat(result.outcome()).isEqualTo(ReapResult.Outcome.TERMINATED);
    assertThat(result.description()).startsWith("stopped orphan orphan pid " + p.pid()).contains("SIGTERM");
    assertThat(ProcFs.groupMembers(p.pid())).isEmpty();
    assertThat(ProcFs.running(grandchild)).isFalse();
    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("TERM"));
  }

  @Test
  void reapKillsAGroupThatIgnoresTheStopSignal() throws Exception {
    Path pidFile = work.resolve("stubborn.pid");
    LaunchedProcess p = processes.launch(script("stubborn", "ignore-term.sh", pidFile.toString()));
    long grandchild = ProcessGroupStopTest.awaitPid(pidFile);
    registry.record("stubborn", p, List.of("ignore-term.sh"));

    ReapResult result = registry.reap(registry.leftovers().get(0), Duration.ofMillis(300));

    assertThat(result.outcome()).isEqualTo(ReapResult.Outcome.KILLED);
    assertThat(result.description()).contains("SIGKILL");
    assertThat(ProcFs.groupMembers(p.pid())).isEmpty();
    assertThat(ProcFs.running(grandchild)).isFalse();
  }

  @Test
  void reapStopsDescendantsLeftInTheGroupOfAnExitedLeader() throws Exception {
    Path pidFile = work.resolve("left.pid");
    LaunchedProcess p = processes.launch(script("leaver", "grandchild.sh", pidFile.toString()));
    long grandchild = ProcessGroupStopTest.awaitPid(pidFile);
    registry.record("leaver", p, List.of("grandchild.sh"));
    new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
    p.exit().get(5, TimeUnit.SECONDS);

    PidRecord record = registry.leftovers().get(0);
    assertThat(registry.survivor(record)).isEmpty();
    ReapResult result = registry.reap(record, Duration.ofSeconds(5));

    assertThat(result.outcome()).isEqualTo(ReapResult.Outcome.TERMINATED);
    assertThat(result.description()).contains("[" + grandchild + "]").contains("exited");
    assertThat(ProcFs.running(grandchild)).isFalse();
  }

  @Test
  void anUnreadableRecordIsSkipped() throws Exception {
    Files.createDirectories(dataDir.resolve("pids"));
    Files.writeString(dataDir.resolve("pids/broken.json"), "{\"component\":\"broken\",\"pid\":");
    Files.writeString(dataDir.resolve("pids/ok.json"),
        "{\"component\":\"ok\",\"pid\":12,\"pgid\":12,\"startMillis\":1000,\"command\":[]}");

    assertThat(registry.leftovers()).containsExactly(new PidRecord("ok", 12, 12, Instant.ofEpochMilli(1000), List.of()));
  }

  private static PidRecord withStart(PidRecord r, Instant start) {
    return new PidRecord(r.component(), r.pid(), r.pgid(), start, r.command());
  }
}
