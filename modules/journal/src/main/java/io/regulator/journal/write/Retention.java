package io.regulator.journal.write;

import io.regulator.journal.JournalSettings;
import io.regulator.journal.SchemaCreator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Purges events older than {@code journal.retention}, with plain JDBC: Pekko's own deletion
 * ({@code deleteEvents} on snapshot) is by sequence number per entity and cannot express "older
 * than 30 days" across all of them.
 *
 * <p>Only events a snapshot covers are purged (sequence number at most the entity's newest
 * snapshot), so a component's counters never lose what the purged events contributed: recovery
 * starts from that snapshot. An event no snapshot covers yet outlives the retention until one
 * does (at most {@code snapshot-every} events per component).
 */
public final class Retention {

  /** What one purge did. */
  public record Result(int events, Instant cutoff, Duration took) {}

  private static final String COVERED = "write_timestamp < ? AND sequence_number <= "
      + "(SELECT MAX(s.sequence_number) FROM snapshot s WHERE s.persistence_id = event_journal.persistence_id)";

  /** Orderings per transaction. */
  static final int SLICE = 10_000;

  private Retention() {}

  /** Events written before {@code now - retention} are out of retention. */
  public static Instant cutoff(Instant now, Duration retention) {
    return now.minus(retention);
  }

  /**
   * Deletes the covered events written before {@code cutoff}, their tags with them, a slice of
   * {@value #SLICE} orderings per transaction so that a large purge neither holds long locks nor
   * a large undo log (an interrupted purge simply leaves the rest for the next one). Blocks: run
   * it off actor threads.
   */
  public static Result purge(JournalSettings settings, Instant cutoff) throws SQLException {
    long start = System.nanoTime();
    long cutoffMillis = cutoff.toEpochMilli();
    int deleted = 0;
    try (Connection c = SchemaCreator.connect(settings)) {
      long first;
      long last;
      try (PreparedStatement range = c.prepareStatement(
          "SELECT MIN(ordering), MAX(ordering) FROM event_journal WHERE write_timestamp < ?")) {
        range.setLong(1, cutoffMillis);
        try (ResultSet rs = range.executeQuery()) {
          rs.next();
          first = rs.getLong(1);
          if (rs.wasNull()) {
            return new Result(0, cutoff, Duration.ofNanos(System.nanoTime() - start));
          }
          last = rs.getLong(2);
        }
      }
      c.setAutoCommit(false);
      try (PreparedStatement tags = c.prepareStatement("DELETE FROM event_tag WHERE event_id IN "
              + "(SELECT ordering FROM event_journal WHERE ordering > ? AND ordering <= ? AND " + COVERED + ")");
          PreparedStatement events = c.prepareStatement(
              "DELETE FROM event_journal WHERE ordering > ? AND ordering <= ? AND " + COVERED)) {
        for (long from = first - 1; from < last; from += SLICE) {
          // tags first: the foreign key cascades too, but not every copy of the schema has it
          for (PreparedStatement st : new PreparedStatement[] {tags, events}) {
            st.setLong(1, from);
            st.setLong(2, from + SLICE);
            st.setLong(3, cutoffMillis);
          }
          tags.executeUpdate();
          deleted += events.executeUpdate();
          c.commit();
        }
      } catch (SQLException e) {
        c.rollback();
        throw new SQLException("purging journal events before " + cutoff + " in " + settings.shownUrl()
            + " failed after " + deleted + " events: " + e.getMessage() + "; the next purge goes on from there",
            e.getSQLState(), e);
      }
    }
    return new Result(deleted, cutoff, Duration.ofNanos(System.nanoTime() - start));
  }
}
