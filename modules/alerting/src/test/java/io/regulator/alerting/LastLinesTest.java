package io.regulator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastLinesTest {

  @TempDir Path logs;

  @Test
  void prefersStderrAndStripsTimestampsAndMarkers() throws Exception {
    Files.writeString(logs.resolve("web.log"), """
        2026-11-23T22:40:01.100Z out | starting
        2026-11-23T22:40:01.200Z err | Traceback (most recent call last):
        2026-11-23T22:40:01.300Z out | still here
        2026-11-23T22:40:01.400Z err | OSError: [Errno 98] Address already in use
        """);
    assertThat(LastLines.of(logs, "web", 10))
        .containsExactly("Traceback (most recent call last):", "OSError: [Errno 98] Address already in use");
  }

  @Test
  void keepsOnlyTheLastLinesOfABigLogAndNothingForAMissingOne() throws Exception {
    String big = IntStream.range(0, 5000).mapToObj(i -> "2026-11-23T22:40:01.100Z out | line " + i)
        .collect(Collectors.joining("\n", "", "\n"));
    Files.writeString(logs.resolve("chatty.log"), big);
    assertThat(LastLines.of(logs, "chatty", 3)).containsExactly("line 4997", "line 4998", "line 4999");
    assertThat(LastLines.of(logs, "absent", 3)).isEmpty();
  }
}
