package io.regulator.runtime.bus;

import io.regulator.core.event.HealthEvent;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;

/**
 * Where supervisors publish {@link HealthEvent}s and where the journal, alerting, metrics and the
 * SSE stream subscribe. Backed by Pekko's event stream: events from one publisher reach every
 * subscriber in the order they were published.
 */
public final class EventBus {

  private final ActorRef<EventStream.Command> stream;

  public EventBus(ActorSystem<?> system) {
    this.stream = system.eventStream();
  }

  public void publish(HealthEvent event) {
    stream.tell(new EventStream.Publish<>(event));
  }

  public void subscribe(ActorRef<HealthEvent> subscriber) {
    stream.tell(new EventStream.Subscribe<>(HealthEvent.class, subscriber));
  }

  public void unsubscribe(ActorRef<HealthEvent> subscriber) {
    stream.tell(new EventStream.Unsubscribe<>(subscriber));
  }
}
