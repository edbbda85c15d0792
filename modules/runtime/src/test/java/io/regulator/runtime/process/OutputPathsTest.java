package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.component;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.regulator.core.event.ExitStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The output rules hold on both paths: the shared reader thread (true) and the fallback of two
 * pump threads per process (false).
 */
final class OutputPathsTest {

  @TempDir Path logDir;
  private LaunchedProcesses processes;

  @AfterEach
  void tearDown() {
    if (processes != null) {
      processes.close();
    }
  }

  private LaunchedProcesses processes(boolean sharedReader) {
    if (sharedReader) {
      assertThat(OutputPipes.supported()).as("the test JVM runs with " + OutputPipes.JVM_FLAG).isTrue();
    }
    processes = new LaunchedProcesses(logDir, sharedReader);
    return processes;
  }

  @ParameterizedTest(name = "shared reader: {0}")
  @ValueSource(booleans = {true, false})
  void eachStreamLandsInTheLogWithItsMarkerAndInTheTail(boolean sharedReader) throws Exception {
    LaunchedProcess p = processes(sharedReader)
        .launch(component("both", "echo one; echo two >&2; echo three").shell());

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(0));
    assertThat(p.tail()).containsExactlyInAnyOrder("one", "two", "three");
    List<String> log = await().atMost(Duration.ofSeconds(5)).until(() -> lines(logDir.resolve("both.log")),
        l -> l.size() == 3);
    assertThat(log).filteredOn(l -> l.contains(" out | ")).map(OutputPathsTest::text).containsExactly("one", "three");
    assertThat(log).filteredOn(l -> l.contains(" err | ")).map(OutputPathsTest::text).containsExactly("two");
  }

  @ParameterizedTest(name = "shared reader: {0}")
  @ValueSource(booleans = {true, false})
  void longLinesAreCutAndTheLastLineNeedsNoNewline(boolean sharedReader) throws Exception {
    LaunchedProcess p = processes(sharedReader)
        .launch(component("long", "head -c 40000 /dev/zero | tr '\\0' a; printf 'x\\r\\nlast'").shell());

    p.exit().get(5, TimeUnit.SECONDS);
    int max = OutputPump.MAX_LINE;
    assertThat(p.tail()).containsExactly("a".repeat(max), "a".repeat(max), "a".repeat(40000 - 2 * max) + "x", "last");
  }

  @ParameterizedTest(name = "shared reader: {0}")
  @ValueSource(booleans = {true, false})
  void aChildThatClosesStdoutEarlyIsStillHeardOnStderr(boolean sharedReader) throws Exception {
    LaunchedProcess p = processes(sharedReader)
        .launch(component("closer", "echo before; exec 1>&-; sleep 0.2; echo after >&2; exit 3").shell());

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(3));
    assertThat(p.tail()).containsExactly("before", "after");
  }

  @ParameterizedTest(name = "shared reader: {0}")
  @ValueSource(booleans = {true, false})
  void aGrandchildHoldingThePipeDelaysNotTheExitAndIsStillHeard(boolean sharedReader) throws Exception {
    long start = System.nanoTime();
    LaunchedProcess p = processes(sharedReader)
        .launch(component("parent", "(sleep 1.5; echo late) & echo early").shell());

    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.code(0));
    // The exit waits OUTPUT_DRAIN_MILLIS for the pipe, not for the grandchild that holds it.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
    assertThat(p.tail()).containsExactly("early");
    if (sharedReader) {
      await().atMost(Duration.ofSeconds(5)).until(p::tail, t -> t.equals(List.of("early", "late")));
    }
    // The fallback reads the JDK's own pipes, which the JDK drains and closes when the process
    // exits unless a read is under way at that moment: there a grandchild's later line may be lost.
  }

  @ParameterizedTest(name = "shared reader: {0}")
  @ValueSource(booleans = {true, false})
  void onlyTheFallbackSpendsTwoThreadsPerProcess(boolean sharedReader) throws Exception {
    LaunchedProcess p = processes(sharedReader).launch(component("threads", "echo up; exec sleep 30").shell());
    await().atMost(Duration.ofSeconds(5)).until(p::tail, t -> t.equals(List.of("up")));

    assertThat(Threads.named(n -> n.startsWith("regulator-output-threads-"))).hasSize(sharedReader ? 0 : 2);
    p.killGroup();
    assertThat(p.exit().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.signal("KILL"));
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** "2026-11-23T22:40:01.123Z out | text" -> "text". */
  private static String text(String line) {
    return line.substring(line.indexOf(" | ") + 3);
  }
}
