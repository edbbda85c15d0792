package io.regulator.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line rules, whatever sizes the reads come in. */
final class LineSplitterTest {

  private static final int MAX = LineSplitter.MAX_LINE;

  @Test
  void linesAreTheSameWhicheverWayTheBytesAreChunked() {
    String text = "first\nsecond\r\n\nüñïçødé ✓\n" + "x".repeat(MAX + 10) + "\nlast without newline";
    List<String> whole = split(text, Integer.MAX_VALUE);
    assertThat(whole).containsExactly("first", "second", "", "üñïçødé ✓", "x".repeat(MAX), "x".repeat(10),
        "last without newline");
    for (int chunk : new int[] {1, 2, 3, 7, 4096, MAX - 1, MAX, MAX + 1}) {
      assertThat(split(text, chunk)).as("chunks of %d bytes", chunk).isEqualTo(whole);
    }
  }

  @Test
  void aLineOfExactlyMaxBytesIsFollowedByAnEmptyOneAsBefore() {
    // The pump cut a full buffer before it saw the newline; the rule stays the same.
    assertThat(split("y".repeat(MAX) + "\nz\n", 1000)).containsExactly("y".repeat(MAX), "", "z");
  }

  @Test
  void aCutPieceAndTheLastLineLoseATrailingCarriageReturnToo() {
    assertThat(split("a".repeat(MAX - 1) + "\r" + "tail\r", 5)).containsExactly("a".repeat(MAX - 1), "tail");
  }

  @Test
  void nothingAtAllEmitsNothing() {
    assertThat(split("", 10)).isEmpty();
    assertThat(split("\n", 10)).containsExactly("");
  }

  /** Feeds {@code text} in chunks of {@code chunk} bytes, then end of file. */
  private static List<String> split(String text, int chunk) {
    OutputTail tail = new OutputTail(Integer.MAX_VALUE);
    List<String> lines = new ArrayList<>();
    tail.addListener(lines::add, false);
    LineSplitter splitter = new LineSplitter(new LoggerContext().getLogger("test"), tail);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int from = 0; from < bytes.length; from += chunk) {
      // Through a copy with other bytes around it, as the reader's shared buffer is.
      int to = (int) Math.min(bytes.length, (long) from + chunk);
      byte[] padded = new byte[to - from + 6];
      System.arraycopy(bytes, from, padded, 3, to - from);
      splitter.feed(padded, 3, 3 + to - from);
    }
    splitter.finish();
    return lines;
  }
}
