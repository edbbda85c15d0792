package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ComponentProcesses.script;
import static io.regulator.runtime.probe.ProbeKit.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.runtime.process.LaunchedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log probe listens to the output of real component processes. */
final class LogProbeTest {

  @TempDir Path dir;
  private ProbeKit kit;
  private ComponentProcesses processes;

  @BeforeEach
  void setUp() {
    kit = new ProbeKit();
    processes = new ComponentProcesses(dir.resolve("logs"));
  }

  @AfterEach
  void tearDown() throws Exception {
    processes.close();
    kit.close();
  }

  private Probe log(String pattern, int repeatLimit, Path queue, Duration silentFor) {
    return kit.probe("braun", new ProbeCheck.Log(Optional.ofNullable(pattern),
        repeatLimit > 0 ? OptionalInt.of(repeatLimit) : OptionalInt.empty(),
        Optional.ofNullable(queue).map(Path::toString), Optional.ofNullable(silentFor)), Duration.ofSeconds(1));
  }

  @Test
  void aFailureLinePrintedBeforeTheFirstCheckCountsAndNamesTheLine() throws Exception {
    LaunchedProcess p = processes.launch("braun", script("probe-log.sh"), "fail");
    await().atMost(Duration.ofSeconds(5)).until(() -> p.tail().contains("ERROR: database connection lost"));
    Probe probe = log("ERROR|FATAL", 0, null, null);

    ProbeResult result = check(probe, ProbeTarget.of(p));

    assertThat(result.cause().category()).isEqualTo(CauseCategory.LOG_PATTERN);
    assertThat(result.cause().detail()).isEqualTo("output matched 'ERROR|FATAL': 'ERROR: database connection lost'");
    assertThat(result.cause().suggestion()).isEqualTo("see logs/braun.log around that line");
    // Only lines since the last check count: the ticks after it are fine.
    Thread.sleep(300);
    ProbeResult next = check(probe, ProbeTarget.of(p));
    assertThat(next.healthy()).isTrue();
    assertThat(next.detail()).matches("\\d+ lines since the last check");
  }

  @Test
  void aFailureLinePrintedLaterIsSeenAtTheNextCheck() throws Exception {
    LaunchedProcess p = processes.launch("braun", "/bin/sh", "-c",
        "echo started; sleep 0.5; echo 'FATAL: disk full'; echo 'FATAL: still full'; exec sleep 100000");
    Probe probe = log("FATAL", 0, null, null);
    assertThat(check(probe, ProbeTarget.of(p)).healthy()).isTrue();

    ProbeResult result = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
        .until(() -> check(probe, ProbeTarget.of(p)), r -> !r.healthy());

    assertThat(result.cause().category()).isEqualTo(CauseCategory.LOG_PATTERN);
    assertThat(result.cause().detail()).isEqualTo("output matched 'FATAL': 'FATAL: disk full' (and 1 more)");
  }

  @Test
  void theSameLineRepeatedWhileTheQueueHoldsWorkIsADeadlock() throws Exception {
    Path queue = Files.createDirectory(dir.resolve("patches"));
    LaunchedProcess p = processes.launch("braun", script("probe-log.sh"), "loop");
    Probe probe = log(null, 12, queue, null);
    // Repeating while there is nothing to do is what an idle daemon does: healthy.
    await().atMost(Duration.ofSeconds(5)).until(() -> p.tail().size() >= 15);
    assertThat(check(probe, ProbeTarget.of(p)).healthy()).isTrue();

    for (String name : new String[] {"a.patch", "b.patch", "c.patch"}) {
      Files.writeString(queue.resolve(name), "patch");
    }

    ProbeResult result = check(probe, ProbeTarget.of(p));
    assertThat(result.cause().category()).isEqualTo(CauseCategory.LOG_DEADLOCK);
    // The lines carry a timestamp: they differ in their digits only, which does not hide the loop.
    assertThat(result.cause().detail()).matches("'\\d\\d:\\d\\d:\\d\\d\\.\\d+ no pending patches' repeated \\d+ times"
        + " while 3 files wait in " + Pattern.quote(queue.toString()));
    assertThat(result.cause().suggestion()).contains("a restart may unstick it");
  }

  @Test
  void noOutputForSilentForIsAHang() throws Exception {
    LaunchedProcess quiet = processes.launch("braun", script("probe-log.sh"), "quiet");
    LaunchedProcess chatty = processes.launch("cyops", script("probe-log.sh"), "tick");
    Probe quietProbe = log(null, 0, null, Duration.ofMillis(500));
    Probe chattyProbe = log(null, 0, null, Duration.ofMillis(500));
    await().atMost(Duration.ofSeconds(5)).until(() -> quiet.tail().contains("started"));
    assertThat(check(quietProbe, ProbeTarget.of(quiet)).healthy()).isTrue();
    assertThat(check(chattyProbe, ProbeTarget.of(chatty)).healthy()).isTrue();

    Thread.sleep(800);

    ProbeResult hang = check(quietProbe, ProbeTarget.of(quiet));
    assertThat(hang.cause().category()).isEqualTo(CauseCategory.LOG_HANG);
    assertThat(hang.cause().detail()).matches("no output for \\d+ ms \\(silent-for 500 ms\\)");
    assertThat(hang.cause().suggestion()).contains("strace -p " + quiet.pid());
    assertThat(check(chattyProbe, ProbeTarget.of(chatty)).healthy()).isTrue();
  }

  @Test
  void aNewProcessStartsWithAFreshStateAndTheOldOneIsNoLongerHeard() throws Exception {
    LaunchedProcess broken = processes.launch("braun", "/bin/sh", "-c",
        "while true; do echo 'ERROR: broken'; sleep 0.05; done");
    Probe probe = log("ERROR", 0, null, null);
    await().atMost(Duration.ofSeconds(5)).until(() -> !broken.tail().isEmpty());
    assertThat(check(probe, ProbeTarget.of(broken)).cause().category()).isEqualTo(CauseCategory.LOG_PATTERN);

    LaunchedProcess replacement = processes.launch("braun", script("probe-log.sh"), "tick");
    assertThat(check(probe, ProbeTarget.of(replacement)).healthy()).isTrue();
    Thread.sleep(300); // the old process keeps printing errors
    assertThat(check(probe, ProbeTarget.of(replacement)).healthy()).isTrue();
  }

  @Test
  void withoutAProcessThereIsNothingToWatch() throws Exception {
    ProbeResult result = check(log("ERROR", 0, null, null), "braun");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.NOT_RUNNING);
  }
}
