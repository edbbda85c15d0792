package io.regulator.http.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.component.ComponentStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContextExecutor;

/**
 * What {@code GET /metrics} shows: Regulator's metrics in the Prometheus text format, through a
 * Micrometer registry (docs/http-api.md, Metrics). Where each comes from:
 *
 * <ul>
 *   <li>{@code regulator_component_up}, {@code _state}, {@code _restarts_total} and
 *       {@code _business_metric}: the components' statuses, read again at every scrape; a
 *       component gone from them (removed by a reload) loses every {@code regulator_component_*}
 *       series. Restarts come from the statuses and from restart events ({@link RestartTally}).
 *   <li>{@code regulator_component_resident_memory_bytes} and {@code _cpu_seconds_total}: the
 *       component's process tree ({@link ProcessResources}), sampled on demand; absent while no
 *       process runs.
 *   <li>{@code regulator_component_probe_duration_seconds}: every probe check, from the runtime's
 *       probe listener ({@link #probeChecked}).
 *   <li>{@code regulator_journal_events_total}: the health events on the bus (the journal records
 *       each of them); {@code regulator_alerts_total}: alerts that fired, from the
 *       {@link Notification}s on the actor system's event stream ({@link FiredAlerts}).
 *   <li>{@code regulator_http_requests_total}: the API, through {@link #countRequest}.
 *   <li>{@code jvm_*}, {@code process_*}, {@code system_*}: Micrometer's JVM and process binders.
 * </ul>
 *
 * <p>Sampling runs only when someone reads: a round measures every component's tree from one
 * pass over {@code /proc} ({@link ProcTable}), and its samples serve every read for
 * {@code maxSampleAge}. A scrape finding them older runs a round first, so Prometheus always gets
 * fresh values; {@link #resources} answers at once with what there is and, if it is older, starts
 * a round in the background for the next read. Nobody reading costs nothing, and at most one round
 * runs at a time.
 *
 * <p>Nothing here blocks an actor or a request: the listener only counts, sampling and rendering
 * run on the process dispatcher.
 */
public final class RegulatorMetrics implements AutoCloseable {

  /** The Prometheus text format, version 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(RegulatorMetrics.class);
  /** Reading /proc blocks for a few milliseconds: it runs where process I/O runs. */
  private static final String PROCESS_DISPATCHER = "regulator-process-dispatcher";
  private static final AtomicLong INSTANCES = new AtomicLong();

  /** Meters whose names start so are about one component, named by their {@code component} tag. */
  private static final String PER_COMPONENT = "regulator.component.";
  private static final String UP = "regulator.component.up";
  private static final String STATE = "regulator.component.state";
  private static final String RESTARTS = "regulator.component.restarts";
  private static final String PROBE_DURATION = "regulator.component.probe.duration";
  private static final String RESIDENT_MEMORY = "regulator.component.resident.memory";
  private static final String CPU = "regulator.component.cpu";
  private static final String BUSINESS = "regulator.component.business.metric";
  private static final String ALERTS = "regulator.alerts";
  private static final String JOURNAL_EVENTS = "regulator.journal.events";
  private static final String HTTP_REQUESTS = "regulator.http.requests";
  private static final String COMPONENT = "component";

  /** How many alert occurrences are remembered so that repeats do not count again. */
  private static final int FIRED_ALERTS_REMEMBERED = 4096;

  private enum Stop { INSTANCE }

  private static final CompletableFuture<Void> NO_ROUND = CompletableFuture.completedFuture(null);

  /** A component's process tree as last sampled, with the pid it was sampled for. */
  private record Sampled(long pid, ProcessResources.Sample sample) {}

  /** The statuses, numbered in the order they were asked for: the scrape and the sampler ask apart. */
  private record Statuses(long number, List<ComponentStatus> list) {}

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final EventBus bus;
  private final Supplier<CompletionStage<List<ComponentStatus>>> statuses;
  private final BusinessMetrics business;
  private final ExecutionContextExecutor processDispatcher;
  private final ProcessResources processes = new ProcessResources(Clock.systemUTC());
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Counter journalEvents;
  private final Map<Severity, Counter> alerts = new EnumMap<>(Severity.class);
  private final FiredAlerts fired = new FiredAlerts(FIRED_ALERTS_REMEMBERED);
  private final ConcurrentMap<String, RestartTally> restarts = new ConcurrentHashMap<>();
  /** Only for the pid the newest statuses show: written under {@code this}, read freely. */
  private final ConcurrentMap<String, Sampled> samples = new ConcurrentHashMap<>();
  private final AtomicLong statusesAsked = new AtomicLong();
  /** The pid of each component (null: no process) in the newest statuses; guarded by {@code this}. */
  private Map<String, Long> pids = Map.of();
  /** The number of the statuses {@link #pids} come from. */
  private long pidsFromStatuses = -1;
  /** The components of the last statuses, with their meters; guarded by {@code this}. */
  private final Map<String, Tracked> tracked = new HashMap<>();
  private final long maxSampleAgeNanos;
  /** The round that runs, or null: readers that need one join it rather than start another. */
  private final AtomicReference<CompletableFuture<Void>> round = new AtomicReference<>();
  /** When the last round that finished started, by {@link System#nanoTime}; written by the round only. */
  private volatile long sampledAtNanos;
  private volatile boolean sampledOnce;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean samplingFails;
  private final ActorRef<Object> listener;

  /**
   * Subscribes to the bus (health events) and the event stream (alert notifications). Events
   * published after this returns are counted. Nothing is sampled until someone reads.
   *
   * @param statuses every component's status, as the runtime answers them
   * @param maxSampleAge how old the resource samples may be when read before a round is due
   */
  public static RegulatorMetrics start(ActorSystem<?> system, EventBus bus,
      Supplier<CompletionStage<List<ComponentStatus>>> statuses, BusinessMetrics business, Duration maxSampleAge) {
    return new RegulatorMetrics(system, bus, statuses, business, maxSampleAge);
  }

  private RegulatorMetrics(ActorSystem<?> system, EventBus bus,
      Supplier<CompletionStage<List<ComponentStatus>>> statuses, BusinessMetrics business, Duration maxSampleAge) {
    this.bus = bus;
    this.maxSampleAgeNanos = maxSampleAge.toNanos();
    this.statuses = statuses;
    this.business = business;
    this.processDispatcher = system.dispatchers().lookup(DispatcherSelector.fromConfig(PROCESS_DISPATCHER));

    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    journalEvents = Counter.builder(JOURNAL_EVENTS)
        .description("Health events published on the event bus, each recorded by the journal")
        .register(registry);
    for (Severity severity : Severity.values()) {
      alerts.put(severity, Counter.builder(ALERTS).tag("severity", severity.name())
          .description("Alerts that fired (first notification of each occurrence), by the severity first sent")
          .register(registry));
    }

    // Subscribed from the caller's thread: whatever it publishes after this returns is counted.
    listener = system.systemActorOf(listen(), "metrics-" + INSTANCES.incrementAndGet(), Props.empty());
    bus.subscribe(listener.narrow());
    system.eventStream().tell(new EventStream.Subscribe<>(Notification.class, listener.narrow()));
  }

  /**
   * Samples the process trees if their samples are too old, refreshes the per-component series
   * from the current statuses, then renders every series.
   */
  public CompletionStage<String> scrape() {
    CompletionStage<Void> fresh = stale() ? sample() : NO_ROUND;
    return fresh.thenCompose(sampled -> statuses()).thenApplyAsync(current -> {
      refresh(current);
      return registry.scrape(CONTENT_TYPE);
    }, processDispatcher);
  }

  /** Counts one request the API answered. */
  private final java.util.concurrent.ConcurrentMap<String, Counter> requestCounters =
      new java.util.concurrent.ConcurrentHashMap<>();

  public void countRequest(String method, int status) {
    if (closed.get()) {
      return;
    }
    // Looked up once per method and status: the registry's own lookup is too slow for every request.
    requestCounters.computeIfAbsent(method + ' ' + status, key -> Counter.builder(HTTP_REQUESTS)
        .tags("method", method, "status", Integer.toString(status))
        .description("HTTP requests the API answered, by method and status code")
        .register(registry)).increment();
  }

  /**
   * The last sampled resources of the component's process tree; empty while no process runs, or
   * before the first round. Never waits: samples too old start a round for the next read.
   */
  public Optional<ProcessResources.Sample> resources(String component) {
    if (stale()) {
      sample();
    }
    return Optional.ofNullable(samples.get(component)).map(Sampled::sample);
  }

  /** One probe check of {@code component} took {@code latencyNanos} (the runtime's probe listener). */
  public void probeChecked(String component, String role, String kind, long latencyNanos, boolean success) {
    if (closed.get()) {
      return;
    }
    Timer.builder(PROBE_DURATION).tags(COMPONENT, component, "role", role, "kind", kind)
        .description("How long the component's probe checks took, failed ones included")
        .register(registry).record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  /** Stops sampling and listening and frees the registry; safe to call more than once. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    bus.unsubscribe(listener.narrow()); // from every class, so from the notifications too
    listener.tell(Stop.INSTANCE);
    gc.close();
    registry.close();
  }

  // ---- the event listener -------------------------------------------------------------------------

  private Behavior<Object> listen() {
    return Behaviors.receive(Object.class)
        .onMessage(HealthEvent.class, this::onHealthEvent)
        .onMessage(Notification.class, this::onNotification)
        .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
        .build();
  }

  private Behavior<Object> onHealthEvent(HealthEvent event) {
    journalEvents.increment();
    if (isRestart(event)) {
      restarts.compute(event.component(), (c, tally) -> (tally == null ? RestartTally.NONE : tally).withEvent());
    }
    return Behaviors.same();
  }

  /** Where the supervisor counts a restart: a restart scheduled, or the trial start of a half-open circuit. */
  private static boolean isRestart(HealthEvent event) {
    return event instanceof HealthEvent.RestartScheduled
        || event instanceof HealthEvent.CircuitChanged c && c.to() == CircuitState.HALF_OPEN;
  }

  private Behavior<Object> onNotification(Notification notification) {
    fired.firstSeen(notification).forEach(severity -> alerts.get(severity).increment());
    return Behaviors.same();
  }

  // ---- sampling the process trees (on the process dispatcher) ------------------------------------

  /** How many rounds have started (tests). */
  long rounds() {
    return rounds.get();
  }

  private boolean stale() {
    return !sampledOnce || System.nanoTime() - sampledAtNanos >= maxSampleAgeNanos;
  }

  /**
   * Starts one round, or joins the one that runs. Completes when it is over, normally even when it
   * failed: a failed round leaves the samples as they were, and readers render those.
   */
  private CompletionStage<Void> sample() {
    if (closed.get()) {
      return NO_ROUND;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> running = round.compareAndExchange(null, mine);
    if (running != null) {
      return running;
    }
    rounds.incrementAndGet();
    long startedAt = System.nanoTime();
    CompletionStage<Statuses> asked;
    try {
      asked = statuses();
    } catch (RuntimeException e) {
      asked = CompletableFuture.failedFuture(e); // the round must still end, or none would start again
    }
    asked.thenAcceptAsync(this::sampleAll, processDispatcher).whenComplete((done, error) -> {
      if (error != null && !closed.get() && !samplingFails) {
        LOG.warn("cannot sample the resources of the components' processes: {}; retrying at a later read",
            error.toString());
      }
      samplingFails = error != null;
      // a failed round also counts as recent: readers retry once per max age, not at every read
      sampledAtNanos = startedAt;
      sampledOnce = true;
      round.set(null);
      mine.complete(null);
    });
    return mine;
  }

  private void sampleAll(Statuses current) {
    synchronized (this) {
      learnPids(current);
    }
    ProcTable table = ProcTable.read(); // blocks: not under the lock
    Set<Long> roots = new HashSet<>();
    for (ComponentStatus status : current.list()) {
      if (status.pid() == null) {
        continue;
      }
      roots.add(status.pid());
      Optional<ProcessResources.Sample> sample = processes.measure(table, status.pid());
      synchronized (this) {
        if (!status.pid().equals(pids.get(status.name()))) {
          continue; // newer statuses came meanwhile and show another process, or none
        }
        if (sample.isPresent()) {
          samples.put(status.name(), new Sampled(status.pid(), sample.get()));
        } else {
          samples.remove(status.name());
        }
      }
    }
    processes.retain(roots);
  }

  private CompletionStage<Statuses> statuses() {
    long number = statusesAsked.incrementAndGet();
    return statuses.get().thenApply(list -> new Statuses(number, list));
  }

  /**
   * Takes the pids of statuses newer than any seen before, and forgets the samples of processes
   * they no longer show (stopped, restarted, removed). Under {@code this}.
   */
  private void learnPids(Statuses current) {
    if (current.number() <= pidsFromStatuses) {
      return;
    }
    pidsFromStatuses = current.number();
    Map<String, Long> newest = new HashMap<>();
    current.list().forEach(status -> newest.put(status.name(), status.pid()));
    pids = newest;
    samples.entrySet().removeIf(e -> !Long.valueOf(e.getValue().pid()).equals(newest.get(e.getKey())));
  }

  // ---- the per-component series -------------------------------------------------------------------

  private synchronized void refresh(Statuses statuses) {
    learnPids(statuses);
    List<ComponentStatus> current = statuses.list();
    Map<String, ComponentStatus> byName = current.stream()
        .collect(Collectors.toMap(ComponentStatus::name, s -> s, (a, b) -> b));
    for (Meter meter : registry.getMeters()) {
      String component = meter.getId().getTag(COMPONENT);
      if (meter.getId().getName().startsWith(PER_COMPONENT) && component != null && !byName.containsKey(component)) {
        registry.remove(meter);
      }
    }
    tracked.keySet().retainAll(byName.keySet());
    restarts.keySet().retainAll(byName.keySet());

    for (ComponentStatus status : current) {
      String name = status.name();
      restarts.compute(name, (c, tally) -> (tally == null ? RestartTally.NONE : tally).withStatus(status.restarts()));
      Tracked component = tracked.computeIfAbsent(name, Tracked::new);
      component.state = status.state();
      Sampled sampled = samples.get(name);
      component.showResources(sampled == null ? null : sampled.sample());
      component.showBusiness(business.of(name).map(BusinessMetrics.Pushed::values).orElse(Map.of()));
    }
  }

  /**
   * The series of one component that the statuses drive, and what they show. Written by
   * {@link #refresh} and read when the registry renders right after it.
   */
  private final class Tracked {

    private final String name;
    private volatile ComponentState state;
    private volatile ProcessResources.Sample resources;
    private volatile Map<String, Double> businessValues = Map.of();
    private List<Meter> resourceMeters = List.of();
    private final Map<String, Meter> businessMeters = new HashMap<>();

    Tracked(String name) {
      this.name = name;
      Gauge.builder(UP, this, t -> t.state == ComponentState.READY ? 1 : 0).tag(COMPONENT, name)
          .description("1 while the component is READY, else 0").strongReference(true).register(registry);
      for (ComponentState s : ComponentState.values()) {
        Gauge.builder(STATE, this, t -> t.state == s ? 1 : 0).tags(COMPONENT, name, "state", s.name())
            .description("1 for the component's current state, 0 for the others").strongReference(true)
            .register(registry);
      }
      FunctionCounter.builder(RESTARTS, restarts, r -> r.getOrDefault(name, RestartTally.NONE).total())
          .tag(COMPONENT, name).description("Restarts of the component since Regulator started")
          .register(registry);
    }

    /** Shows the process tree's resources, or removes their series while no process runs. */
    void showResources(ProcessResources.Sample sample) {
      resources = sample;
      if (sample != null && resourceMeters.isEmpty()) {
        resourceMeters = List.of(
            Gauge.builder(RESIDENT_MEMORY, this, t -> t.resources == null ? Double.NaN : t.resources.residentMemoryBytes())
                .tag(COMPONENT, name).baseUnit(BaseUnits.BYTES).strongReference(true)
                .description("Resident memory of the component's process tree").register(registry),
            FunctionCounter.builder(CPU, this, t -> t.resources == null ? Double.NaN : t.resources.cpuSeconds())
                .tag(COMPONENT, name).baseUnit("seconds")
                .description("CPU time (user + system) of the component's process tree; resets when it restarts")
                .register(registry));
      } else if (sample == null && !resourceMeters.isEmpty()) {
        resourceMeters.forEach(registry::remove);
        resourceMeters = List.of();
      }
    }

    /** One gauge per business metric the component pushed; the ones it no longer has go. */
    void showBusiness(Map<String, Double> values) {
      businessValues = values;
      businessMeters.entrySet().removeIf(e -> {
        boolean gone = !values.containsKey(e.getKey());
        if (gone) {
          registry.remove(e.getValue());
        }
        return gone;
      });
      for (String metric : values.keySet()) {
        businessMeters.computeIfAbsent(metric, m -> Gauge.builder(BUSINESS, this,
                t -> t.businessValues.getOrDefault(m, Double.NaN))
            .tags(COMPONENT, name, "metric", m).strongReference(true)
            .description("The last value of a business metric the component pushed with its heartbeat")
            .register(registry));
      }
    }
  }
}
