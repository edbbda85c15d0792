package io.regulator.runtime.process;

import ch.qos.logback.classic.Logger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts the bytes of one stream (stdout or stderr) into lines and hands each to the process's
 * tail and the component's log. The bytes come in chunks of any size, so a line may span several
 * chunks; only that unfinished line is kept between them.
 *
 * <p>A line ends at '\n'; a trailing '\r' is dropped; the text is UTF-8. A line longer than
 * {@link #MAX_LINE} bytes is cut into pieces of that size, so a newline-free stream cannot exhaust
 * the heap. At end of file, an unfinished last line is emitted as it is.
 *
 * <p>Not thread-safe: one reader feeds it.
 */
final class LineSplitter {

  /** Longer lines are cut into pieces of this many bytes. */
  static final int MAX_LINE = 16 * 1024;
  private static final int INITIAL_CARRY = 256;

  private final Logger log;
  private final OutputTail tail;
  /** The unfinished line; allocated on first need, so a quiet stream costs no buffer. */
  private byte[] carry;
  private int carryLen;

  LineSplitter(Logger log, OutputTail tail) {
    this.log = log;
    this.tail = tail;
  }

  /** Takes {@code bytes[from, to)}: emits every line it completes and keeps the rest. */
  void feed(byte[] bytes, int from, int to) {
    int start = from;
    int cutAt = start + MAX_LINE - carryLen; // where the current line reaches MAX_LINE
    for (int i = from; i < to; i++) {
      if (bytes[i] == '\n') {
        line(bytes, start, i);
        start = i + 1;
        cutAt = start + MAX_LINE;
      } else if (i + 1 == cutAt) {
        line(bytes, start, i + 1); // an over-long line, cut
        start = i + 1;
        cutAt = start + MAX_LINE;
      }
    }
    keep(bytes, start, to);
  }

  /** End of file: emits the last line if it had no newline. */
  void finish() {
    if (carryLen > 0) {
      int len = carryLen;
      carryLen = 0;
      emit(carry, 0, len);
    }
  }

  /** Emits the kept bytes followed by {@code bytes[from, to)} as one line. */
  private void line(byte[] bytes, int from, int to) {
    if (carryLen == 0) {
      emit(bytes, from, to);
      return;
    }
    keep(bytes, from, to);
    int len = carryLen;
    carryLen = 0;
    emit(carry, 0, len);
  }

  private void keep(byte[] bytes, int from, int to) {
    int n = to - from;
    if (n == 0) {
      return;
    }
    if (carry == null || carry.length < carryLen + n) {
      int size = Math.max(INITIAL_CARRY, carry == null ? 0 : carry.length);
      while (size < carryLen + n) {
        size *= 2;
      }
      carry = carry == null ? new byte[Math.min(size, MAX_LINE)] : Arrays.copyOf(carry, Math.min(size, MAX_LINE));
    }
    System.arraycopy(bytes, from, carry, carryLen, n);
    carryLen += n;
  }

  private void emit(byte[] bytes, int from, int to) {
    int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
    String line = new String(bytes, from, end - from, StandardCharsets.UTF_8);
    try {
      tail.add(line);
      log.info(line);
    } catch (RuntimeException e) {
      // Logback failed on this line: the next one may fare better, and reading must go on.
    }
  }
}
