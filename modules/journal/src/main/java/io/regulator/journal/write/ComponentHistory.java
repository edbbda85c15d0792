package io.regulator.journal.write;

import io.regulator.core.spec.BackoffSpec;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.StoredEvent;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.persistence.typed.SnapshotFailed;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;

/**
 * The health history of one component (persistence id {@code component|<name>}) or of Regulator
 * itself ({@code system}).
 *
 * <p>Command → event → state: {@link Record} persists the given {@link StoredEvent}s as they are
 * (in one atomic write, tagged {@code health}) and replies once they are stored; the state is a
 * {@link HistoryState} folded from every event, snapshotted every {@code snapshot-every} events so a
 * restart replays at most that many. Only the {@link JournalWriter} sends {@code Record}; it
 * retries a write whose confirmation it did not get, so a batch that starts with events already
 * stored (recognised by {@link HistoryState#lastEvent()}) persists only the rest.
 *
 * <p>A failing store stops the entity; it starts again with backoff and recovers from the store.
 */
public final class ComponentHistory extends EventSourcedBehavior<ComponentHistory.Command, StoredEvent, HistoryState> {

  private static final Logger LOG = LoggerFactory.getLogger(ComponentHistory.class);

  public sealed interface Command permits Record, GetHistory {}

  /** Store these events, in this order, and say {@link Done} once they are. */
  public record Record(List<StoredEvent> events, ActorRef<Done> replyTo) implements Command {}

  /** The history as folded so far. */
  public record GetHistory(ActorRef<HistoryState> replyTo) implements Command {}

  private final String component;
  private final int snapshotEvery;

  public static Behavior<Command> create(String persistenceId, int snapshotEvery, BackoffSpec restartBackoff) {
    return Behaviors.setup(ctx -> new ComponentHistory(persistenceId, snapshotEvery, restartBackoff));
  }

  private ComponentHistory(String persistenceId, int snapshotEvery, BackoffSpec restartBackoff) {
    // the writer reports the outage once; each restart here names its cause, as a warning
    super(PersistenceId.ofUniqueId(persistenceId), SupervisorStrategy.restartWithBackoff(restartBackoff.min(),
        restartBackoff.max(), restartBackoff.randomFactor()).withLogLevel(Level.WARN));
    this.component = PersistenceIds.componentOf(persistenceId);
    this.snapshotEvery = snapshotEvery;
  }

  @Override
  public HistoryState emptyState() {
    return HistoryState.empty(component);
  }

  @Override
  public CommandHandler<Command, StoredEvent, HistoryState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Record.class, this::onRecord)
        .onCommand(GetHistory.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state))
        .build();
  }

  private Effect<StoredEvent, HistoryState> onRecord(HistoryState state, Record cmd) {
    List<StoredEvent> fresh = unwritten(state.lastEvent(), cmd.events());
    if (fresh.isEmpty()) {
      return Effect().reply(cmd.replyTo(), Done.getInstance());
    }
    return Effect().persist(fresh).thenReply(cmd.replyTo(), s -> Done.getInstance());
  }

  /**
   * The part of {@code batch} after the last event already stored: a retried batch repeats what a
   * write whose confirmation was lost did store, and may carry newer events after it.
   */
  static List<StoredEvent> unwritten(StoredEvent lastStored, List<StoredEvent> batch) {
    if (lastStored != null) {
      for (int i = batch.size() - 1; i >= 0; i--) {
        if (lastStored.equals(batch.get(i))) {
          return List.copyOf(batch.subList(i + 1, batch.size()));
        }
      }
    }
    return batch;
  }

  @Override
  public EventHandler<HistoryState, StoredEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(HistoryState::apply);
  }

  @Override
  public Set<String> tagsFor(StoredEvent event) {
    return Set.of(PersistenceIds.TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // keep two snapshots: if the newest cannot be read, recovery falls back to the one before
    return RetentionCriteria.snapshotEvery(snapshotEvery, 2);
  }

  @Override
  public SignalHandler<HistoryState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(SnapshotFailed.class, (state, failed) -> LOG.warn("journal: snapshot of {} failed ({}); "
            + "recovery replays more events until the next one succeeds", component, failed.getFailure().toString()))
        .build();
  }
}
