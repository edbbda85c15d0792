package io.regulator.alerting;

import io.regulator.alerting.ReceiverQueue.Live;
import io.regulator.alerting.ReceiverQueue.Pending;
import io.regulator.alerting.ReceiverQueue.Snapshot;
import io.regulator.alerting.policy.Conditions;
import io.regulator.alerting.policy.Conditions.Health;
import io.regulator.alerting.policy.FlapDetector;
import io.regulator.alerting.policy.Inhibition;
import io.regulator.alerting.policy.RateLimiter;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.EventText;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.GroupSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.pattern.StatusReply;

/**
 * Turns health events into notifications for people (DESIGN §5).
 *
 * <p>The model: a {@link HealthEvent} means signals ({@link Conditions}): a condition raised on a
 * component, a component recovered, its health changed. A raised condition with a severity (the
 * {@code rules}) opens one {@link Incident} per key (component + condition); while it is open,
 * the same condition again is a duplicate. An open alert goes to its receivers' groups: each
 * receiver collects what arrives within {@code group-wait} (CRITICAL: {@code group-wait-critical})
 * into one {@link Notification}, limited to {@code rate-limit} messages per receiver (the message
 * that hits the limit says so; the rest is summarised when there is room again). While unresolved,
 * an alert is sent again every {@code repeat-interval} and escalates by time (severity up,
 * receivers added). Recovery resolves it; if it was sent, its receivers hear that too.
 *
 * <p>An alert is not sent while it is suppressed, and the reason is kept on it ({@link GetActive})
 * and published once as {@link AlertEvent.AlertSuppressed} on the event stream: a silence covers
 * its component; a component it requires is down (only the root cause pages); or its component is
 * flapping (Nagios' weighted state change, {@link FlapDetector}) and the one "flapping" alert
 * stands for it. When the reason goes away, an alert that was never sent is sent.
 *
 * <p>Events come from the event bus: the manager subscribes itself to the actor system's event
 * stream (which the runtime's EventBus publishes on); {@link Observe} is the same thing by hand.
 * Timers, one key per concern: the group flush per receiver, escalation and repeat per alert
 * key, the rate limit's reopening per receiver, the start and end per silence, and the periodic
 * flap sample. Time comes from a {@link Clock} so that tests can move it with the scheduler.
 */
public final class AlertManager extends AbstractBehavior<AlertManager.Command> {

  public sealed interface Command {}

  /** A health event from the event bus. */
  public record Observe(HealthEvent event) implements Command {}

  /**
   * Silence a component (or {@code system}, or {@code *} for all) from {@code startsAt} (empty: now)
   * until {@code endsAt}; the reply carries the silence with its id.
   */
  public record AddSilence(String component, Optional<Instant> startsAt, Instant endsAt, String reason,
      ActorRef<StatusReply<Silence>> replyTo) implements Command {}

  public record RemoveSilence(String id, ActorRef<StatusReply<Silence>> replyTo) implements Command {}

  /** Silences that have not ended yet (current and future), by start. */
  public record ListSilences(ActorRef<List<Silence>> replyTo) implements Command {}

  /** Alerts not resolved yet, sent or not, with why those not sent are suppressed; oldest first. */
  public record GetActive(ActorRef<List<ActiveAlert>> replyTo) implements Command {}

  private record Flush(String receiver) implements Command {}

  private record Escalate(String key) implements Command {}

  private record Repeat(String key) implements Command {}

  private record RateLimitLifted(String receiver) implements Command {}

  private record SilenceStarts(String id) implements Command {}

  private record SilenceEnds(String id) implements Command {}

  private enum FlapSample implements Command { INSTANCE }

  public static Behavior<Command> create(AlertSettings settings, FleetSpec fleet, ActorRef<Notification> delivery) {
    return create(settings, fleet, delivery, Clock.systemUTC());
  }

  /** With a clock of its own: tests move it together with the scheduler's manual time. */
  public static Behavior<Command> create(AlertSettings settings, FleetSpec fleet, ActorRef<Notification> delivery,
      Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new AlertManager(ctx, timers, settings, fleet, delivery, clock)));
  }

  private final TimerScheduler<Command> timers;
  private final AlertSettings settings;
  private final FleetSpec fleet;
  /** How many output lines an alert carries. */
  private static final int LAST_LINES = 10;
  private final ActorRef<Notification> delivery;
  private final Clock clock;

  /** Open alerts by key, in the order they were raised. */
  private final Map<String, Incident> incidents = new LinkedHashMap<>();
  private final Map<String, ReceiverQueue> queues = new HashMap<>();
  private final Map<String, Silence> silences = new LinkedHashMap<>();
  /** One-shot notices by key: when one was last sent (repeats within repeat-interval are dropped). */
  private final Map<String, Instant> noticesSent = new HashMap<>();
  /** When a healed blip of each alert key was last sent. */
  private final Map<String, Instant> healedSent = new HashMap<>();

  // ---- what is known of each component ---------------------------------------------------------
  private final Map<String, Health> health = new HashMap<>();
  private final Map<String, FlapDetector.History> flaps = new HashMap<>();
  /** The cause of each component's latest problem, for its flapping alert. */
  private final Map<String, Cause> lastProblem = new HashMap<>();
  /** Groups whose escalation the open group-escalated alert is about. */
  private final Set<String> escalatedGroups = new TreeSet<>();

  private AlertManager(ActorContext<Command> ctx, TimerScheduler<Command> timers, AlertSettings settings,
      FleetSpec fleet, ActorRef<Notification> delivery, Clock clock) {
    super(ctx);
    this.timers = timers;
    this.settings = settings;
    this.fleet = fleet;
    this.delivery = delivery;
    this.clock = clock;
    ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(HealthEvent.class,
        ctx.messageAdapter(HealthEvent.class, Observe::new)));
    timers.startTimerWithFixedDelay(FlapSample.INSTANCE, settings.flapInterval());
    if (settings.route().isEmpty()) {
      ctx.getLog().warn("no alert receivers: alerts are kept (see the API) but not sent; add one under "
          + "regulator.alerts.receivers and regulator.alerts.route.receivers");
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Observe.class, this::onObserve)
        .onMessage(AddSilence.class, this::onAddSilence)
        .onMessage(RemoveSilence.class, this::onRemoveSilence)
        .onMessage(ListSilences.class, this::onListSilences)
        .onMessage(GetActive.class, this::onGetActive)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(Escalate.class, this::onEscalate)
        .onMessage(Repeat.class, this::onRepeat)
        .onMessage(RateLimitLifted.class, this::onRateLimitLifted)
        .onMessage(SilenceStarts.class, this::onSilenceStarts)
        .onMessage(SilenceEnds.class, this::onSilenceEnds)
        .onMessageEquals(FlapSample.INSTANCE, this::onFlapSample)
        .build();
  }

  // ---- health events ---------------------------------------------------------------------------

  private Behavior<Command> onObserve(Observe observe) {
    HealthEvent event = observe.event();
    if (event instanceof HealthEvent.GroupEscalated e) {
      escalatedGroups.add(e.component());
      if (fleet.components().containsKey(e.failedMember())) {
        // its crash may reach us after the escalation: the group is not healthy until it is READY again
        healthChanged(e.failedMember(), Health.PROBLEM);
      }
    }
    for (Conditions.Signal signal : Conditions.of(event, fleet)) {
      if (signal instanceof Conditions.Raised r) {
        raise(r);
      } else if (signal instanceof Conditions.Recovered r) {
        recover(r);
      } else if (signal instanceof Conditions.HealthChanged h) {
        healthChanged(h.component(), h.health());
      }
    }
    return this;
  }

  private void raise(Conditions.Raised r) {
    if (!r.condition().equals(Conditions.FLAPPING)) {
      lastProblem.put(r.component(), r.cause());
    }
    Optional<Severity> severity = settings.rules().severity(r.condition(), critical(r.component()));
    if (severity.isEmpty()) {
      return; // the rule says off
    }
    String key = Alert.key(r.component(), r.condition());
    Instant now = clock.instant();
    if (Conditions.ONE_SHOT.contains(r.condition())) {
      raiseNotice(key, r, severity.get(), now);
      return;
    }
    Incident open = incidents.get(key);
    if (open != null) {
      open.occurrences++; // dedup: the same condition while it is open is the same alert
      return;
    }
    Incident incident = new Incident(key, r.component(), r.condition(), severity.get(), r.cause(), r.title(),
        r.since(), now);
    incident.lastLines = LastLines.of(fleet.settings().logDir(), r.component(), LAST_LINES);
    incidents.put(key, incident);
    getContext().getLog().debug("alert {} raised ({}): {}", key, severity.get(), r.title());
    scheduleEscalation(incident);
    if (evaluate(incident).isEmpty()) {
      enqueueLive(incident, receivers(incident));
    }
  }

  /** A one-shot condition: sent once as it is, not kept open; the same notice within repeat-interval is dropped. */
  private void raiseNotice(String key, Conditions.Raised r, Severity severity, Instant now) {
    Instant sent = noticesSent.get(key);
    if (sent != null && now.isBefore(sent.plus(settings.repeatInterval()))) {
      return;
    }
    Alert notice = new Alert(key, r.component(), r.condition(), severity, r.title(), r.cause(), r.since(), List.of(),
        false, 0);
    Optional<String> suppressed = suppression(r.component(), r.condition(), severity, now);
    if (suppressed.isPresent()) {
      publishSuppressed(notice, suppressed.get(), now);
      return;
    }
    noticesSent.put(key, now);
    for (String receiver : settings.route()) {
      enqueue(receiver, key, new Snapshot(notice), settings.groupWaitFor(severity));
    }
  }

  private void recover(Conditions.Recovered r) {
    for (Incident incident : List.copyOf(incidents.values())) {
      boolean matches = incident.component.equals(r.component())
          && r.condition().map(incident.condition::equals).orElse(!incident.condition.equals(Conditions.FLAPPING));
      if (matches) {
        resolve(incident, r.why());
      }
    }
  }

  private void resolve(Incident incident, String why) {
    incidents.remove(incident.key);
    timers.cancel(new Escalate(incident.key));
    timers.cancel(new Repeat(incident.key));
    List<String> waiting = queues.values().stream().filter(q -> q.hasLive(incident.key)).map(q -> q.receiver)
        .toList();
    queues.values().forEach(q -> q.dropLive(incident.key));
    Instant now = clock.instant();
    if (!incident.notified()) {
      if (!waiting.isEmpty() && settings.healedNotifications() && !incident.everSuppressed
          && suppression(incident, now).isEmpty() && !healedRecently(incident.key, now)) {
        // it healed before its group went out: still worth one message, saying so
        healedSent.put(incident.key, now);
        String title = incident.title + " (recovered after " + EventText.human(Duration.between(incident.since, now))
            + ": " + why + ")";
        Alert healed = alert(incident, false, title);
        for (String receiver : waiting) {
          enqueue(receiver, incident.key, new Snapshot(healed), settings.groupWaitFor(severity(incident)));
        }
        return;
      }
      // never sent: suppressed all along, or a repeat of a blip already told; nobody needs to hear it is over
      getContext().getLog().debug("alert {} resolved before it was sent: {}", incident.key, why);
      return;
    }
    Optional<String> suppressed = suppression(incident, now);
    if (!settings.resolvedNotifications() || suppressed.isPresent()) {
      getContext().getLog().debug("alert {} resolved ({}), not announced{}", incident.key, why,
          suppressed.map(s -> ": " + s).orElse(""));
      return;
    }
    String title = incident.title + " (resolved after " + EventText.human(Duration.between(incident.since, now))
        + ": " + why + ")";
    Alert resolved = alert(incident, true, title);
    for (String receiver : incident.notifiedTo) {
      enqueue(receiver, incident.key, new Snapshot(resolved), settings.groupWait());
    }
  }

  /** A healed blip of {@code key} was sent within the repeat interval. */
  private boolean healedRecently(String key, Instant now) {
    Instant last = healedSent.get(key);
    return last != null && Duration.between(last, now).compareTo(settings.repeatInterval()) < 0;
  }

  private void healthChanged(String component, Health now) {
    Health before = health.put(component, now);
    if (before == now) {
      return;
    }
    if (now != Health.STOPPED) {
      sampleFlap(component, now == Health.PROBLEM);
    }
    // it went down or came back: the alerts of what requires it are (no longer) inhibited
    for (String dependent : fleet.graph().transitiveDependentsOf(component)) {
      reevaluate(dependent);
    }
    if (now == Health.OK) {
      checkGroupsRecovered();
    }
  }

  /** The group-escalated alert ends when every member of the escalated groups is up again. */
  private void checkGroupsRecovered() {
    Incident incident = incidents.get(Alert.key(HealthEvent.SYSTEM, Conditions.GROUP_ESCALATED));
    if (incident == null) {
      return;
    }
    Set<String> watched = new LinkedHashSet<>();
    for (String group : escalatedGroups) {
      Optional.ofNullable(fleet.groups().get(group)).map(GroupSpec::members).ifPresent(watched::addAll);
    }
    if (watched.isEmpty()) {
      watched.addAll(fleet.components().keySet()); // a SystemCritical without its group: the whole fleet
    }
    if (watched.stream().noneMatch(c -> health.get(c) == Health.PROBLEM)) {
      String why = escalatedGroups.isEmpty() ? "no component is down any more"
          : "every member of " + String.join(", ", escalatedGroups) + " is up again";
      escalatedGroups.clear();
      resolve(incident, why);
    }
  }

  // ---- flapping --------------------------------------------------------------------------------

  private void sampleFlap(String component, boolean problem) {
    FlapDetector.History before = flaps.getOrDefault(component, FlapDetector.History.EMPTY);
    FlapDetector.History after = settings.flap().record(before, problem);
    flaps.put(component, after);
    if (!before.flapping() && after.flapping()) {
      startedFlapping(component, after);
    } else if (before.flapping() && !after.flapping()) {
      stoppedFlapping(component, after);
    }
  }

  /** Calm time counts too: components with recent changes get a sample of their current health. */
  private Behavior<Command> onFlapSample() {
    for (Map.Entry<String, FlapDetector.History> e : List.copyOf(flaps.entrySet())) {
      Health h = health.get(e.getKey());
      if (h == null || h == Health.STOPPED || e.getValue().settledOn(h == Health.PROBLEM)) {
        continue;
      }
      sampleFlap(e.getKey(), h == Health.PROBLEM);
    }
    return this;
  }

  private void startedFlapping(String component, FlapDetector.History history) {
    FlapDetector flap = settings.flap();
    Cause last = lastProblem.getOrDefault(component, Cause.of(CauseCategory.PROGRESS, "state changes"));
    String detail = "changed state " + percent(history.percent()) + " of its last " + flap.samples()
        + " samples (flapping from " + percent(flap.high()) + "); last problem: " + last.detail();
    Cause cause = new Cause(last.category(), detail, last.suggestion().isEmpty()
        ? "it keeps failing and recovering: look at its log and probes" : last.suggestion());
    getContext().getLog().info("{} started flapping: {}", component, detail);
    raise(new Conditions.Raised(component, Conditions.FLAPPING, cause,
        component + " is flapping (" + percent(history.percent()) + " state change)", clock.instant()));
    reevaluate(component);
  }

  private void stoppedFlapping(String component, FlapDetector.History history) {
    getContext().getLog().info("{} stopped flapping ({} state change)", component, percent(history.percent()));
    Incident incident = incidents.get(Alert.key(component, Conditions.FLAPPING));
    if (incident != null) {
      resolve(incident, "stopped flapping, " + percent(history.percent()) + " state change");
    }
    reevaluate(component);
  }

  // ---- suppression -----------------------------------------------------------------------------

  /** Why {@code incident} is not to be sent now, remembered on it and published when it is new. */
  private Optional<String> evaluate(Incident incident) {
    Instant now = clock.instant();
    Optional<String> reason = suppression(incident, now);
    if (reason.isPresent() && !reason.equals(incident.suppressed)) {
      publishSuppressed(alert(incident, false, incident.title), reason.get(), now);
    }
    incident.suppressed = reason;
    incident.everSuppressed |= reason.isPresent();
    return reason;
  }

  /** Re-evaluates the component's open alerts; one never sent whose suppression ended is sent now. */
  private void reevaluate(String component) {
    for (Incident incident : List.copyOf(incidents.values())) {
      if (incident.component.equals(component)) {
        boolean wasSuppressed = incident.suppressed.isPresent();
        if (evaluate(incident).isEmpty() && wasSuppressed && !incident.notified()) {
          enqueueLive(incident, receivers(incident));
        }
      }
    }
  }

  private Optional<String> suppression(Incident incident, Instant now) {
    return suppression(incident.component, incident.condition, severity(incident), now);
  }

  private Optional<String> suppression(String component, String condition, Severity severity, Instant now) {
    for (Silence s : silences.values()) {
      if (s.covers(component, now)) {
        return Optional.of("silenced until " + s.endsAt() + " (" + s.id() + "): " + s.reason());
      }
    }
    if (!component.equals(HealthEvent.SYSTEM)) {
      Optional<String> root = Inhibition.rootCause(component, fleet.graph(), c -> health.get(c) == Health.PROBLEM);
      if (root.isPresent()) {
        return Optional.of("inhibited: " + component + " requires " + root.get() + ", which is down; only "
            + root.get() + "'s alerts are sent");
      }
    }
    FlapDetector.History flap = flaps.get(component);
    if (flap != null && flap.flapping() && !condition.equals(Conditions.FLAPPING)) {
      // the flapping alert stands for the stream of alerts up to its own severity, not above it
      Optional<Severity> flapping = settings.rules().severity(Conditions.FLAPPING, critical(component));
      if (flapping.isPresent() && severity.compareTo(flapping.get()) <= 0) {
        return Optional.of("flapping: " + component + "'s flapping alert stands for this one");
      }
    }
    return Optional.empty();
  }

  private void publishSuppressed(Alert alert, String reason, Instant now) {
    getContext().getLog().info("alert {} suppressed: {}", alert.key(), reason);
    getContext().getSystem().eventStream().tell(
        new EventStream.Publish<>(new AlertEvent.AlertSuppressed(now, alert, reason)));
  }

  // ---- escalation and repeat ------------------------------------------------------------------

  private void scheduleEscalation(Incident incident) {
    settings.escalation().nextAfter(incident.step).ifPresent(after -> {
      Duration elapsed = Duration.between(incident.openedAt, clock.instant());
      Duration delay = after.minus(elapsed);
      timers.startSingleTimer(new Escalate(incident.key), new Escalate(incident.key),
          delay.isNegative() ? Duration.ZERO : delay);
    });
  }

  private Behavior<Command> onEscalate(Escalate escalate) {
    Incident incident = incidents.get(escalate.key());
    if (incident == null) {
      return this;
    }
    int step = settings.escalation().stepAt(Duration.between(incident.openedAt, clock.instant()));
    if (step > incident.step) {
      Severity severityBefore = severity(incident);
      List<String> receiversBefore = receivers(incident);
      incident.step = step;
      Severity severity = severity(incident);
      List<String> receivers = receivers(incident);
      // a higher severity goes to everyone; otherwise only the receivers this step added hear of it
      List<String> targets = new ArrayList<>(receivers);
      if (severity.compareTo(severityBefore) <= 0) {
        targets.removeAll(receiversBefore);
      }
      getContext().getLog().info("alert {} escalated to step {} ({}), receivers {}", incident.key, step, severity,
          receivers);
      if (!targets.isEmpty() && evaluate(incident).isEmpty()) {
        enqueueLive(incident, targets);
      }
    }
    scheduleEscalation(incident);
    return this;
  }

  private Behavior<Command> onRepeat(Repeat repeat) {
    Incident incident = incidents.get(repeat.key());
    if (incident == null) {
      return this;
    }
    if (evaluate(incident).isPresent()) {
      // nothing to repeat while suppressed; look again an interval later
      timers.startSingleTimer(repeat, repeat, settings.repeatInterval());
    } else {
      enqueueLive(incident, receivers(incident)); // the flush starts the next interval
    }
    return this;
  }

  // ---- groups and sending ----------------------------------------------------------------------

  private void enqueueLive(Incident incident, List<String> receivers) {
    Duration wait = settings.groupWaitFor(severity(incident));
    for (String receiver : receivers) {
      enqueue(receiver, incident.key, Live.INSTANCE, wait);
    }
  }

  /** Puts news about {@code key} into the receiver's group; the group is flushed {@code wait} from now at the latest. */
  private void enqueue(String receiver, String key, Pending what, Duration wait) {
    ReceiverQueue queue = queue(receiver);
    queue.put(key, what);
    if (wait.isZero()) {
      flush(queue); // CRITICAL: now, together with whatever waits
      return;
    }
    Instant due = clock.instant().plus(wait);
    if (queue.flushAt == null || due.isBefore(queue.flushAt)) {
      queue.flushAt = due;
      timers.startSingleTimer(new Flush(receiver), new Flush(receiver), wait);
    }
  }

  private Behavior<Command> onFlush(Flush flush) {
    ReceiverQueue queue = queues.get(flush.receiver());
    if (queue != null) {
      flush(queue);
    }
    return this;
  }

  private void flush(ReceiverQueue queue) {
    timers.cancel(new Flush(queue.receiver));
    queue.flushAt = null;
    List<Alert> alerts = new ArrayList<>();
    List<Incident> sent = new ArrayList<>();
    for (Map.Entry<String, Pending> e : queue.drain().entrySet()) {
      if (e.getValue() instanceof Snapshot s) {
        alerts.add(s.alert());
        continue;
      }
      Incident incident = incidents.get(e.getKey());
      if (incident == null || evaluate(incident).isPresent()) {
        continue; // resolved meanwhile (and never sent here), or suppressed since it was queued
      }
      alerts.add(alert(incident, false, incident.title));
      sent.add(incident);
    }
    if (alerts.isEmpty()) {
      return;
    }
    deliver(queue, alerts);
    for (Incident incident : sent) {
      incident.notifiedTo.add(queue.receiver);
      timers.startSingleTimer(new Repeat(incident.key), new Repeat(incident.key), settings.repeatInterval());
    }
  }

  /** One message to the receiver, within its rate limit. */
  private void deliver(ReceiverQueue queue, List<Alert> alerts) {
    Instant now = clock.instant();
    if (queue.limiter.allows(now)) {
      Optional<String> summary = Optional.empty();
      List<Alert> message = alerts;
      if (queue.holding()) {
        summary = Optional.of("rate limit: " + queue.heldMessages + " message(s) with " + queue.heldAlerts()
            + " alert(s) were held back since " + queue.heldSince + " (at most " + settings.rateLimitMax()
            + " messages per " + EventText.human(settings.rateLimitPer()) + "); here they are with what is new");
        message = queue.releaseWith(alerts);
      }
      queue.limitAnnounced = false;
      queue.limiter = queue.limiter.record(now);
      send(queue.receiver, message, summary, now);
    } else if (!queue.limitAnnounced) {
      // the message that hits the limit says so; the rest waits for one summary
      Instant reopens = queue.limiter.nextSlot(now);
      queue.limitAnnounced = true;
      timers.startSingleTimer(new RateLimitLifted(queue.receiver), new RateLimitLifted(queue.receiver),
          Duration.between(now, reopens));
      getContext().getLog().warn("alert rate limit reached for receiver {}: holding back alerts until {}",
          queue.receiver, reopens);
      send(queue.receiver, alerts, Optional.of("rate limit reached: " + settings.rateLimitMax() + " messages to "
          + queue.receiver + " within " + EventText.human(settings.rateLimitPer()) + "; further alerts are held back "
          + "and sent as one summary at " + reopens + " (all open alerts are on the dashboard)"), now);
    } else {
      queue.hold(alerts, now);
    }
  }

  private Behavior<Command> onRateLimitLifted(RateLimitLifted lifted) {
    ReceiverQueue queue = queues.get(lifted.receiver());
    if (queue == null) {
      return this;
    }
    Instant now = clock.instant();
    if (!queue.limiter.allows(now)) {
      timers.startSingleTimer(lifted, lifted, Duration.between(now, queue.limiter.nextSlot(now)));
    } else if (queue.holding()) {
      deliver(queue, List.of());
    } else {
      queue.limitAnnounced = false;
    }
    return this;
  }

  private void send(String receiver, List<Alert> alerts, Optional<String> summary, Instant now) {
    Notification n = new Notification(UUID.randomUUID().toString(), receiver, now, alerts, summary,
        settings.dashboardUrl());
    getContext().getLog().info("notification {} to {}: {} alert(s), highest {}{}", n.id(), receiver, alerts.size(),
        n.severity(), summary.map(s -> " (" + s + ")").orElse(""));
    delivery.tell(n);
  }

  private ReceiverQueue queue(String receiver) {
    return queues.computeIfAbsent(receiver,
        r -> new ReceiverQueue(r, RateLimiter.of(settings.rateLimitMax(), settings.rateLimitPer())));
  }

  // ---- silences --------------------------------------------------------------------------------

  private Behavior<Command> onAddSilence(AddSilence add) {
    Instant now = clock.instant();
    String component = add.component() == null ? "" : add.component().trim();
    if (!component.equals(Silence.ALL) && !component.equals(HealthEvent.SYSTEM)
        && !fleet.components().containsKey(component)) {
      add.replyTo().tell(StatusReply.error("cannot silence unknown component '" + component
          + "'; use a component name, " + HealthEvent.SYSTEM + " or " + Silence.ALL));
      return this;
    }
    Instant start = add.startsAt().filter(s -> s.isAfter(now)).orElse(now);
    if (add.endsAt() == null || !add.endsAt().isAfter(start)) {
      add.replyTo().tell(StatusReply.error("a silence must end after it starts (" + start + "), not at "
          + add.endsAt()));
      return this;
    }
    if (add.reason() == null || add.reason().isBlank()) {
      add.replyTo().tell(StatusReply.error("a silence needs a reason (who silences what and why)"));
      return this;
    }
    Silence silence = new Silence(UUID.randomUUID().toString(), component, start, add.endsAt(), add.reason().trim());
    silences.put(silence.id(), silence);
    if (start.isAfter(now)) {
      timers.startSingleTimer(new SilenceStarts(silence.id()), new SilenceStarts(silence.id()),
          Duration.between(now, start));
    }
    timers.startSingleTimer(new SilenceEnds(silence.id()), new SilenceEnds(silence.id()),
        Duration.between(now, silence.endsAt()));
    getContext().getLog().info("silence {} added for {} from {} to {}: {}", silence.id(), component, start,
        silence.endsAt(), silence.reason());
    publish(new AlertEvent.SilenceAdded(now, silence));
    reevaluateCovered(component);
    add.replyTo().tell(StatusReply.success(silence));
    return this;
  }

  private Behavior<Command> onRemoveSilence(RemoveSilence remove) {
    Silence silence = silences.remove(remove.id());
    if (silence == null) {
      remove.replyTo().tell(StatusReply.error("no silence with id '" + remove.id() + "'; ListSilences shows them"));
      return this;
    }
    timers.cancel(new SilenceStarts(silence.id()));
    timers.cancel(new SilenceEnds(silence.id()));
    getContext().getLog().info("silence {} for {} removed", silence.id(), silence.component());
    publish(new AlertEvent.SilenceRemoved(clock.instant(), silence, false));
    reevaluateCovered(silence.component());
    remove.replyTo().tell(StatusReply.success(silence));
    return this;
  }

  private Behavior<Command> onSilenceStarts(SilenceStarts starts) {
    Silence silence = silences.get(starts.id());
    if (silence != null) {
      reevaluateCovered(silence.component());
    }
    return this;
  }

  private Behavior<Command> onSilenceEnds(SilenceEnds ends) {
    Silence silence = silences.remove(ends.id());
    if (silence != null) {
      getContext().getLog().info("silence {} for {} ended", silence.id(), silence.component());
      publish(new AlertEvent.SilenceRemoved(clock.instant(), silence, true));
      reevaluateCovered(silence.component());
    }
    return this;
  }

  private void reevaluateCovered(String component) {
    Set<String> components = new LinkedHashSet<>();
    for (Incident incident : incidents.values()) {
      if (component.equals(Silence.ALL) || incident.component.equals(component)) {
        components.add(incident.component);
      }
    }
    components.forEach(this::reevaluate);
  }

  private Behavior<Command> onListSilences(ListSilences list) {
    list.replyTo().tell(silences.values().stream().sorted(Comparator.comparing(Silence::startsAt)).toList());
    return this;
  }

  // ---- queries ---------------------------------------------------------------------------------

  private Behavior<Command> onGetActive(GetActive get) {
    Instant now = clock.instant();
    get.replyTo().tell(incidents.values().stream()
        .sorted(Comparator.comparing((Incident i) -> i.since))
        .map(i -> new ActiveAlert(alert(i, false, i.title), receivers(i), i.notified(), suppression(i, now),
            i.occurrences))
        .toList());
    return this;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private Alert alert(Incident incident, boolean resolved, String title) {
    return new Alert(incident.key, incident.component, incident.condition, severity(incident), title, incident.cause,
        incident.since, resolved ? List.of() : incident.lastLines, resolved, incident.step);
  }

  private Severity severity(Incident incident) {
    return settings.escalation().severityAt(incident.base, incident.step);
  }

  private List<String> receivers(Incident incident) {
    return settings.escalation().receiversAt(settings.route(), incident.step);
  }

  private boolean critical(String component) {
    ComponentSpec spec = fleet.components().get(component);
    return spec != null && spec.critical();
  }

  private void publish(AlertEvent event) {
    getContext().getSystem().eventStream().tell(new EventStream.Publish<>(event));
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%.1f%%", value);
  }
}
