package io.regulator.http;

import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.Guardian;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.component.ComponentStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The statuses of every component, asked of the supervision tree at most once per change.
 *
 * <p>Asking every supervisor for every API call would cost a message per component per request.
 * Instead one answer is shared by every request until a health event arrives (any change of
 * state, pid, probe or circuit is one) or {@code maxAge} passes (probe latencies and uptime move
 * without events). Requests made while an ask is in flight share it. It also keeps each
 * component's last exit event, which the status does not carry in full.
 */
public final class StatusCache {

  private record Entry(long version, long nanos, CompletableFuture<List<ComponentStatus>> statuses) {}

  private final ActorSystem<?> system;
  private final ActorRef<Guardian.Command> guardian;
  private final Duration askTimeout;
  private final long maxAgeNanos;
  private final AtomicLong version = new AtomicLong();
  private final AtomicReference<Entry> current = new AtomicReference<>();
  private final Map<String, HealthEvent.ProcessExited> lastExits = new ConcurrentHashMap<>();

  public StatusCache(ActorSystem<?> system, ActorRef<Guardian.Command> guardian, EventBus bus, Duration askTimeout,
      Duration maxAge) {
    this.system = system;
    this.guardian = guardian;
    this.askTimeout = askTimeout;
    this.maxAgeNanos = maxAge.toNanos();
    ActorRef<HealthEvent> watcher = system.systemActorOf(Behaviors.receiveMessage(event -> {
      version.incrementAndGet();
      if (event instanceof HealthEvent.ProcessExited exited) {
        lastExits.put(exited.component(), exited);
      }
      return Behaviors.same();
    }), "api-status-watch", org.apache.pekko.actor.typed.Props.empty());
    bus.subscribe(watcher);
  }

  /** Every component's status, in name order. */
  public CompletionStage<List<ComponentStatus>> statuses() {
    long v = version.get();
    long now = System.nanoTime();
    Entry entry = current.get();
    if (entry != null && entry.version() == v && now - entry.nanos() < maxAgeNanos
        && !entry.statuses().isCompletedExceptionally()) {
      return entry.statuses();
    }
    CompletableFuture<List<ComponentStatus>> fetch = new CompletableFuture<>();
    Entry next = new Entry(v, now, fetch);
    if (!current.compareAndSet(entry, next)) {
      Entry raced = current.get();
      return raced == null ? statuses() : raced.statuses();
    }
    AskPattern.<Guardian.Command, List<ComponentStatus>>ask(guardian, Guardian.GetStatuses::new, askTimeout,
        system.scheduler()).whenComplete((list, error) -> {
          if (error != null) {
            fetch.completeExceptionally(error);
          } else {
            fetch.complete(list);
          }
        });
    return fetch;
  }

  /** Forgets the shared answer: the next call asks again (after a command changed something). */
  public void invalidate() {
    version.incrementAndGet();
  }

  public Optional<HealthEvent.ProcessExited> lastExit(String component) {
    return Optional.ofNullable(lastExits.get(component));
  }
}
