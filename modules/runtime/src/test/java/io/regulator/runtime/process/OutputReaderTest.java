package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.component;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One thread reads the output of every process, without leaking descriptors, and survives itself. */
final class OutputReaderTest {

  @TempDir Path logDir;
  private LaunchedProcesses processes;

  @BeforeEach
  void setUp() {
    assertThat(OutputPipes.supported()).as("the test JVM runs with " + OutputPipes.JVM_FLAG).isTrue();
    processes = new LaunchedProcesses(logDir);
  }

  @AfterEach
  void tearDown() {
    processes.close();
  }

  @Test
  void fiftyProcessesTalkingOnBothStreamsShareOneThread() throws Exception {
    int threadsBefore = Thread.activeCount();
    List<LaunchedProcess> launched = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      launched.add(processes.launch(component("many-" + i,
          "echo out-" + i + "; echo err-" + i + " >&2; echo more-" + i + "; exec sleep 30").shell()));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> launched.stream().allMatch(p -> p.tail().size() == 3));
    for (int i = 0; i < 50; i++) {
      assertThat(launched.get(i).tail()).containsExactlyInAnyOrder("out-" + i, "err-" + i, "more-" + i);
    }

    // All 50 still hold their pipes open: with a thread per stream this would be 100 threads more.
    assertThat(Threads.named(OutputReader.THREAD_NAME::equals)).hasSize(1);
    assertThat(Threads.named(n -> n.startsWith("regulator-output-many-"))).isEmpty();
    assertThat(Thread.activeCount() - threadsBefore).isLessThan(20);

    // A line reaches the tail just before the log.
    await().atMost(Duration.ofSeconds(5)).until(() -> launched.stream()
        .allMatch(p -> lineCount(logDir.resolve(p.component() + ".log")) == 3));
    for (int i = 0; i < 50; i++) {
      List<String> log = Files.readAllLines(logDir.resolve("many-" + i + ".log"));
      assertThat(log).filteredOn(l -> l.contains(" out | ")).map(OutputReaderTest::text)
          .containsExactly("out-" + i, "more-" + i);
      assertThat(log).filteredOn(l -> l.contains(" err | ")).map(OutputReaderTest::text)
          .containsExactly("err-" + i);
    }
    launched.forEach(LaunchedProcess::killGroup);
    for (LaunchedProcess p : launched) {
      assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("KILL"));
    }
  }

  @Test
  void twoHundredLaunchesLeaveNoDescriptorBehind() throws Exception {
    // Warm up: the reader's selector and the component's log file are opened once, then kept.
    processes.launch(component("fd", "echo warm").shell()).exit().get(5, TimeUnit.SECONDS);
    long before = openDescriptors();

    for (int batch = 0; batch < 10; batch++) {
      List<CompletableFuture<ExitStatus>> exits = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        exits.add(processes.launch(component("fd", "echo out; echo err >&2").shell()).exit());
      }
      for (CompletableFuture<ExitStatus> exit : exits) {
        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(0));
      }
    }

    // A pipe is closed at its end of file, shortly after the exit at worst: allow for that, and
    // for a few descriptors the JVM opens on its own (jars, sockets).
    await().atMost(Duration.ofSeconds(5)).until(() -> openDescriptors() - before <= 5);
  }

  @Test
  void whenTheReaderThreadDiesItsStreamsGoOnAndNewLaunchesWork() throws Exception {
    LaunchedProcess ticking = processes.launch(
        component("ticking", "i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo tick $i; sleep 0.01; done").shell());
    await().atMost(Duration.ofSeconds(5)).until(() -> ticking.tail().size() >= 3);
    Thread reader = Threads.thread(OutputReader.THREAD_NAME);

    // Errors are not caught per line (only exceptions are): this one ends the reader thread.
    ticking.addOutputListener(line -> {
      if (line.equals("tick 20")) {
        throw new AssertionError("a listener failed badly");
      }
    });
    reader.join(5_000);
    assertThat(reader.isAlive()).isFalse();

    // The stream continues on a thread of its own, and a new launch starts a new reader.
    await().atMost(Duration.ofSeconds(5)).until(() -> ticking.tail().contains("tick 30"));
    assertThat(Threads.named("regulator-output-ticking-out"::equals)).hasSize(1);
    LaunchedProcess next = processes.launch(component("next", "echo still heard; echo on err >&2").shell());
    assertThat(next.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(0));
    assertThat(next.tail()).containsExactlyInAnyOrder("still heard", "on err");
    assertThat(Threads.named(OutputReader.THREAD_NAME::equals)).hasSize(1);

    ticking.killGroup();
    assertThat(ticking.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("KILL"));
    await().atMost(Duration.ofSeconds(5)).until(() -> Threads.named("regulator-output-ticking-out"::equals).isEmpty());
  }

  private static long lineCount(Path file) {
    try {
      return Files.readAllLines(file).size();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** "2026-11-23T22:40:01.123Z out | text" -> "text". */
  private static String text(String line) {
    return line.substring(line.indexOf(" | ") + 3);
  }
}
