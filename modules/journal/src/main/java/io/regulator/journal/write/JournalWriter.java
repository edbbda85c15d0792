package io.regulator.journal.write;

import io.regulator.core.event.HealthEvent;
import io.regulator.core.policy.Backoff;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.SchemaCreator;
import io.regulator.journal.StoredEvent;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Between the event bus and the store: the one actor the rest of Regulator talks to about the
 * journal. Supervision never waits on it: {@link Record} is fire-and-forget, the event goes into a
 * bounded {@link WriteBuffer}, and one write per component is in flight at a time (so each
 * component's events stay in order) to its {@link ComponentHistory} entity, at most
 * {@code writer.parallelism} writes in all.
 *
 * <p>A write that fails or is not confirmed within {@code writer.timeout} is retried after an
 * exponential backoff; an error of the store, or a second unconfirmed write in a row, raises a
 * {@code RegulatorLifecycle} "journal degraded" event through {@code publish} (the app passes the
 * event bus), and once every failing component has been written again "journal recovered" says
 * how many events were written since and how many were dropped. Before the first write the schema is created if missing, retried the same way, so
 * Regulator also starts while the store is down.
 *
 * <p>Events older than {@code journal.retention} are purged every {@code purge-interval}.
 */
public final class JournalWriter extends AbstractBehavior<JournalWriter.Command> {

  private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);

  public sealed interface Command
      permits Record, GetHistory, Flush, GetStatus, SchemaChecked, Written, WriteFailed, Retry, Tick, Purged {}

  /** Journal this event. Never blocks, never fails: see the class comment. */
  public record Record(HealthEvent event) implements Command {}

  /** The history of a component ({@code system} for Regulator itself), rebuilt from the journal. */
  public record GetHistory(String component, ActorRef<HistoryState> replyTo) implements Command {}

  /** Say {@link Done} once every event recorded before this is stored (waits while the store is down). */
  public record Flush(ActorRef<Done> replyTo) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /**
   * How the journal is doing.
   *
   * @param degraded writes are failing and being retried
   * @param buffered events received and not yet stored
   * @param written events stored since start
   * @param dropped events dropped since start because the buffer was full
   */
  public record Status(boolean degraded, int buffered, long written, long dropped) {}

  private record SchemaChecked(Throwable error) implements Command {}

  private record Written(String persistenceId) implements Command {}

  private record WriteFailed(String persistenceId, Throwable error) implements Command {}

  /** Time to try again: a persistence id, or {@link #SCHEMA} for the schema check. */
  private record Retry(String key) implements Command {}

  private enum Tick implements Command { PURGE }

  private record Purged(Retention.Result result, Throwable error) implements Command {}

  /** At most one "buffer full" warning per this interval. */
  private static final Duration FULL_WARNING_INTERVAL = Duration.ofMinutes(1);

  /** The retry key of the schema check; never a persistence id (those are "system" or "component|..."). */
  private static final String SCHEMA = "<schema>";

  private final JournalSettings settings;
  private final String node;
  private final Consumer<HealthEvent> publish;
  private final TimerScheduler<Command> timers;
  private final Executor blocking;
  private final WriteBuffer buffer;
  private final Map<String, ActorRef<ComponentHistory.Command>> entities = new HashMap<>();
  /** What is failing (persistence ids, {@link #SCHEMA}) and how many attempts in a row failed. */
  private final Map<String, Integer> failing = new HashMap<>();
  private final List<GetHistory> waitingForSchema = new ArrayList<>();
  private final List<ActorRef<Done>> flushWaiters = new ArrayList<>();
  /** Persistence ids with events to write, no write in flight and no retry pending, oldest first. */
  private final Set<String> ready = new LinkedHashSet<>();
  private final Cancellable drainOnShutdown;
  private int writesInFlight;
  private boolean schemaReady;
  private long written;
  // the current degraded period
  private Instant degradedSince;
  private long writtenBefore;
  /** Drops since the last recovery (or start): the buffer fills before the first write times out. */
  private long droppedBefore;
  private long lastFullWarningNanos;

  /**
   * @param node this host's name, on the events the writer raises itself
   * @param publish where "journal degraded" / "journal recovered" go (the event bus)
   */
  public static Behavior<Command> create(JournalSettings settings, String node, Consumer<HealthEvent> publish) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new JournalWriter(ctx, timers, settings, node,
        publish)));
  }

  private JournalWriter(ActorContext<Command> ctx, TimerScheduler<Command> timers, JournalSettings settings,
      String node, Consumer<HealthEvent> publish) {
    super(ctx);
    this.settings = settings;
    this.node = node;
    this.publish = publish;
    this.timers = timers;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
    this.buffer = new WriteBuffer(settings.bufferSize());
    Duration firstPurge = settings.purgeInterval().compareTo(Duration.ofMinutes(1)) < 0
        ? settings.purgeInterval() : Duration.ofMinutes(1);
    timers.startTimerAtFixedRate(Tick.PURGE, Tick.PURGE, firstPurge, settings.purgeInterval());
    checkSchema();
    // what is still buffered when Regulator stops is written before the actor system goes
    ActorRef<Command> self = ctx.getSelf();
    Scheduler scheduler = ctx.getSystem().scheduler();
    this.drainOnShutdown = CoordinatedShutdown.get(ctx.getSystem()).addCancellableTask(
        CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "regulator-journal-drain",
        () -> AskPattern.<Command, Done>ask(self, Flush::new, settings.writeTimeout(), scheduler)
            .exceptionally(notDrained -> Done.getInstance()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Record.class, this::onRecord)
        .onMessage(GetHistory.class, this::onGetHistory)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(SchemaChecked.class, this::onSchemaChecked)
        .onMessage(Written.class, this::onWritten)
        .onMessage(WriteFailed.class, this::onWriteFailed)
        .onMessage(Retry.class, this::onRetry)
        .onMessageEquals(Tick.PURGE, this::onPurgeTick)
        .onMessage(Purged.class, this::onPurged)
        .onSignal(Terminated.class, this::onEntityTerminated)
        .onSignal(PostStop.class, signal -> onStopped())
        .onSignal(PreRestart.class, signal -> onStopped())
        .build();
  }

  // ---- recording -------------------------------------------------------------------------------

  private Behavior<Command> onRecord(Record cmd) {
    StoredEvent stored;
    try {
      stored = StoredEvent.of(cmd.event());
    } catch (IllegalArgumentException e) {
      LOG.error("journal: cannot store {}: {}", cmd.event(), e.getMessage());
      return this;
    }
    String id = PersistenceIds.of(cmd.event().component());
    if (buffer.add(id, stored) > 0 && (lastFullWarningNanos == 0
        || System.nanoTime() - lastFullWarningNanos > FULL_WARNING_INTERVAL.toNanos())) {
      lastFullWarningNanos = System.nanoTime();
      LOG.warn("journal: buffer full ({} events): dropping the oldest events until {} keeps up again ({} dropped "
          + "so far)", buffer.capacity(), settings.shownUrl(), buffer.dropped());
    }
    if (!buffer.inFlight(id) && !failing.containsKey(id)) {
      ready.add(id);
    }
    dispatch();
    return this;
  }

  /**
   * Starts writes of the ready persistence ids, oldest ready first, as long as fewer than
   * {@code writer.parallelism} are in flight: a burst queues here, where it can be dropped and
   * counted, rather than in the store's driver, where writes would just time out.
   */
  private void dispatch() {
    Iterator<String> next = ready.iterator();
    while (schemaReady && writesInFlight < settings.writeParallelism() && next.hasNext()) {
      String id = next.next();
      next.remove();
      write(id);
    }
  }

  private void write(String id) {
    // while writes of it fail, one event tries the store: the rest of its buffer stays droppable
    List<StoredEvent> batch = buffer.take(id, failing.containsKey(id) ? 1 : settings.maxBatch());
    if (batch.isEmpty()) {
      if (!buffer.inFlight(id) && failing.remove(id) != null) {
        checkRecovered(); // all it had was dropped: nothing of it left to fail
      }
      return;
    }
    writesInFlight++;
    getContext().ask(Done.class, entity(id), settings.writeTimeout(),
        replyTo -> new ComponentHistory.Record(batch, replyTo),
        (done, error) -> error == null ? new Written(id) : new WriteFailed(id, error));
  }

  private Behavior<Command> onWritten(Written msg) {
    writesInFlight--;
    written += buffer.confirm(msg.persistenceId());
    if (failing.remove(msg.persistenceId()) != null) {
      checkRecovered();
    }
    if (buffer.hasWaiting(msg.persistenceId())) {
      ready.add(msg.persistenceId());
    }
    dispatch();
    if (buffer.size() == 0) {
      flushWaiters.forEach(w -> w.tell(Done.getInstance()));
      flushWaiters.clear();
    }
    return this;
  }

  private Behavior<Command> onWriteFailed(WriteFailed msg) {
    writesInFlight--;
    buffer.release(msg.persistenceId());
    if (msg.error() instanceof TimeoutException) {
      failed(msg.persistenceId(), "writes were not confirmed within " + settings.writeTimeout().toMillis() + " ms",
          false);
    } else {
      failed(msg.persistenceId(), String.valueOf(msg.error().getMessage()), true);
    }
    dispatch();
    return this;
  }

  private Behavior<Command> onRetry(Retry msg) {
    if (SCHEMA.equals(msg.key())) {
      checkSchema();
    } else {
      ready.add(msg.key());
      dispatch();
    }
    return this;
  }

  // ---- degraded / recovered: every transition goes through these two -------------------------

  /**
   * A write (or the schema check) failed: retry it after a backoff, and say the journal is degraded
   * unless it already is.
   *
   * @param certain the store said no; a write that was only not confirmed in time may just have
   *     been slow (a burst, a cold start), so that takes a second failure in a row
   */
  private void failed(String key, String why, boolean certain) {
    int attempt = failing.merge(key, 1, Integer::sum);
    Duration delay = Backoff.delay(settings.backoff(), attempt - 1, ThreadLocalRandom.current().nextDouble());
    timers.startSingleTimer(new Retry(key), new Retry(key), delay);
    if (degradedSince == null && (certain || attempt >= 2)) {
      // healthy -> degraded: the first sure failure of a period
      degradedSince = Instant.now();
      writtenBefore = written;
      String detail = "cannot write to " + settings.shownUrl() + ": " + why
          + (attempt >= 2 ? " (" + attempt + " attempts in a row)" : "") + "; supervision goes on, up to "
          + settings.bufferSize() + " events are buffered and written when the store is back";
      LOG.warn("journal degraded: {}", detail);
      publish.accept(new HealthEvent.RegulatorLifecycle(degradedSince, node, HealthEvent.SYSTEM, "journal degraded",
          Optional.of(detail)));
    } else {
      LOG.debug("journal: write of {} failed (attempt {}), next try in {} ms: {}", key, attempt, delay.toMillis(),
          why);
    }
  }

  private void checkRecovered() {
    if (degradedSince == null || !failing.isEmpty()) {
      return;
    }
    // degraded -> healthy: everything that failed has been written since
    Instant now = Instant.now();
    long dropped = buffer.dropped() - droppedBefore;
    String detail = "writes to " + settings.shownUrl() + " succeed again after "
        + Duration.between(degradedSince, now).toMillis() + " ms; " + (written - writtenBefore)
        + " events written since, " + buffer.size() + " still buffered, " + dropped + " dropped"
        + (dropped > 0 ? " (buffer-size " + settings.bufferSize() + " was not enough)" : "");
    degradedSince = null;
    droppedBefore = buffer.dropped();
    lastFullWarningNanos = 0;
    LOG.info("journal recovered: {}", detail);
    publish.accept(new HealthEvent.RegulatorLifecycle(now, node, HealthEvent.SYSTEM, "journal recovered",
        Optional.of(detail)));
  }

  // ---- schema ----------------------------------------------------------------------------------

  private void checkSchema() {
    CompletableFuture<Boolean> check = CompletableFuture.supplyAsync(() -> {
      try {
        return SchemaCreator.ensure(settings);
      } catch (java.sql.SQLException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking);
    getContext().pipeToSelf(check, (created, error) -> new SchemaChecked(error));
  }

  private Behavior<Command> onSchemaChecked(SchemaChecked msg) {
    if (msg.error() != null) {
      Throwable cause = msg.error().getCause() != null ? msg.error().getCause() : msg.error();
      failed(SCHEMA, String.valueOf(cause.getMessage()), true);
      return this;
    }
    schemaReady = true;
    if (failing.remove(SCHEMA) != null) {
      checkRecovered();
    }
    waitingForSchema.forEach(q -> entity(PersistenceIds.of(q.component()))
        .tell(new ComponentHistory.GetHistory(q.replyTo())));
    waitingForSchema.clear();
    ready.addAll(buffer.persistenceIds());
    dispatch();
    return this;
  }

  // ---- queries ---------------------------------------------------------------------------------

  private Behavior<Command> onGetHistory(GetHistory q) {
    if (schemaReady) {
      entity(PersistenceIds.of(q.component())).tell(new ComponentHistory.GetHistory(q.replyTo()));
    } else {
      waitingForSchema.add(q);
    }
    return this;
  }

  private Behavior<Command> onFlush(Flush cmd) {
    if (buffer.size() == 0) {
      cmd.replyTo().tell(Done.getInstance());
    } else {
      flushWaiters.add(cmd.replyTo());
    }
    return this;
  }

  private Behavior<Command> onGetStatus(GetStatus q) {
    q.replyTo().tell(new Status(degradedSince != null, buffer.size(), written, buffer.dropped()));
    return this;
  }

  // ---- retention -------------------------------------------------------------------------------

  private Behavior<Command> onPurgeTick() {
    if (!schemaReady) {
      return this;
    }
    Instant cutoff = Retention.cutoff(Instant.now(), settings.retention());
    CompletableFuture<Retention.Result> purge = CompletableFuture.supplyAsync(() -> {
      try {
        return Retention.purge(settings, cutoff);
      } catch (java.sql.SQLException e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, blocking);
    getContext().pipeToSelf(purge, Purged::new);
    return this;
  }

  private Behavior<Command> onPurged(Purged msg) {
    if (msg.error() != null) {
      Throwable cause = msg.error().getCause() != null ? msg.error().getCause() : msg.error();
      LOG.warn("journal: {}", cause.getMessage());
    } else if (msg.result().events() > 0) {
      LOG.info("journal: purged {} events written before {} (retention {}) in {} ms", msg.result().events(),
          msg.result().cutoff(), settings.retention(), msg.result().took().toMillis());
    }
    return this;
  }

  private Behavior<Command> onStopped() {
    drainOnShutdown.cancel();
    if (buffer.size() > 0) {
      LOG.warn("journal: stopped with {} events not written to {} (the store did not take them in time)",
          buffer.size(), settings.shownUrl());
    }
    return this;
  }

  // ---- entities --------------------------------------------------------------------------------

  private ActorRef<ComponentHistory.Command> entity(String id) {
    ActorRef<ComponentHistory.Command> ref = entities.get(id);
    if (ref == null) {
      ref = getContext().spawn(ComponentHistory.create(id, settings.snapshotEvery(), settings.backoff()),
          "history-" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      getContext().watch(ref);
      entities.put(id, ref);
    }
    return ref;
  }

  private Behavior<Command> onEntityTerminated(Terminated t) {
    // it failed for a reason other than the store (those restart it): the next write spawns it again
    entities.values().removeIf(ref -> ref.equals(t.getRef()));
    return this;
  }
}
