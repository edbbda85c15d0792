package io.regulator.journal.read;

import io.regulator.core.event.HealthEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The journal keeps each component's events in the order they happened, but writes components in
 * batches, so across components its order is the order of writing. This puts them in time order
 * for a timeline without ever reordering one component's own events (a wall clock stepped back
 * cannot swap a crash and its restart).
 */
public final class TimeOrder {

  private TimeOrder() {}

  public static List<HealthEvent> of(List<HealthEvent> journalOrder) {
    // each component's positions in the journal, in order
    Map<String, List<Integer>> byComponent = new LinkedHashMap<>();
    for (int i = 0; i < journalOrder.size(); i++) {
      byComponent.computeIfAbsent(journalOrder.get(i).component(), c -> new ArrayList<>()).add(i);
    }
    if (byComponent.size() <= 1) {
      return journalOrder;
    }
    // A merge of the per-component sequences: the earliest head first, ties in journal order.
    record Head(List<Integer> positions, int next, int position) {}
    PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
      int byTime = journalOrder.get(a.position()).time().compareTo(journalOrder.get(b.position()).time());
      return byTime != 0 ? byTime : Integer.compare(a.position(), b.position());
    });
    byComponent.values().forEach(positions -> heads.add(new Head(positions, 1, positions.get(0))));
    List<HealthEvent> merged = new ArrayList<>(journalOrder.size());
    while (!heads.isEmpty()) {
      Head head = heads.poll();
      merged.add(journalOrder.get(head.position()));
      if (head.next() < head.positions().size()) {
        heads.add(new Head(head.positions(), head.next() + 1, head.positions().get(head.next())));
      }
    }
    return merged;
  }
}
