package io.regulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regulator.alerting.AlertEvent;
import io.regulator.alerting.Notification;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.StoredEvent;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The live stream of {@code GET /api/v1/events/stream}: every health event ({@code event: health},
 * the journal's JSON shape) and alert record ({@code event: alert}: notifications sent, alerts
 * suppressed, silences added and removed) from the moment the client
 * connects, each client with its own bounded buffer (a slow client loses its oldest events, never
 * holds anyone up), and a comment line every {@code keepAlive}.
 */
public final class LiveEvents {

  static final int BUFFER = 512;

  private LiveEvents() {}

  public static Source<ServerSentEvent, NotUsed> source(ActorSystem<?> system, Optional<String> component,
      Duration keepAlive) {
    ActorRef<EventStream.Command> stream = system.eventStream();
    return Source.<Object>actorRef(message -> Optional.empty(), message -> Optional.empty(), BUFFER,
            OverflowStrategy.dropHead())
        .watchTermination((classic, done) -> {
          ActorRef<Object> subscriber = Adapter.toTyped(classic);
          stream.tell(new EventStream.Subscribe<>(HealthEvent.class, subscriber.narrow()));
          stream.tell(new EventStream.Subscribe<>(AlertEvent.class, subscriber.narrow()));
          stream.tell(new EventStream.Subscribe<>(Notification.class, subscriber.narrow()));
          done.whenComplete((ok, error) -> stream.tell(new EventStream.Unsubscribe<>(subscriber)));
          return NotUsed.getInstance();
        })
        .filter(message -> component.isEmpty() || component.get().equals(componentOf(message)))
        .map(LiveEvents::toSse)
        .keepAlive(keepAlive, ServerSentEvent::heartbeat);
  }

  static String componentOf(Object message) {
    if (message instanceof HealthEvent event) {
      return event.component();
    }
    if (message instanceof Notification notification) {
      return notification.alerts().isEmpty() ? "" : notification.alerts().get(0).component();
    }
    if (message instanceof AlertEvent.AlertSuppressed suppressed) {
      return suppressed.alert().component();
    }
    if (message instanceof AlertEvent.SilenceAdded added) {
      return added.silence().component();
    }
    if (message instanceof AlertEvent.SilenceRemoved removed) {
      return removed.silence().component();
    }
    return "";
  }

  static ServerSentEvent toSse(Object message) {
    if (message instanceof HealthEvent event) {
      return ServerSentEvent.create(Json.write(StoredEvent.of(event)), "health");
    }
    ObjectNode json = Json.MAPPER.valueToTree(message);
    json.put("type", message.getClass().getSimpleName());
    return ServerSentEvent.create(Json.write(json), "alert");
  }
}
