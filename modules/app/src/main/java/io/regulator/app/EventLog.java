package io.regulator.app;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.EventText;
import io.regulator.core.event.HealthEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import net.logstash.logback.marker.Markers;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every health event to the logger {@code regulator.events}: a readable line for the
 * console, and the event's fields for the JSON event log ({@code logs/events.json}, see
 * conf/logback.xml).
 */
final class EventLog {

  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private EventLog() {}

  /**
   * @param drained completed once Regulator's own "stopped" event has been written: every event
   *     published before it has been written too (the event stream delivers in order)
   */
  static Behavior<HealthEvent> create(CompletableFuture<Void> drained) {
    Logger log = LoggerFactory.getLogger("regulator.events");
    ObjectMapper json = new ObjectMapper().registerModule(new Jdk8Module()).registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    return Behaviors.receiveMessage(event -> {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("event", event.getClass().getSimpleName());
      fields.putAll(json.convertValue(event, MAP));
      String line = EventText.describe(event);
      if (isTrouble(event)) {
        log.warn(Markers.appendEntries(fields), line);
      } else {
        log.info(Markers.appendEntries(fields), line);
      }
      if (event instanceof HealthEvent.RegulatorLifecycle e && e.what().equals("stopped")) {
        drained.complete(null);
      }
      return Behaviors.same();
    });
  }

  private static boolean isTrouble(HealthEvent event) {
    if (event instanceof HealthEvent.ProcessExited e) {
      return e.cause().category() != CauseCategory.REQUESTED && e.cause().category() != CauseCategory.LIFECYCLE;
    }
    if (event instanceof HealthEvent.ProbeChanged e) {
      return !e.healthy();
    }
    if (event instanceof HealthEvent.StateChanged e) {
      return e.to() == ComponentState.FAILED || e.to() == ComponentState.CIRCUIT_OPEN;
    }
    return event instanceof HealthEvent.GroupEscalated || event instanceof HealthEvent.SystemCritical
        || event instanceof HealthEvent.CircuitChanged;
  }
}
