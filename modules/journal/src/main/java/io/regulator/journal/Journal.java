package io.regulator.journal;

import com.typesafe.config.Config;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.write.HistoryState;
import io.regulator.journal.write.JournalWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The journal as the app uses it:
 * <pre>{@code
 * JournalSettings settings = JournalSettings.from(config.getConfig("regulator"), dataDir);
 * ActorSystem.create(guardian, "regulator", Journal.pekkoConfig(settings).withFallback(appConfig));
 * // in the guardian:
 * var journal = ctx.spawn(Journal.writer(settings, node, bus::publish), "journal");
 * bus.subscribe(ctx.messageAdapter(HealthEvent.class, JournalWriter.Record::new));
 * }</pre>
 */
public final class Journal {

  private Journal() {}

  /**
   * Creates the schema if it is missing (the writer does this too, without blocking; tools that
   * only read call this first).
   */
  public static void prepare(JournalSettings settings) throws SQLException {
    SchemaCreator.ensure(settings);
  }

  /** The Pekko config that puts persistence on the journal's store; lay it over the application config. */
  public static Config pekkoConfig(JournalSettings settings) {
    return JournalConfig.pekkoConfig(settings);
  }

  /**
   * The writer: spawn one per actor system, and send it every {@link HealthEvent} as
   * {@link JournalWriter.Record}. Restarted if it ever fails (losing what it had buffered, which
   * it logs), so that the journal outlives a bug in it.
   */
  public static Behavior<JournalWriter.Command> writer(JournalSettings settings, String node,
      Consumer<HealthEvent> publish) {
    return Behaviors.supervise(JournalWriter.create(settings, node, publish)).onFailure(SupervisorStrategy.restart());
  }

  /** The history of a component ({@code system} for Regulator itself) as rebuilt from the journal. */
  public static CompletionStage<HistoryState> history(ActorRef<JournalWriter.Command> writer, String component,
      Duration timeout, Scheduler scheduler) {
    return AskPattern.ask(writer, replyTo -> new JournalWriter.GetHistory(component, replyTo), timeout, scheduler);
  }
}
