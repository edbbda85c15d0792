package io.regulator.alerting.delivery;

import io.regulator.alerting.AlertSerializable;
import io.regulator.alerting.Notification;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link Outbox} knows, folded from its events (and its snapshot): the undelivered
 * messages in the order they were queued, the ids of the latest finished ones (to drop a message
 * that comes again), counters, and whether the receiver is disabled. Immutable: snapshots are
 * serialized while the outbox goes on.
 *
 * @param pending undelivered, oldest first; the first is the one being delivered
 * @param finished ids of delivered or failed messages, oldest first, at most {@code dedup-window}
 * @param disabled why the receiver is disabled, if it is
 */
public record OutboxState(List<Notification> pending, List<String> finished, long delivered, long failed,
    Optional<Outbox.ReceiverDisabled> disabled) implements AlertSerializable {

  public OutboxState {
    pending = List.copyOf(pending);
    finished = List.copyOf(finished);
  }

  public static OutboxState empty() {
    return new OutboxState(List.of(), List.of(), 0, 0, Optional.empty());
  }

  /** The message being delivered, if any. */
  public Optional<Notification> head() {
    return pending.isEmpty() ? Optional.empty() : Optional.of(pending.get(0));
  }

  /** Whether the id was queued before: pending, or finished within the dedup window. */
  public boolean knows(String id) {
    return finished.contains(id) || pending.stream().anyMatch(n -> n.id().equals(id));
  }

  public boolean pendingHas(String id) {
    return pending.stream().anyMatch(n -> n.id().equals(id));
  }

  /** The state after the event; the same whatever the order of live and replayed events. */
  public OutboxState apply(Outbox.Event event, int dedupWindow) {
    if (event instanceof Outbox.Queued q) {
      if (knows(q.notification().id())) {
        return this;
      }
      List<Notification> p = new ArrayList<>(pending);
      p.add(q.notification());
      return new OutboxState(p, finished, delivered, failed, disabled);
    }
    if (event instanceof Outbox.Delivered d) {
      return finish(d.id(), dedupWindow, 1, 0);
    }
    if (event instanceof Outbox.Failed f) {
      return finish(f.id(), dedupWindow, 0, 1);
    }
    if (event instanceof Outbox.ReceiverDisabled d) {
      return new OutboxState(pending, finished, delivered, failed, Optional.of(d));
    }
    if (event instanceof Outbox.ReceiverEnabled) {
      return new OutboxState(pending, finished, delivered, failed, Optional.empty());
    }
    throw new IllegalArgumentException("unknown outbox event " + event.getClass().getName());
  }

  private OutboxState finish(String id, int dedupWindow, int deliveredDelta, int failedDelta) {
    if (!pendingHas(id)) {
      return this;
    }
    List<Notification> p = new ArrayList<>(pending);
    p.removeIf(n -> n.id().equals(id));
    List<String> f = new ArrayList<>(finished);
    f.add(id);
    if (f.size() > dedupWindow) {
      f = f.subList(f.size() - dedupWindow, f.size());
    }
    return new OutboxState(p, f, delivered + deliveredDelta, failed + failedDelta, disabled);
  }
}
