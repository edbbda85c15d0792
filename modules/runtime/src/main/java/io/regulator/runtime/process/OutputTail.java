package io.regulator.runtime.process;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} lines of one process's stdout and stderr, in arrival order. */
final class OutputTail {

  private final int capacity;
  private final ArrayDeque<String> lines;

  OutputTail(int capacity) {
    this.capacity = Math.max(0, capacity);
    this.lines = new ArrayDeque<>(Math.min(this.capacity, 64));
  }

  synchronized void add(String line) {
    if (capacity == 0) {
      return;
    }
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }

  synchronized List<String> snapshot() {
    return List.copyOf(lines);
  }
}
