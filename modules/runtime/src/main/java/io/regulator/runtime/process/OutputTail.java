package io.regulator.runtime.process;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The last {@code capacity} lines of one process's stdout and stderr, in arrival order, and the
 * listeners that want every line as it arrives (e.g. a log probe).
 */
final class OutputTail {

  private final int capacity;
  private final ArrayDeque<String> lines;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  OutputTail(int capacity) {
    this.capacity = Math.max(0, capacity);
    this.lines = new ArrayDeque<>(Math.min(this.capacity, 64));
  }

  /**
   * Keeps {@code line} and hands it to every listener, under the lock so that a listener added
   * with replay sees each line exactly once and in order.
   */
  synchronized void add(String line) {
    if (capacity > 0) {
      if (lines.size() == capacity) {
        lines.removeFirst();
      }
      lines.addLast(line);
    }
    for (Consumer<String> listener : listeners) {
      try {
        listener.accept(line);
      } catch (RuntimeException e) {
        // A broken listener must not stop the pump: the log and the tail matter more.
      }
    }
  }

  synchronized List<String> snapshot() {
    return List.copyOf(lines);
  }

  /** Adds {@code listener}; with {@code replay} it first gets the lines already kept. */
  synchronized void addListener(Consumer<String> listener, boolean replay) {
    if (replay) {
      for (String line : lines) {
        try {
          listener.accept(line);
        } catch (RuntimeException e) {
          // as in add
        }
      }
    }
    listeners.add(listener);
  }

  void removeListener(Consumer<String> listener) {
    listeners.remove(listener);
  }
}
