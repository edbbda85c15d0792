package io.regulator.journal.read;

import com.typesafe.config.Config;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.SchemaCreator;
import io.regulator.journal.StoredEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads health events back from the journal through Pekko Persistence Query (the JDBC read
 * journal of {@code JournalConfig.pekkoConfig}). Works from a second process while the service
 * writes (H2 with {@code AUTO_SERVER}, or PostgreSQL).
 *
 * <p>What has been written is read entity by entity ({@code currentPersistenceIds}, then
 * {@code currentEventsByPersistenceId} for each {@code component|<name>} and {@code system}, a few
 * at a time): on
 * the primary key, this is an order of magnitude faster than {@code currentEventsByTag("health")},
 * whose ordering-range queries the plugin discovers in steps (docs/journal-queries.md, "How
 * events are read"). New events are followed with {@code eventsByTag("health")} from the
 * journal's last {@code ordering} at the moment the reading began.
 */
public final class JournalReader {

  /**
   * Entities read at the same time. Reading is CPU-bound (rows, JSON, records): on two cores,
   * four at a time cut the wall time of a 100,000-event replay by about a third.
   */
  private static final int PARALLEL_READS = 4;

  private final ActorSystem<?> system;
  private final JournalSettings settings;
  private final JdbcReadJournal journal;

  public JournalReader(ActorSystem<?> system, JournalSettings settings) {
    this.system = system;
    this.settings = settings;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  /**
   * The events written so far that pass the filter, in time order (each component's own events in
   * the order they happened: {@link TimeOrder}); only the last {@code limit} when set.
   */
  public CompletionStage<List<HealthEvent>> events(EventFilter filter) {
    return current(filter, Long.MAX_VALUE);
  }

  /**
   * The events so far that pass the filter (in time order, the last {@code limit} when set), then
   * every new one that passes, in the order they are written. It never completes on its own
   * (cancel it to stop).
   */
  public Source<HealthEvent, NotUsed> follow(EventFilter filter) {
    EventFilter live = filter.unlimited();
    return Source.completionStage(lastOrdering()).flatMapConcat(last -> {
      return Source.completionStage(current(filter, last)).mapConcat(events -> events)
          .concat(journal.eventsByTag(PersistenceIds.TAG, Offset.sequence(last)).map(JournalReader::event)
              .filter(live::matches));
    });
  }

  /**
   * Written events of one component, or of every entity, up to ordering {@code upTo}, that pass
   * the filter: put back in journal order, then in time order, then limited.
   */
  private CompletionStage<List<HealthEvent>> current(EventFilter filter, long upTo) {
    Source<EventEnvelope, NotUsed> envelopes = filter.component()
        .map(c -> journal.currentEventsByPersistenceId(PersistenceIds.of(c), 0L, Long.MAX_VALUE))
        .orElseGet(() -> journal.currentPersistenceIds()
            // the store holds other entities too (alert outboxes): only health histories here
            .filter(id -> id.equals(PersistenceIds.SYSTEM) || id.startsWith(PersistenceIds.COMPONENT_PREFIX))
            .flatMapMerge(PARALLEL_READS, id -> journal.currentEventsByPersistenceId(id, 0L, Long.MAX_VALUE)));
    return envelopes.map(e -> new Read(ordering(e), event(e)))
        .filter(r -> r.ordering() <= upTo && filter.matches(r.event()))
        .runWith(Sink.seq(), system)
        .thenApply(reads -> {
          List<Read> journalOrder = new ArrayList<>(reads);
          journalOrder.sort(Comparator.comparingLong(Read::ordering));
          return filter.apply(TimeOrder.of(journalOrder.stream().map(Read::event).toList()));
        });
  }

  /** An event and its place in the journal (the plugin's global {@code ordering}). */
  private record Read(long ordering, HealthEvent event) {}

  /** The journal's highest {@code ordering} now: following goes on after it. Blocking JDBC, off the actor threads. */
  private CompletionStage<Long> lastOrdering() {
    Config names = system.settings().config().getConfig("jdbc-journal.tables.event_journal");
    String schema = names.getString("schemaName");
    String table = (schema.isEmpty() ? "" : schema + ".") + names.getString("tableName");
    String column = names.getString("columnNames.ordering");
    return CompletableFuture.supplyAsync(() -> {
      try (Connection c = SchemaCreator.connect(settings);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT MAX(" + column + ") FROM " + table)) {
        return rs.next() ? rs.getLong(1) : 0L;
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  private static long ordering(EventEnvelope envelope) {
    if (envelope.offset() instanceof Sequence sequence) {
      return sequence.value();
    }
    throw new IllegalStateException("the JDBC read journal gave offset " + envelope.offset() + ", not a sequence");
  }

  private static HealthEvent event(EventEnvelope envelope) {
    Object payload = envelope.event();
    if (payload instanceof StoredEvent stored) {
      return stored.toHealthEvent();
    }
    throw new IllegalStateException("not a health event in the journal: " + payload.getClass().getName()
        + " (persistence id " + envelope.persistenceId() + ", sequence nr " + envelope.sequenceNr() + ")");
  }
}
