package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code regulator logs}: real log files in the format the runtime writes, merged by time. */
class ComponentLogsTest {

  @TempDir Path logs;

  @Test
  void linesOfSeveralComponentsAreMergedByTimeAndPrefixedWithTheirComponent() throws Exception {
    write("web.log", "2026-11-23T12:00:00.100Z out | web 1", "2026-11-23T12:00:00.300Z err | web 2",
        "2026-11-23T12:00:00.300Z out | web 3");
    write("db.log", "2026-11-23T12:00:00.050Z out | db 1", "2026-11-23T12:00:00.300Z out | db 2",
        "2026-11-23T12:00:01.000Z out | db 3");

    List<String> names = List.of("db", "web");
    List<String> shown = ComponentLogs.last(logs, names, 100).stream()
        .map(l -> ComponentLogs.render(l, ComponentLogs.width(names))).toList();

    assertThat(shown).containsExactly(
        "db  | 2026-11-23T12:00:00.050Z out | db 1",
        "web | 2026-11-23T12:00:00.100Z out | web 1",
        "db  | 2026-11-23T12:00:00.300Z out | db 2", // same time: in component order, each file's order kept
        "web | 2026-11-23T12:00:00.300Z err | web 2",
        "web | 2026-11-23T12:00:00.300Z out | web 3",
        "db  | 2026-11-23T12:00:01.000Z out | db 3");
  }

  @Test
  void theLastNAreTheNewestOfAllFilesTogetherAndReachIntoTheRotatedFile() throws Exception {
    write("web.log.1", "2026-11-23T11:00:00.000Z out | old 1", "2026-11-23T11:00:01.000Z out | old 2");
    write("web.log", "2026-11-23T12:00:00.000Z out | new 1");
    write("db.log", "2026-11-23T11:30:00.000Z out | db");

    assertThat(ComponentLogs.last(logs, List.of("db", "web"), 3)).extracting(ComponentLogs.Line::text)
        .containsExactly("2026-11-23T11:00:01.000Z out | old 2", "2026-11-23T11:30:00.000Z out | db",
            "2026-11-23T12:00:00.000Z out | new 1");
  }

  @Test
  void aLineWithoutATimestampStaysWithTheLineBeforeIt() throws Exception {
    write("web.log", "2026-11-23T12:00:00.100Z out | Traceback:", "  File \"x.py\", line 1",
        "2026-11-23T12:00:00.900Z out | after");
    write("db.log", "2026-11-23T12:00:00.500Z out | db");

    assertThat(ComponentLogs.last(logs, List.of("db", "web"), 10)).extracting(ComponentLogs.Line::text)
        .containsExactly("2026-11-23T12:00:00.100Z out | Traceback:", "  File \"x.py\", line 1",
            "2026-11-23T12:00:00.500Z out | db", "2026-11-23T12:00:00.900Z out | after");
  }

  @Test
  void theTailOfABigFileIsReadFromItsEnd() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      b.append(String.format("2026-11-23T12:00:00.000Z out | line %05d %s%n", i, "x".repeat(40)));
    }
    Files.writeString(logs.resolve("big.log"), b);

    List<String> tail = ComponentLogs.tail(logs.resolve("big.log"), 3, Long.MAX_VALUE);
    assertThat(tail).hasSize(3);
    assertThat(tail.get(0)).contains("line 19997");
    assertThat(tail.get(2)).contains("line 19999");
  }

  @Test
  void followingReturnsNewLinesOfEveryFileInterleavedAndSurvivesRotation() throws Exception {
    write("web.log", "2026-11-23T12:00:00.000Z out | before");
    try (ComponentLogs.Follower follower = new ComponentLogs.Follower(logs, List.of("db", "web"))) {
      assertThat(follower.backlog(5)).extracting(ComponentLogs.Line::text)
          .containsExactly("2026-11-23T12:00:00.000Z out | before");
      assertThat(follower.poll()).as("what was there before is not followed").isEmpty();

      append("web.log", "2026-11-23T12:00:01.000Z out | web a", "2026-11-23T12:00:03.000Z out | web b");
      write("db.log", "2026-11-23T12:00:02.000Z out | db appears");
      assertThat(follower.poll()).extracting(l -> l.component() + " " + l.text().substring(31)).containsExactly(
          "web web a", "db db appears", "web web b");

      // rotation as Logback does it: rename to .1, then a new file; the rest of the old one comes first
      append("web.log", "2026-11-23T12:00:04.000Z out | web last of old");
      Files.move(logs.resolve("web.log"), logs.resolve("web.log.1"));
      write("web.log", "2026-11-23T12:00:05.000Z out | web first of new");
      append("db.log", "2026-11-23T12:00:04.500Z out | db c", "2026-11-23T12:00:04.500Z out | db partial");
      assertThat(follower.poll()).extracting(l -> l.text().substring(31)).containsExactly(
          "web last of old", "db c", "db partial", "web first of new");

      // a line is returned once it is complete
      Files.writeString(logs.resolve("db.log"), "2026-11-23T12:00:06.000Z out | db ha", StandardOpenOption.APPEND);
      assertThat(follower.poll()).isEmpty();
      Files.writeString(logs.resolve("db.log"), "lf\n", StandardOpenOption.APPEND);
      assertThat(follower.poll()).extracting(l -> l.text().substring(31)).containsExactly("db half");
    }
  }

  private void write(String file, String... lines) throws Exception {
    Files.writeString(logs.resolve(file), String.join("\n", lines) + "\n");
  }

  private void append(String file, String... lines) throws Exception {
    Files.writeString(logs.resolve(file), String.join("\n", lines) + "\n", StandardOpenOption.APPEND);
  }
}
