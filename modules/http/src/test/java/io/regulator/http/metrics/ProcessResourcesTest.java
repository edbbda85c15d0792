package io.regulator.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Process trees measured for real from /proc, with real child processes. */
class ProcessResourcesTest {

  private final ProcessResources resources = new ProcessResources(Clock.systemUTC());
  private final List<Process> started = new ArrayList<>();

  @TempDir Path tmp;

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
    }
  }

  /** Measures one tree from a table of its own, as a round with one component does. */
  private Optional<ProcessResources.Sample> measure(long rootPid) {
    return resources.measure(ProcTable.read(), rootPid);
  }

  private Process start(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  @Test
  void aRunningProcessHasMemoryAndOneThreadAndAnEndedOneNothing() throws Exception {
    Process sleep = start("sleep", "30");

    // right after the spawn the process may not have its own memory yet
    AtomicReference<ProcessResources.Sample> measured = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      measure(sleep.pid()).ifPresent(measured::set);
      return measured.get() != null && measured.get().residentMemoryBytes() > 0;
    });
    ProcessResources.Sample sample = measured.get();
    assertThat(sample.threads()).isEqualTo(1);
    assertThat(sample.cpuSeconds()).isGreaterThanOrEqualTo(0);

    sleep.destroy();
    sleep.waitFor();
    assertThat(measure(sleep.pid())).isEmpty();
  }

  @Test
  void theTreeCountsEveryDescendant() throws Exception {
    Process shell = start("sh", "-c", "sleep 30 & sleep 30 & wait");
    Process sleep = start("sleep", "30");
    AtomicReference<Long> single = new AtomicReference<>(0L);
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      single.set(measure(sleep.pid()).map(ProcessResources.Sample::residentMemoryBytes).orElse(0L));
      return single.get() > 0;
    });

    // the shell and its two sleeps, one thread each, once both are forked
    await().atMost(Duration.ofSeconds(20))
        .until(() -> measure(shell.pid()).map(ProcessResources.Sample::threads).orElse(0) == 3);
    assertThat(measure(shell.pid()).orElseThrow().residentMemoryBytes()).isGreaterThan(2 * single.get());
  }

  @Test
  void theCpuOfADescendantThatEndedStaysCounted() throws Exception {
    Path stop = tmp.resolve("stop");
    // a child that burns CPU until told to stop, then the root goes on sleeping
    Process root = start("sh", "-c", "( while [ ! -e \"$0\" ]; do :; done ); exec sleep 30", stop.toString());
    AtomicReference<ProcessResources.Sample> burning = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      Optional<ProcessResources.Sample> s = measure(root.pid());
      s.ifPresent(burning::set);
      return s.isPresent() && s.get().threads() == 2 && s.get().cpuSeconds() >= 0.2;
    });

    Files.createFile(stop);
    AtomicReference<ProcessResources.Sample> after = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      Optional<ProcessResources.Sample> s = measure(root.pid());
      s.ifPresent(after::set);
      return s.isPresent() && s.get().threads() == 1;
    });
    // without the ended child's time the tree would fall back to the root's own few milliseconds
    assertThat(after.get().cpuSeconds()).isGreaterThanOrEqualTo(burning.get().cpuSeconds());
  }

  @Test
  void aForgottenRootStartsFromItsOwnTimeAgain() throws Exception {
    Path stop = tmp.resolve("stop");
    Process root = start("sh", "-c", "( while [ ! -e \"$0\" ]; do :; done ); exec sleep 30", stop.toString());
    await().atMost(Duration.ofSeconds(20)).until(() -> measure(root.pid())
        .filter(s -> s.threads() == 2 && s.cpuSeconds() >= 0.2).isPresent());
    Files.createFile(stop);
    await().atMost(Duration.ofSeconds(20)).until(() -> measure(root.pid())
        .filter(s -> s.threads() == 1).isPresent());

    resources.retain(Set.of());
    assertThat(measure(root.pid()).orElseThrow().cpuSeconds()).isLessThan(0.2);
  }
}
