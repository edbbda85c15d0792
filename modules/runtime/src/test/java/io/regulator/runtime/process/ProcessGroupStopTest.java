package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping reaches every descendant: no grandchild survives a stop. */
final class ProcessGroupStopTest {

  @TempDir Path logDir;
  @TempDir Path work;
  private LaunchedProcesses processes;

  @BeforeEach
  void setUp() {
    processes = new LaunchedProcesses(logDir);
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  @Test
  void termToTheGroupStopsTheGrandchildToo() throws Exception {
    Path pidFile = work.resolve("grandchild.pid");
    LaunchedProcess p = processes.launch(script("forker", "grandchild.sh", pidFile.toString()));
    long grandchild = awaitPid(pidFile);
    assertThat(ProcFs.pgid(grandchild)).contains(p.pid());
    assertThat(ProcFs.groupMembers(p.pid())).contains(p.pid(), grandchild);

    p.signalGroup("TERM");

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("TERM"));
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcFs.groupMembers(p.pid()).isEmpty());
    assertThat(ProcFs.running(grandchild)).isFalse();
    assertThat(p.groupAlive()).isFalse();
  }

  @Test
  void aGroupThatIgnoresTermNeedsKill() throws Exception {
    Path pidFile = work.resolve("stubborn.pid");
    LaunchedProcess p = processes.launch(script("stubborn", "ignore-term.sh", pidFile.toString()));
    long grandchild = awaitPid(pidFile);

    p.signalGroup("SIGTERM");
    Thread.sleep(300);
    assertThat(p.exit()).isNotDone();
    assertThat(ProcFs.running(grandchild)).isTrue();
    assertThat(p.groupAlive()).isTrue();

    p.killGroup();

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("KILL"));
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcFs.groupMembers(p.pid()).isEmpty());
    assertThat(ProcFs.running(grandchild)).isFalse();
    assertThat(p.groupAlive()).isFalse();
  }

  @Test
  void aGrandchildLeftBehindByTheLeaderIsStillReachedThroughTheGroup() throws Exception {
    Path pidFile = work.resolve("left.pid");
    LaunchedProcess p = processes.launch(script("leaver", "grandchild.sh", pidFile.toString()));
    long grandchild = awaitPid(pidFile);

    // Only the leader dies (what a crash looks like); its grandchild keeps running in the group.
    new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("KILL"));
    assertThat(ProcFs.running(grandchild)).isTrue();
    assertThat(p.groupAlive()).isTrue();

    p.killGroup();

    await().atMost(Duration.ofSeconds(5)).until(() -> !ProcFs.running(grandchild));
    assertThat(ProcFs.groupMembers(p.pid())).isEmpty();
    assertThat(p.groupAlive()).isFalse();
    p.signalGroup("TERM"); // an empty group is not an error
  }

  @Test
  void signallingRightAfterTheLaunchStillStopsTheProcess() throws Exception {
    // Sent before setsid may have run: falls back to the pid itself, so nothing escapes.
    LaunchedProcess p = processes.launch(TestComponents.component("early", "sleep", "1000"));
    p.signalGroup("TERM");

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("TERM"));
  }

  static long awaitPid(Path file) {
    return await().atMost(Duration.ofSeconds(5)).until(() -> ProcFs.pidIn(file), java.util.Optional::isPresent)
        .orElseThrow();
  }
}
