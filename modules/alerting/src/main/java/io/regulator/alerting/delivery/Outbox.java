package io.regulator.alerting.delivery;

import io.regulator.alerting.AlertSerializable;
import io.regulator.alerting.Notification;
import io.regulator.core.event.HealthEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.CircuitBreaker;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox of one receiver (persistence id {@code outbox|<receiver>}): every message is
 * journaled when it is queued and again when it is delivered or has failed for good, so a restart
 * of Regulator loses none and sends none twice.
 *
 * <p>Command → event → state: {@link Enqueue} persists {@link Queued} (a message whose id is
 * pending or finished within {@code dedup-window} is dropped as a repeat); the state
 * ({@link OutboxState}) keeps the undelivered messages in order. The first of them is delivered,
 * one at a time, the next only after it is {@link Delivered} or {@link Failed}:
 *
 * <ul>
 *   <li>the starts of two requests are at least {@code min-interval} apart (1 s: Slack's rate);
 *   <li>a retryable failure (5xx, 429, no answer) waits {@code Retry-After} or the exponential
 *       backoff with jitter ({@link RetryPolicy}), then the same message goes again;
 *   <li>Pekko's {@link CircuitBreaker} per receiver stops attempts for {@code reset-timeout} after
 *       {@code max-failures} failures in a row (429 does not count);
 *   <li>a message the endpoint refuses (400, other 4xx) is {@link Failed} and logged; the next goes;
 *   <li>401/403/404/410 or a redirect {@link ReceiverDisabled disables} the receiver (persisted: a
 *       restart does not bring it back) and publishes a CRITICAL {@code SystemCritical}; queued
 *       messages are kept. It is enabled again by {@link Enable}, or at start when its URL in
 *       config changed.
 * </ul>
 *
 * <p>Guarantee: in order, at most once per message id, except for one window: a message the
 * endpoint accepted (2xx) in the moment before Regulator stopped, before {@code Delivered} was
 * journaled, is sent again after the restart. Every request carries the id in an
 * {@code Idempotency-Key} header so a receiver can drop that repeat. Waits (backoff,
 * {@code Retry-After}, the circuit breaker) are not journaled: after a restart the first message
 * is tried at once.
 *
 * <p>Nothing here blocks: HTTP is the JDK's asynchronous client, its answers come back as messages.
 */
public final class Outbox extends EventSourcedBehavior<Outbox.Command, Outbox.Event, OutboxState> {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  private static final Logger ALERTS = LoggerFactory.getLogger(LogReceiver.LOGGER);

  /** The tag of every outbox event: {@code eventsByTag} gives every delivery in write order. */
  public static final String TAG = "alert-delivery";

  private static final String PREFIX = "outbox|";

  // ---- protocol --------------------------------------------------------------------------------

  public sealed interface Command permits Enqueue, GetStatus, Enable, Tick, Attempted, ConfigChanged {}

  /** Queue this message; {@link Done} once it is journaled (or recognised as a repeat). */
  public record Enqueue(Notification notification, ActorRef<Done> replyTo) implements Command {}

  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** Enable a disabled receiver again (after fixing the endpoint); {@link Done} once journaled. */
  public record Enable(ActorRef<Done> replyTo) implements Command {}

  /** Time to look at the first message again (after a backoff, Retry-After or min-interval wait). */
  private enum Tick implements Command { ATTEMPT }

  /**
   * An attempt ended; {@code startedNanos} is {@link #NOT_SENT} when nothing was sent. {@code incarnation}
   * tells answers to this instance of the actor from answers to one before a restart.
   */
  private record Attempted(Object incarnation, long attempt, String id, DeliveryResult result, long startedNanos)
      implements Command {}

  /** Found at start: the receiver was disabled for another URL than it has now. */
  private record ConfigChanged(String reason) implements Command {}

  /**
   * How the outbox is doing.
   *
   * @param pending ids of the undelivered messages, in delivery order
   * @param disabled why the receiver is disabled, if it is
   * @param circuitBreaker CLOSED, OPEN or HALF_OPEN
   * @param failedAttempts failed attempts of the first message so far
   * @param lastError why the last attempt failed, if it did
   */
  public record Status(String receiver, String endpoint, List<String> pending, long delivered, long failed,
      Optional<String> disabled, String circuitBreaker, int failedAttempts, Optional<String> lastError) {}

  // ---- events (journaled, JSON) -----------------------------------------------------------------

  public sealed interface Event extends AlertSerializable
      permits Queued, Delivered, Failed, ReceiverDisabled, ReceiverEnabled {}

  public record Queued(Notification notification) implements Event {}

  /** The endpoint accepted it; {@code attempts} counts every try, the last included. */
  public record Delivered(String id, Instant at, int attempts) implements Event {}

  /** Given up for good: refused by the endpoint, expired, or dropped from a full outbox. */
  public record Failed(String id, String reason, Instant at) implements Event {}

  /** The endpoint refuses or is gone; {@code fingerprint} of the URL it was disabled for. */
  public record ReceiverDisabled(String reason, String fingerprint, Instant at) implements Event {}

  public record ReceiverEnabled(String reason, Instant at) implements Event {}

  // ---- the actor -------------------------------------------------------------------------------

  private static final long NONE = -1;
  private static final long NOT_SENT = Long.MIN_VALUE;

  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final Receiver receiver;
  private final DeliverySettings settings;
  private final WebhookTransport transport;
  private final Consumer<HealthEvent> publish;
  private final Clock clock;
  /** Null for the log, which cannot fail. */
  private final CircuitBreaker breaker;

  // Delivery progress: in memory only (see the class comment on waits after a restart).
  private final Object incarnation = new Object();
  /** Numbers attempts; an answer to any other than {@link #inFlight} is stale (from before a restart). */
  private long attempts;
  private long inFlight = NONE;
  /** The first message the counters below are about. */
  private String headId;
  private int failures;
  private String lastError;
  private boolean waiting;
  private long notBeforeNanos;
  private boolean sentBefore;
  private long lastSentNanos;

  /**
   * @param transport the HTTP client shared by the receivers
   * @param publish where the CRITICAL of a disabled receiver goes (the app's event bus)
   */
  public static Behavior<Command> create(Receiver receiver, DeliverySettings settings, WebhookTransport transport,
      Consumer<HealthEvent> publish, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new Outbox(ctx, timers, receiver, settings, transport, publish, clock)));
  }

  public static String persistenceId(String receiver) {
    return PREFIX + receiver;
  }

  private Outbox(ActorContext<Command> ctx, TimerScheduler<Command> timers, Receiver receiver,
      DeliverySettings settings, WebhookTransport transport, Consumer<HealthEvent> publish, Clock clock) {
    // a failing journal stops the entity; it comes back with backoff and recovers its queue
    super(PersistenceId.ofUniqueId(persistenceId(receiver.name())), SupervisorStrategy.restartWithBackoff(
        settings.backoff().min(), settings.backoff().max(), settings.backoff().randomFactor()));
    this.ctx = ctx;
    this.timers = timers;
    this.receiver = receiver;
    this.settings = settings;
    this.transport = transport;
    this.publish = publish;
    this.clock = clock;
    this.breaker = receiver instanceof HttpReceiver http ? breaker(ctx, http, settings) : null;
  }

  private static CircuitBreaker breaker(ActorContext<?> ctx, HttpReceiver r, DeliverySettings s) {
    DeliverySettings.CircuitBreakerSpec spec = s.circuitBreaker();
    // the transport gives up after timeout + 1 s; the breaker's own timer only catches what slips through
    Duration callTimeout = r.timeout().multipliedBy(2).plusSeconds(2);
    CircuitBreaker b = CircuitBreaker.create(ctx.getSystem().classicSystem().scheduler(), spec.maxFailures(),
        callTimeout, spec.resetTimeout()).withExponentialBackoff(spec.maxResetTimeout());
    b.addOnOpenListener(() -> LOG.warn("alert receiver '{}' ({}): circuit breaker open after {} failed attempts in "
        + "a row; no attempt for {} (longer each time a trial fails)", r.name(), r.shownEndpoint(),
        spec.maxFailures(), spec.resetTimeout()));
    b.addOnHalfOpenListener(() -> LOG.info("alert receiver '{}' ({}): circuit breaker half-open, trying one message",
        r.name(), r.shownEndpoint()));
    b.addOnCloseListener(() -> LOG.info("alert receiver '{}' ({}): circuit breaker closed, the endpoint answers again",
        r.name(), r.shownEndpoint()));
    return b;
  }

  @Override
  public OutboxState emptyState() {
    return OutboxState.empty();
  }

  @Override
  public CommandHandler<Command, Event, OutboxState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Enqueue.class, this::onEnqueue)
        .onCommand(GetStatus.class, this::onGetStatus)
        .onCommand(Enable.class, this::onEnable)
        .onCommand(ConfigChanged.class, this::onConfigChanged)
        .onCommand(Tick.class, this::onTick)
        .onCommand(Attempted.class, this::onAttempted)
        .build();
  }

  @Override
  public EventHandler<OutboxState, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, settings.dedupWindow()));
  }

  @Override
  public SignalHandler<OutboxState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  // ---- commands --------------------------------------------------------------------------------

  private Effect<Event, OutboxState> onEnqueue(OutboxState state, Enqueue cmd) {
    Notification n = cmd.notification();
    if (state.knows(n.id())) {
      LOG.debug("alert receiver '{}': message {} was queued before; dropped as a repeat", receiver.name(), n.id());
      return Effect().none().thenRun(s -> cmd.replyTo().tell(Done.getInstance()));
    }
    List<Event> events = new ArrayList<>();
    if (state.pending().size() >= settings.maxPending()) {
      // the oldest that is not being sent right now
      Notification oldest = state.pending().get(inFlight != NONE && state.pending().size() > 1 ? 1 : 0);
      String reason = "dropped: more than " + settings.maxPending() + " messages waiting for receiver '"
          + receiver.name() + "' (regulator.alerts.delivery.max-pending)";
      LOG.warn("alert receiver '{}' ({}): message {} {}", receiver.name(), receiver.shownEndpoint(), oldest.id(), reason);
      events.add(new Failed(oldest.id(), reason, clock.instant()));
    }
    events.add(new Queued(n));
    return Effect().persist(events).thenRun(s -> {
      cmd.replyTo().tell(Done.getInstance());
      pump(s);
    });
  }

  private Effect<Event, OutboxState> onGetStatus(OutboxState state, GetStatus cmd) {
    String circuit = breaker == null || breaker.isClosed() ? "CLOSED" : breaker.isOpen() ? "OPEN" : "HALF_OPEN";
    Status status = new Status(receiver.name(), receiver.shownEndpoint(),
        state.pending().stream().map(Notification::id).toList(), state.delivered(), state.failed(),
        state.disabled().map(ReceiverDisabled::reason), circuit,
        state.head().map(h -> h.id().equals(headId) ? failures : 0).orElse(0),
        Optional.ofNullable(lastError));
    return Effect().none().thenRun(s -> cmd.replyTo().tell(status));
  }

  private Effect<Event, OutboxState> onEnable(OutboxState state, Enable cmd) {
    if (state.disabled().isEmpty()) {
      return Effect().none().thenRun(s -> cmd.replyTo().tell(Done.getInstance()));
    }
    return enable(state, "enabled by request").thenRun(s -> cmd.replyTo().tell(Done.getInstance()));
  }

  private Effect<Event, OutboxState> onConfigChanged(OutboxState state, ConfigChanged cmd) {
    if (state.disabled().isEmpty()) {
      return Effect().none();
    }
    return enable(state, cmd.reason());
  }

  private EffectBuilder<Event, OutboxState> enable(OutboxState state, String reason) {
    LOG.info("alert receiver '{}' ({}): enabled again ({}); {} queued message(s) go now", receiver.name(),
        receiver.shownEndpoint(), reason, state.pending().size());
    return Effect().persist(new ReceiverEnabled(reason, clock.instant())).thenRun(this::pump);
  }

  private Effect<Event, OutboxState> onTick(OutboxState state, Tick tick) {
    return Effect().none().thenRun(this::pump);
  }

  private Effect<Event, OutboxState> onAttempted(OutboxState state, Attempted msg) {
    if (msg.incarnation() != incarnation || msg.attempt() != inFlight) {
      return Effect().none(); // answer to an attempt from before a restart of this entity
    }
    inFlight = NONE;
    if (msg.startedNanos() != NOT_SENT && !(msg.result() instanceof DeliveryResult.BreakerOpen)) {
      sentBefore = true;
      lastSentNanos = msg.startedNanos();
    }
    if (!state.pendingHas(msg.id())) {
      return Effect().none().thenRun(this::pump);
    }
    DeliveryResult result = msg.result();
    if (result instanceof DeliveryResult.Delivered) {
      if (failures > 0) {
        LOG.info("alert receiver '{}' ({}): message {} delivered after {} attempts", receiver.name(),
            receiver.shownEndpoint(), msg.id(), failures + 1);
      }
      return Effect().persist(new Delivered(msg.id(), clock.instant(), failures + 1)).thenRun(this::pump);
    }
    if (result instanceof DeliveryResult.Rejected rejected) {
      LOG.error("alert receiver '{}' ({}): message {} not delivered, given up: {}", receiver.name(),
          receiver.shownEndpoint(), msg.id(), rejected.reason());
      return Effect().persist(new Failed(msg.id(), rejected.reason(), clock.instant())).thenRun(this::pump);
    }
    if (result instanceof DeliveryResult.ReceiverGone gone) {
      ReceiverDisabled disabled = new ReceiverDisabled(gone.reason(), receiver.fingerprint(), clock.instant());
      return Effect().persist(disabled).thenRun(s -> critical(disabledMessage(disabled, s, false)));
    }
    if (result instanceof DeliveryResult.Retry retry) {
      failures++;
      lastError = retry.reason();
      Duration wait = RetryPolicy.delay(settings.backoff(), settings.maxRetryAfter(), failures, retry.retryAfter(),
          ThreadLocalRandom.current().nextDouble());
      waitFor(wait);
      String next = breaker != null && breaker.isOpen() ? "next attempt when the circuit breaker lets one through"
          : "next attempt in " + wait.toMillis() + " ms";
      LOG.warn("alert receiver '{}' ({}): attempt {} of message {} failed: {}; {}", receiver.name(),
          receiver.shownEndpoint(), failures, msg.id(), retry.reason(), next);
      return Effect().none().thenRun(this::pump);
    }
    if (result instanceof DeliveryResult.BreakerOpen open) {
      waitFor(open.remaining());
      return Effect().none().thenRun(this::pump);
    }
    throw new IllegalStateException("unknown delivery result " + result);
  }

  private void onRecovered(OutboxState state) {
    inFlight = NONE;
    headId = null;
    waiting = false;
    state.disabled().ifPresent(d -> {
      if (!d.fingerprint().equals(receiver.fingerprint())) {
        ctx.getSelf().tell(new ConfigChanged("its URL changed in config since it was disabled"));
      } else {
        critical(disabledMessage(d, state, true));
      }
    });
    if (!state.pending().isEmpty()) {
      LOG.info("alert receiver '{}' ({}): {} message(s) from before the restart to deliver", receiver.name(),
          receiver.shownEndpoint(), state.pending().size());
    }
    pump(state);
  }

  // ---- delivery --------------------------------------------------------------------------------

  /** Starts the next attempt if nothing is in flight and no wait is due; else (re)arms the timer. */
  private void pump(OutboxState state) {
    if (inFlight != NONE || state.disabled().isPresent()) {
      return;
    }
    Optional<Notification> head = state.head();
    if (head.isEmpty()) {
      timers.cancel(Tick.ATTEMPT);
      return;
    }
    Notification n = head.get();
    if (!n.id().equals(headId)) { // a new first message: its own retry count
      headId = n.id();
      failures = 0;
      lastError = null;
      waiting = false;
    }
    long now = System.nanoTime();
    long wait = 0;
    if (waiting) {
      wait = notBeforeNanos - now;
    }
    if (sentBefore) {
      wait = Math.max(wait, lastSentNanos + receiver.minInterval().toNanos() - now);
    }
    if (wait > 0) {
      timers.startSingleTimer(Tick.ATTEMPT, Duration.ofNanos(wait));
      return;
    }
    waiting = false;
    timers.cancel(Tick.ATTEMPT);
    long attempt = ++attempts;
    inFlight = attempt;
    if (expired(n)) {
      ctx.getSelf().tell(new Attempted(incarnation, attempt, n.id(), new DeliveryResult.Rejected("expired: not delivered within "
          + SlackMessage.human(settings.expireAfter()) + " of its creation (regulator.alerts.delivery.expire-after)"),
          NOT_SENT));
      return;
    }
    deliver(n, attempt, now);
  }

  private void deliver(Notification n, long attempt, long started) {
    if (receiver instanceof HttpReceiver http) {
      CompletionStage<DeliveryResult> answer = breaker.callWithCircuitBreakerCS(() -> transport.send(http, n),
          BREAKER_FAILURE);
      ctx.pipeToSelf(answer, (result, error) -> new Attempted(incarnation, attempt, n.id(),
          error == null ? result : DeliveryResult.ofError(error, http.timeout(), http.url()::scrub), started));
    } else if (receiver instanceof LogReceiver log) {
      String line = log.line(n);
      switch (LogReceiver.level(n)) {
        case CRITICAL, ERROR -> ALERTS.error(line);
        case WARNING -> ALERTS.warn(line);
        case INFO -> ALERTS.info(line);
      }
      ctx.getSelf().tell(new Attempted(incarnation, attempt, n.id(), new DeliveryResult.Delivered(0), started));
    }
  }

  private static final BiFunction<Optional<DeliveryResult>, Optional<Throwable>, Boolean> BREAKER_FAILURE =
      (result, error) -> error.isPresent() || result.map(DeliveryResult::breakerFailure).orElse(false);

  private boolean expired(Notification n) {
    Duration expireAfter = settings.expireAfter();
    return !expireAfter.isZero() && n.createdAt() != null
        && n.createdAt().plus(expireAfter).isBefore(clock.instant());
  }

  private void waitFor(Duration d) {
    waiting = true;
    notBeforeNanos = System.nanoTime() + d.toNanos();
  }

  private String disabledMessage(ReceiverDisabled d, OutboxState state, boolean still) {
    String key = receiver instanceof HttpReceiver http ? http.urlKey() : "regulator.alerts.receivers." + receiver.name();
    return "alert receiver '" + receiver.name() + "' (" + receiver.shownEndpoint() + ") "
        + (still ? "is still disabled since " + d.at() : "disabled") + ": " + d.reason() + "; "
        + state.pending().size() + " message(s) kept queued. Fix " + key
        + " (the receiver is enabled again at the next start when it changes) or enable it through the API";
  }

  private void critical(String message) {
    LOG.error(message);
    try {
      publish.accept(new HealthEvent.SystemCritical(clock.instant(), settings.node(), HealthEvent.SYSTEM, message));
    } catch (RuntimeException e) {
      LOG.error("alert receiver '{}': publishing the CRITICAL failed: {}", receiver.name(), e.toString());
    }
  }
}
