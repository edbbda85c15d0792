package io.regulator.runtime.process;

import static io.regulator.runtime.process.TestComponents.component;
import static io.regulator.runtime.process.TestComponents.script;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stdout and stderr land in the rotated component log and in the in-memory tail. */
final class ComponentOutputTest {

  private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  @TempDir Path logDir;
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
  void linesLandInTheComponentLogWithTimestampAndStreamMarker() throws Exception {
    LaunchedProcess p = processes.launch(script("talker", "chatter.sh", "3"));
    p.exit().get(5, TimeUnit.SECONDS);

    Path log = logDir.resolve("talker.log");
    assertThat(processes.launcher.logFile("talker")).isEqualTo(log.toAbsolutePath());
    List<String> lines = await().atMost(Duration.ofSeconds(5)).until(() -> lines(log), l -> l.size() == 6);
    assertThat(lines).allSatisfy(line -> assertThat(line).matches(TIMESTAMP + " (out|err) \\| (out|err) line \\d"));
    // Each stream keeps its own order; the two interleave as they arrive.
    assertThat(lines).filteredOn(l -> l.contains(" out | ")).map(ComponentOutputTest::text)
        .containsExactly("out line 1", "out line 2", "out line 3");
    assertThat(lines).filteredOn(l -> l.contains(" err | ")).map(ComponentOutputTest::text)
        .containsExactly("err line 1", "err line 2", "err line 3");
  }

  @Test
  void textIsLoggedVerbatim() throws Exception {
    LaunchedProcess p = processes.launch(component("verbatim", "printf 'value {} 100%% %%s\\r\\nno newline at end'").shell());
    p.exit().get(5, TimeUnit.SECONDS);

    assertThat(p.tail()).containsExactly("value {} 100% %s", "no newline at end");
    List<String> lines = await().atMost(Duration.ofSeconds(5))
        .until(() -> lines(logDir.resolve("verbatim.log")), l -> l.size() == 2);
    assertThat(lines).map(ComponentOutputTest::text).containsExactly("value {} 100% %s", "no newline at end");
  }

  @Test
  void theLogRotatesBySizeAndKeepsAtMostMaxFiles() throws Exception {
    String padding = "-" + "x".repeat(60);
    LaunchedProcess p = processes.launch(script("rotating", "chatter.sh", "2000", "out", padding)
        .output(10 * 1024, 3, 50));
    p.exit().get(30, TimeUnit.SECONDS);

    Path log = logDir.resolve("rotating.log");
    await().atMost(Duration.ofSeconds(5)).until(() -> lines(log).stream().anyMatch(l -> l.endsWith("line 2000" + padding)));
    try (Stream<Path> files = Files.list(logDir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("rotating.log", "rotating.log.1", "rotating.log.2");
    }
    for (String name : List.of("rotating.log", "rotating.log.1", "rotating.log.2")) {
      // The size is checked before each line, so a file ends at most one line past the limit.
      assertThat(Files.size(logDir.resolve(name))).as(name).isBetween(1L, 10 * 1024L + 120);
    }
    // Oldest to newest, the kept files hold the last lines without a gap.
    List<String> kept = new ArrayList<>();
    kept.addAll(lines(logDir.resolve("rotating.log.2")));
    kept.addAll(lines(logDir.resolve("rotating.log.1")));
    kept.addAll(lines(log));
    int first = 2001 - kept.size();
    assertThat(kept).map(ComponentOutputTest::text)
        .containsExactlyElementsOf(IntStream.rangeClosed(first, 2000).mapToObj(i -> "out line " + i + padding).toList());
  }

  @Test
  void theTailKeepsExactlyTheLastLines() throws Exception {
    LaunchedProcess p = processes.launch(script("tailed", "chatter.sh", "20", "out").output(1024 * 1024, 2, 5));
    p.exit().get(5, TimeUnit.SECONDS);

    assertThat(p.tail()).containsExactly("out line 16", "out line 17", "out line 18", "out line 19", "out line 20");
  }

  @Test
  void theTailHoldsStderrTooAndIsReadyWhenTheExitIsReported() throws Exception {
    LaunchedProcess p = processes.launch(script("dying", "exit-code.sh", "7"));

    p.exit().get(5, TimeUnit.SECONDS);
    assertThat(p.tail()).containsExactly("exiting with 7");
  }

  @Test
  void aLineWithoutNewlineIsCutIntoBoundedPieces() throws Exception {
    LaunchedProcess p = processes.launch(component("flood", "head -c 40000 /dev/zero | tr '\\0' a").shell());
    p.exit().get(5, TimeUnit.SECONDS);

    assertThat(p.tail()).map(String::length)
        .containsExactly(OutputPump.MAX_LINE, OutputPump.MAX_LINE, 40000 - 2 * OutputPump.MAX_LINE);
  }

  @Test
  void restartsOfAComponentShareOneLogFileAndOneAppender() throws Exception {
    LaunchedProcess first = processes.launch(component("restarted", "echo first").shell());
    first.exit().get(5, TimeUnit.SECONDS);
    LaunchedProcess second = processes.launch(component("restarted", "echo second").shell());
    second.exit().get(5, TimeUnit.SECONDS);

    Path log = logDir.resolve("restarted.log");
    List<String> lines = await().atMost(Duration.ofSeconds(5)).until(() -> lines(log), l -> l.size() == 2);
    assertThat(lines).map(ComponentOutputTest::text).containsExactly("first", "second");
    // The tail is per process: the replacement's does not mix in its predecessor's last words.
    assertThat(first.tail()).containsExactly("first");
    assertThat(second.tail()).containsExactly("second");
    assertThat(processes.launcher.openLogCount()).isEqualTo(1);
    assertThat(openDescriptorsOf(log)).isEqualTo(1);

    processes.launcher.close();
    assertThat(openDescriptorsOf(log)).isZero();
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  /** "2026-11-23T22:40:01.123Z out | text" -> "text". */
  private static String text(String line) {
    return line.substring(line.indexOf(" | ") + 3);
  }

  private static long openDescriptorsOf(Path file) throws IOException {
    Path target = file.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(target);
        } catch (IOException e) {
          return false; // closed while listing
        }
      }).count();
    }
  }
}
