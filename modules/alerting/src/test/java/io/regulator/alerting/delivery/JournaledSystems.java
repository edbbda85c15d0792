package io.regulator.alerting.delivery;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.regulator.core.event.HealthEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that deliver for real: a recording webhook, actor systems on one H2 journal
 * file (started, stopped and started again as Regulator would be), the CRITICAL events published,
 * and every log line.
 */
abstract class JournaledSystems {

  @TempDir Path dataDir;
  protected RecordingWebhook hook;
  protected final List<HealthEvent> published = new CopyOnWriteArrayList<>();
  private final List<ActorTestKit> systems = new ArrayList<>();
  private ListAppender<ILoggingEvent> logs;

  @BeforeEach
  void startWebhook() throws IOException {
    hook = new RecordingWebhook();
    logs = Fixtures.captureLogs();
  }

  @AfterEach
  void stopAll() {
    new ArrayList<>(systems).forEach(this::stop);
    hook.close();
    Fixtures.release(logs);
  }

  /** A new actor system on the journal in {@link #dataDir}: what a start of Regulator gets. */
  protected ActorTestKit startSystem() throws Exception {
    ActorTestKit kit = ActorTestKit.create("regulator", Fixtures.systemConfig(dataDir));
    systems.add(kit);
    return kit;
  }

  /** Stops the actor system at once, whatever is pending: what a stop of Regulator does. */
  protected void stop(ActorTestKit kit) {
    systems.remove(kit);
    kit.shutdownTestKit();
  }

  /** The journaled events of an outbox, in order. */
  protected static List<Object> journal(ActorTestKit kit, String receiver) throws Exception {
    JdbcReadJournal journal = PersistenceQuery.get(kit.system())
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    return journal.currentEventsByPersistenceId(Outbox.persistenceId(receiver), 0, Long.MAX_VALUE)
        .map(EventEnvelope::event)
        .runWith(Sink.seq(), kit.system())
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Every log line so far, formatted. */
  protected List<String> logLines() {
    synchronized (logs) {
      return logs.list.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage())
          .toList();
    }
  }

  protected static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }
}
