package io.regulator.journal.read;

import io.regulator.core.event.HealthEvent;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads health events back from the journal through Pekko Persistence Query (the JDBC read
 * journal of {@code JournalConfig.pekkoConfig}): the whole history in write order by the
 * {@code health} tag, one component's by its persistence id, and new events as they are written.
 * Works from a second process while the service writes (H2 with {@code AUTO_SERVER}, or PostgreSQL).
 */
public final class JournalReader {

  private final ActorSystem<?> system;
  private final JdbcReadJournal journal;

  public JournalReader(ActorSystem<?> system) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /**
   * The events written so far that pass the filter, in time order (each component's own events in
   * the order they happened: {@link TimeOrder}); only the last {@code limit} when set.
   */
  public CompletionStage<List<HealthEvent>> events(EventFilter filter) {
    EventFilter unlimited = filter.unlimited();
    return current(unlimited).runWith(Sink.seq(), system)
        .thenApply(events -> filter.apply(TimeOrder.of(events)));
  }

  /**
   * The events so far that pass the filter (the last {@code limit} when set), then every new one
   * that passes as it is written, in the order they are written; it never completes on its own
   * (cancel it to stop).
   */
  public Source<HealthEvent, NotUsed> follow(EventFilter filter) {
    EventFilter live = filter.unlimited();
    CompletionStage<SoFar> sofar = journal.currentEventsByTag(PersistenceIds.TAG, Offset.noOffset())
        .runWith(Sink.fold(new SoFar(filter), SoFar::add), system);
    return Source.completionStage(sofar).flatMapConcat(seen -> Source.from(seen.events())
        .concat(journal.eventsByTag(PersistenceIds.TAG, seen.offset).map(JournalReader::event).filter(live::matches)));
  }

  /** Existing events of one component by its persistence id, else of everything by the tag. */
  private Source<HealthEvent, NotUsed> current(EventFilter filter) {
    Source<EventEnvelope, NotUsed> envelopes = filter.component()
        .map(c -> journal.currentEventsByPersistenceId(PersistenceIds.of(c), 0L, Long.MAX_VALUE))
        .orElseGet(() -> journal.currentPersistenceIds()
            .flatMapConcat(id -> journal.currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)));
    return envelopes.map(JournalReader::event).filter(filter::matches);
  }

  private static HealthEvent event(EventEnvelope envelope) {
    Object payload = envelope.event();
    if (payload instanceof StoredEvent stored) {
      return stored.toHealthEvent();
    }
    throw new IllegalStateException("not a health event in the journal: " + payload.getClass().getName()
        + " (persistence id " + envelope.persistenceId() + ", sequence nr " + envelope.sequenceNr() + ")");
  }

  /** The matching events so far, and how far the journal was read (where following goes on). */
  private static final class SoFar {
    private final EventFilter filter;
    private final List<HealthEvent> matching = new ArrayList<>();
    private Offset offset = Offset.noOffset();

    SoFar(EventFilter filter) {
      this.filter = filter;
    }

    SoFar add(EventEnvelope envelope) {
      offset = envelope.offset();
      HealthEvent event = event(envelope);
      if (filter.matches(event)) {
        matching.add(event);
      }
      return this;
    }

    /** In time order, the last {@code limit} when set. */
    List<HealthEvent> events() {
      return filter.apply(TimeOrder.of(matching));
    }
  }
}
