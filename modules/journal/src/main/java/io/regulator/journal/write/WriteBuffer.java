package io.regulator.journal.write;

import io.regulator.journal.StoredEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events received but not yet stored, one queue per persistence id, bounded as a whole. The
 * front of a queue may be in flight (sent to the store, not confirmed); a queue has at most one
 * write in flight, which keeps each component's events in order. When the buffer is full the
 * oldest event that is not in flight is dropped, whichever component it belongs to: recent events
 * say more about what is going on now.
 *
 * <p>Not thread-safe: owned by the {@link JournalWriter}.
 */
final class WriteBuffer {

  private record Entry(long arrival, StoredEvent event) {}

  private static final class Queue {
    /** Sent to the store, not yet confirmed; always older than {@link #waiting}. */
    final ArrayDeque<Entry> flying = new ArrayDeque<>();
    final ArrayDeque<Entry> waiting = new ArrayDeque<>();

    boolean isEmpty() {
      return flying.isEmpty() && waiting.isEmpty();
    }
  }

  private final int capacity;
  private final Map<String, Queue> queues = new LinkedHashMap<>();
  private long arrivals;
  private int size;
  private long dropped;

  WriteBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Buffers an event.
   *
   * @return how many events were dropped to make room (0 or 1)
   */
  int add(String persistenceId, StoredEvent event) {
    int droppedNow = 0;
    if (size >= capacity) {
      if (!dropOldest()) {
        // everything buffered is in flight: the newcomer is the one that cannot be kept
        dropped++;
        return 1;
      }
      droppedNow = 1;
    }
    queues.computeIfAbsent(persistenceId, id -> new Queue()).waiting.addLast(new Entry(arrivals++, event));
    size++;
    return droppedNow;
  }

  /**
   * Up to {@code max} events of the persistence id from the front, now in flight; empty when a
   * write of it is already in flight or it has nothing buffered.
   */
  List<StoredEvent> take(String persistenceId, int max) {
    Queue q = queues.get(persistenceId);
    if (q == null || !q.flying.isEmpty() || q.waiting.isEmpty()) {
      return List.of();
    }
    List<StoredEvent> batch = new ArrayList<>(Math.min(max, q.waiting.size()));
    while (batch.size() < max && !q.waiting.isEmpty()) {
      Entry e = q.waiting.pollFirst();
      q.flying.addLast(e);
      batch.add(e.event());
    }
    return batch;
  }

  /** The write in flight is stored: its events leave the buffer. Returns how many. */
  int confirm(String persistenceId) {
    Queue q = queues.get(persistenceId);
    if (q == null) {
      return 0;
    }
    int n = q.flying.size();
    q.flying.clear();
    size -= n;
    if (q.isEmpty()) {
      queues.remove(persistenceId);
    }
    return n;
  }

  /** The write in flight failed: its events go back to the front, to be sent again (or dropped). */
  void release(String persistenceId) {
    Queue q = queues.get(persistenceId);
    if (q != null) {
      while (!q.flying.isEmpty()) {
        q.waiting.addFirst(q.flying.pollLast());
      }
    }
  }

  boolean inFlight(String persistenceId) {
    Queue q = queues.get(persistenceId);
    return q != null && !q.flying.isEmpty();
  }

  /** Whether the persistence id has events that are not in flight. */
  boolean hasWaiting(String persistenceId) {
    Queue q = queues.get(persistenceId);
    return q != null && !q.waiting.isEmpty();
  }

  /** Persistence ids with events buffered. */
  List<String> persistenceIds() {
    return List.copyOf(queues.keySet());
  }

  int size() {
    return size;
  }

  int capacity() {
    return capacity;
  }

  /** Events dropped since this buffer was created. */
  long dropped() {
    return dropped;
  }

  private boolean dropOldest() {
    String oldestId = null;
    long oldestArrival = Long.MAX_VALUE;
    for (Map.Entry<String, Queue> e : queues.entrySet()) {
      Entry head = e.getValue().waiting.peekFirst();
      if (head != null && head.arrival() < oldestArrival) {
        oldestArrival = head.arrival();
        oldestId = e.getKey();
      }
    }
    if (oldestId == null) {
      return false;
    }
    Queue q = queues.get(oldestId);
    q.waiting.pollFirst();
    size--;
    dropped++;
    if (q.isEmpty()) {
      queues.remove(oldestId);
    }
    return true;
  }

  @Override
  public String toString() {
    Map<String, Integer> sizes = new HashMap<>();
    queues.forEach((id, q) -> sizes.put(id, q.flying.size() + q.waiting.size()));
    return "WriteBuffer" + sizes;
  }
}
