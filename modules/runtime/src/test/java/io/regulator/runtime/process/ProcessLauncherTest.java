package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.component;
import static io.regulator.runtime.process.TestComponents.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ExitStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting real processes: identity, exit decoding, environment, cwd, shell and user. */
final class ProcessLauncherTest {

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
  void theProcessLeadsItsOwnGroupAndIsADirectChildOfTheJvm() throws Exception {
    Instant before = Instant.now();
    long nanosBefore = System.nanoTime();
    LaunchedProcess p = processes.launch(component("sleeper", "sleep", "1000"));

    assertThat(p.startedNanos()).isBetween(nanosBefore, System.nanoTime());
    // setsid exec'd in place: the pid is the component itself, and its group and session id
    // (from the moment setsid(2) ran, a few hundred microseconds after the spawn).
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcFs.pgid(p.pid()).orElse(-1L) == p.pid());
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(p.pid())
        .flatMap(h -> h.info().command()).orElse("").endsWith("/sleep"));
    assertThat(ProcessHandle.current().children().mapToLong(ProcessHandle::pid)).contains(p.pid());
    assertThat(p.startInstant()).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
    assertThat(p.groupAlive()).isTrue();
    assertThat(p.exit()).isNotDone();
  }

  @Test
  void anExitCodeIsRecorded() throws Exception {
    assertThat(processes.launch(script("exits", "exit-code.sh", "3")).exit().get(5, TimeUnit.SECONDS))
        .isEqualTo(ExitStatus.code(3));
    assertThat(processes.launch(script("exits", "exit-code.sh", "0")).exit().get(5, TimeUnit.SECONDS))
        .isEqualTo(ExitStatus.code(0));
  }

  @Test
  void aKillFromOutsideIsRecordedAsTheSignalPromptly() throws Exception {
    LaunchedProcess p = processes.launch(component("victim", "sleep", "1000"));

    long sent = System.nanoTime();
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("KILL"));
    // Event-driven: well under the ~2 s a poll of a non-child would take.
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(500));
  }

  @Test
  void environmentOverridesReachTheChildOnTopOfTheInheritedOnes() throws Exception {
    LaunchedProcess p = processes.launch(script("env", "print-env.sh").env("GREETING", "hello from regulator"));

    p.exit().get(5, TimeUnit.SECONDS);
    assertThat(p.tail()).contains("GREETING=hello from regulator", "PATH_SET=yes");
  }

  @Test
  void theWorkingDirectoryIsHonoured() throws Exception {
    LaunchedProcess p = processes.launch(script("cwd", "print-env.sh").cwd(work));

    p.exit().get(5, TimeUnit.SECONDS);
    assertThat(p.tail()).contains("PWD=" + work.toRealPath());
  }

  @Test
  void aRelativeCommandIsFoundFromTheWorkingDirectory() throws Exception {
    LaunchedProcess p = processes.launch(component("relative", "./exit-code.sh", "4").cwd(TestComponents.scripts()));

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(4));
  }

  @Test
  void shellCommandsRunThroughSh() throws Exception {
    LaunchedProcess p = processes.launch(component("shell", "echo \"$0\"; echo hello | tr a-z A-Z; exit 5").shell());

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(5));
    assertThat(p.tail()).containsExactly("/bin/sh", "HELLO");
  }

  @Test
  void aComponentRunsAsItsUserWhenRegulatorIsRoot() throws Exception {
    assumeThat(System.getProperty("user.name")).isEqualTo("root");
    LaunchedProcess p = processes.launch(component("as-nobody", "id -u; id -g; echo $HOME $USER").shell().user("nobody"));

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(0));
    assertThat(p.tail()).containsExactly("65534", "65534", "/nonexistent nobody");
  }

  @Test
  void anUnknownUserIsALaunchFailure() {
    assumeThat(System.getProperty("user.name")).isEqualTo("root");
    assertThatThrownBy(() -> processes.launch(component("ghost", "true").user("no-such-user-regulator")))
        .isInstanceOfSatisfying(LaunchFailure.class, f -> {
          assertThat(f.cause().category()).isEqualTo(CauseCategory.EXEC_FAILED);
          assertThat(f.cause().detail()).contains("user not found: no-such-user-regulator");
        });
  }

  @Test
  void anotherUserWithoutRootIsALaunchFailure() {
    assumeThat(System.getProperty("user.name")).isNotEqualTo("root");
    assertThatThrownBy(() -> processes.launch(component("as-root", "true").user("root")))
        .isInstanceOfSatisfying(LaunchFailure.class, f ->
            assertThat(f.cause().detail()).contains("as user root").contains("not root"));
  }
}
