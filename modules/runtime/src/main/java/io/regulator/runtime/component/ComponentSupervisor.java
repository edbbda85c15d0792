package io.regulator.runtime.component;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.EventText;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.policy.Backoff;
import io.regulator.core.policy.IntensityWindow;
import io.regulator.core.policy.RestartPolicy;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.DependencyKind;
import io.regulator.core.spec.OnDependencyLoss;
import io.regulator.core.spec.RestartMode;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.group.GroupSupervisor;
import io.regulator.runtime.process.LaunchFailure;
import io.regulator.runtime.process.LaunchedProcess;
import io.regulator.runtime.process.ProcessLauncher;
import io.regulator.runtime.probe.ExitDiagnosis;
import io.regulator.runtime.probe.Probe;
import io.regulator.runtime.probe.ProbeListener;
import io.regulator.runtime.probe.ProbeResult;
import io.regulator.runtime.probe.ProbeTarget;
import io.regulator.runtime.probe.Probes;
import io.regulator.core.spec.ProbeCheck;
import io.regulator.core.spec.ProbeRole;
import io.regulator.core.spec.ProbeSpec;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;
import io.regulator.runtime.process.PidRecord;
import io.regulator.runtime.process.PidRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises one component: one OS process at a time, restarted Erlang-style.
 *
 * <p>The model, as in s6 and runit: the <em>wanted</em> state (up or down) is kept apart from the
 * <em>observed</em> {@link ComponentState}. Every message updates one or the other, then
 * {@link #reconcile()} moves the observed state toward the wanted one. Every change of observed
 * state goes through {@link #transition}, which checks the edge, publishes a
 * {@link HealthEvent.StateChanged} and tells dependents. Each waiting state owns one timer
 * (backoff, circuit cooldown, stop timeout, ready-after, reset-after).
 *
 * <p>Nothing here blocks: spawning, signalling and pid-file writes run on the process dispatcher
 * and come back as messages; exits arrive through {@code Process.onExit()}.
 */
public final class ComponentSupervisor extends AbstractBehavior<ComponentSupervisor.Command> {

  public sealed interface Command {}

  /** Want the component up. A person's start also resets a FAILED state or an open circuit. */
  public record Start(Cause cause, ActorRef<ComponentStatus> replyTo) implements Command {}

  /** Want the component down; replies once it is STOPPED. */
  public record Stop(Cause cause, ActorRef<ComponentStatus> replyTo) implements Command {}

  /** Stop the process and start it again at once, not counted as a failure. */
  public record Restart(Cause cause, ActorRef<ComponentStatus> replyTo) implements Command {}

  public record GetStatus(ActorRef<ComponentStatus> replyTo) implements Command {}

  /**
   * The supervisors this one talks to, sent by the root after every supervisor exists and again
   * after each reload. A later wiring replaces the earlier one and leaves the process alone: the
   * supervisor only tells its (new) dependents its state.
   *
   * @param dependents supervisors of the components that depend on this one (told every change)
   * @param fallback the supervisor of this component's fallback, or null
   * @param group the component's group, or null
   */
  public record Wire(List<ActorRef<Command>> dependents, ActorRef<Command> fallback,
      ActorRef<GroupSupervisor.Command> group) implements Command {}

  /** A dependency (or a component this one is the fallback of) changed state. */
  public record PeerChanged(String name, ComponentState state, boolean wantedUp) implements Command {}

  /** Watch a process left running by an earlier run of Regulator instead of starting a new one. */
  public record Adopt(PidRecord record) implements Command {}

  /** The group restarts this member because a sibling failed. */
  public record GroupRestart(String failedMember) implements Command {}

  private record Launched(LaunchedProcess process) implements Command {}

  private record LaunchFailed(Cause cause) implements Command {}

  /** The process exited; {@code diagnosis} is the cause should nobody have asked for it. */
  private record ProcessEnded(long pid, ExitStatus status, Cause diagnosis) implements Command {}

  /** What was left of a stopped process's group is gone too. */
  private enum GroupCleared implements Command {
    INSTANCE
  }

  /** Time for the probe of a role to check; also the key of that probe's timer. */
  private record ProbeTick(ProbeRole role) implements Command {}

  private record ProbeDone(ProbeRole role, long pid, ProbeResult result) implements Command {}

  private enum Tick implements Command {
    STARTUP_DEADLINE,
    READY_AFTER,
    RESET_AFTER,
    BACKOFF_ELAPSED,
    COOLDOWN_ELAPSED,
    STOP_TIMEOUT
  }

  /**
   * Everything a supervisor needs besides its spec.
   *
   * @param probeListener told of every probe check result the supervisor counts
   */
  public record Context(String node, EventBus bus, ProcessLauncher launcher, PidRegistry pids, Executor processIo,
      Probes probes, ProbeListener probeListener) {}

  private static final Logger LOG = LoggerFactory.getLogger(ComponentSupervisor.class);

  public static Behavior<Command> create(ComponentSpec spec, Context env) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ComponentSupervisor(ctx, timers, spec, env)));
  }

  private final TimerScheduler<Command> timers;
  private final ComponentSpec spec;
  private final Context env;

  // wanted state
  private boolean wantedUp;
  private boolean restartRequested;
  private boolean restartWhenDependenciesReady;
  private final List<ActorRef<ComponentStatus>> stopWaiters = new ArrayList<>();

  // observed state
  private ComponentState state = ComponentState.STOPPED;
  private Instant since = Instant.now();
  private CircuitState circuit = CircuitState.CLOSED;
  private Duration cooldown;
  private final IntensityWindow intensity;
  private final OptionalLong memoryLimit;
  private int backoffAttempt;
  private int restarts;
  private LaunchedProcess process;
  private long processStartMillis;
  private ExitStatus lastExit;
  private Cause lastCause;
  private final Map<String, PeerChanged> peerStates = new HashMap<>();
  // probes: one tracker and one runner per configured role
  private final Map<ProbeRole, ProbeTracker> trackers = new EnumMap<>(ProbeRole.class);
  private final Map<ProbeRole, Probe> probes = new EnumMap<>(ProbeRole.class);
  private final Map<ProbeRole, ProbeResult> lastResults = new EnumMap<>(ProbeRole.class);
  private final Map<ProbeRole, Instant> lastChecks = new EnumMap<>(ProbeRole.class);
  private final Set<ProbeRole> inFlight = EnumSet.noneOf(ProbeRole.class);
  private boolean startupPassed;
  private boolean probeListenerFailed;
  /** Set when a probe made us stop the process: its exit then counts as a failure. */
  private Cause failingStop;
  /** Required dependencies seen READY while the current process runs: only these can be lost. */
  private final Set<String> readyDependencies = new HashSet<>();

  // wiring
  private List<ActorRef<Command>> dependents = List.of();
  private ActorRef<Command> fallback;
  private ActorRef<GroupSupervisor.Command> group;

  private ComponentSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, ComponentSpec spec,
      Context env) {
    super(ctx);
    this.timers = timers;
    this.spec = spec;
    this.env = env;
    this.intensity = new IntensityWindow(spec.intensity());
    this.memoryLimit = memoryLimit(spec);
    // Wanted from birth, so that dependents never mistake "not started yet" for "settled".
    this.wantedUp = spec.autostart();
    for (ProbeSpec probe : spec.probes()) {
      trackers.put(probe.role(), new ProbeTracker(probe));
      probes.put(probe.role(), env.probes().create(spec.name(), probe));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wire.class, this::onWire)
        .onMessage(Adopt.class, this::onAdopt)
        .onMessage(Start.class, this::onStart)
        .onMessage(Stop.class, this::onStop)
        .onMessage(Restart.class, this::onRestart)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(PeerChanged.class, this::onPeerChanged)
        .onMessage(GroupRestart.class, this::onGroupRestart)
        .onMessage(Launched.class, this::onLaunched)
        .onMessage(LaunchFailed.class, this::onLaunchFailed)
        .onMessage(ProcessEnded.class, this::onProcessEnded)
        .onMessageEquals(GroupCleared.INSTANCE, this::onGroupCleared)
        .onMessage(ProbeTick.class, this::onProbeTick)
        .onMessage(ProbeDone.class, this::onProbeDone)
        .onMessageEquals(Tick.STARTUP_DEADLINE, this::onStartupDeadline)
        .onMessageEquals(Tick.READY_AFTER, this::onReadyAfter)
        .onMessageEquals(Tick.RESET_AFTER, this::onResetAfter)
        .onMessageEquals(Tick.BACKOFF_ELAPSED, this::onBackoffElapsed)
        .onMessageEquals(Tick.COOLDOWN_ELAPSED, this::onCooldownElapsed)
        .onMessageEquals(Tick.STOP_TIMEOUT, this::onStopTimeout)
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  // ---- commands ----------------------------------------------------------------------------

  /** Stopped by the root (the component left the config): the probes let go of what they hold. */
  private Behavior<Command> onPostStop() {
    if (process != null) {
      LOG.warn("{}: supervisor stopped while {} still runs; it is no longer supervised", spec.name(), process);
    }
    probes.values().forEach(Probe::close);
    return this;
  }

  private Behavior<Command> onWire(Wire wire) {
    this.dependents = List.copyOf(wire.dependents());
    this.fallback = wire.fallback();
    this.group = wire.group();
    tellDependents();
    return reconciled();
  }

  private Behavior<Command> onStart(Start start) {
    wantedUp = true;
    if (state == ComponentState.FAILED || state == ComponentState.CIRCUIT_OPEN || state == ComponentState.BACKOFF) {
      // A person asked: forget the failure history and try now.
      resetFailureHistory(start.cause());
      timers.cancel(Tick.BACKOFF_ELAPSED);
      startWhenDependenciesAllow(start.cause());
    }
    lastCause = start.cause();
    reconcile();
    start.replyTo().tell(status());
    return this;
  }

  private Behavior<Command> onStop(Stop stop) {
    wantedUp = false;
    restartRequested = false;
    restartWhenDependenciesReady = false;
    lastCause = stop.cause();
    if (state == ComponentState.STOPPED) {
      stop.replyTo().tell(status());
    } else {
      stopWaiters.add(stop.replyTo());
    }
    return reconciled();
  }

  private Behavior<Command> onRestart(Restart restart) {
    wantedUp = true;
    lastCause = restart.cause();
    if (isAlive()) {
      stopProcess(restart.cause(), true);
    } else if (state != ComponentState.STARTING && state != ComponentState.STOPPING) {
      resetFailureHistory(restart.cause());
      timers.cancel(Tick.BACKOFF_ELAPSED);
      startWhenDependenciesAllow(restart.cause());
    } else {
      restartRequested = state == ComponentState.STOPPING || restartRequested;
    }
    restart.replyTo().tell(status());
    return reconciled();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    get.replyTo().tell(status());
    return this;
  }

  private Behavior<Command> onGroupRestart(GroupRestart restart) {
    if (isAlive() && wantedUp) {
      stopProcess(new Cause(CauseCategory.GROUP_RESTART,
          "restarted because group member '" + restart.failedMember() + "' failed", ""), true);
    }
    return reconciled();
  }

  private Behavior<Command> onPeerChanged(PeerChanged change) {
    PeerChanged before = peerStates.put(change.name(), change);
    if (change.state() == ComponentState.READY && spec.requires(change.name()) && (isAlive()
        || state == ComponentState.STARTING)) {
      readyDependencies.add(change.name());
    }
    boolean wasReady = before != null && before.state() == ComponentState.READY;
    if (spec.requires(change.name()) && wasReady && change.state() != ComponentState.READY && isAlive()
        && spec.onDependencyLoss() == OnDependencyLoss.RESTART) {
      // Keep running while it is down; bounce once it is back so we reconnect to the new instance.
      restartWhenDependenciesReady = true;
    }
    return reconciled();
  }

  // ---- process lifecycle ---------------------------------------------------------------------

  private Behavior<Command> onAdopt(Adopt adopt) {
    if (state == ComponentState.STOPPED && process == null) {
      LaunchedProcess.adopt(spec.name(), adopt.record()).ifPresent(p -> track(p, new Cause(CauseCategory.ORPHAN,
          "adopted " + adopt.record().describe() + " left by an earlier run",
          "its output is no longer captured; restart it to capture output again")));
    }
    return reconciled();
  }

  private Behavior<Command> onLaunched(Launched launched) {
    track(launched.process(), null);
    return reconciled();
  }

  /** Watches a process that was just started (or adopted) and moves to RUNNING. */
  private void track(LaunchedProcess p, Cause adopted) {
    process = p;
    processStartMillis = System.currentTimeMillis();
    ActorRef<Command> self = getContext().getSelf();
    // Diagnose before the supervisor hears of the exit, off its thread: looking for the holder of
    // a port reads /proc and may take a while; everything else is quick and stays on the reaper.
    p.exit().thenCompose(status -> ExitDiagnosis.mayBlock(p.tail())
            ? CompletableFuture.supplyAsync(() -> ended(p, status), env.processIo())
            : CompletableFuture.completedFuture(ended(p, status)))
        .whenComplete((ended, error) -> self.tell(ended != null ? ended : new ProcessEnded(p.pid(),
            ExitStatus.code(-1), new Cause(CauseCategory.EXIT_CODE, "exited (status unreadable: "
                + rootMessage(error) + ")", "see Regulator's log"))));
    if (adopted == null) {
      CompletableFuture.runAsync(() -> env.pids().record(spec.name(), p, spec.argv()), env.processIo())
          .whenComplete((ok, error) -> warnIf(error, "could not write the pid record of " + p));
      env.bus().publish(new HealthEvent.ProcessStarted(Instant.now(), env.node(), spec.name(), p.pid(),
          p.startedNanos(), String.join(" ", spec.argv())));
    }
    // STARTING -> RUNNING: the process exists (STOPPED -> RUNNING: adopted at start)
    transition(ComponentState.RUNNING, adopted != null ? adopted : Cause.progress("started with pid " + p.pid()));
    if (!wantedUp) {
      stopProcess(lastCause != null ? lastCause : Cause.requested("stop requested"), false);
    } else {
      startProbes();
    }
  }

  // ---- probes --------------------------------------------------------------------------------

  /** A new process: clean slates; the startup probe (if any) gates the others. */
  private void startProbes() {
    trackers.values().forEach(ProbeTracker::reset);
    inFlight.clear();
    failingStop = null;
    startupPassed = !trackers.containsKey(ProbeRole.STARTUP);
    if (!startupPassed) {
      ProbeSpec startup = trackers.get(ProbeRole.STARTUP).spec();
      schedule(startup);
      timers.startSingleTimer(Tick.STARTUP_DEADLINE, Tick.STARTUP_DEADLINE, startup.deadline());
    } else {
      startServiceProbes();
    }
  }

  /** Readiness and liveness run once startup has passed; without readiness, ready-after decides. */
  private void startServiceProbes() {
    for (ProbeRole role : List.of(ProbeRole.READINESS, ProbeRole.LIVENESS)) {
      ProbeTracker tracker = trackers.get(role);
      if (tracker != null) {
        schedule(tracker.spec());
      }
    }
    if (!trackers.containsKey(ProbeRole.READINESS)) {
      if (spec.readyAfter().isZero()) {
        becomeReady();
      } else {
        timers.startSingleTimer(Tick.READY_AFTER, Tick.READY_AFTER, spec.readyAfter());
      }
    }
  }

  private void schedule(ProbeSpec probe) {
    ProbeTick tick = new ProbeTick(probe.role());
    timers.startTimerAtFixedRate(tick, tick, probe.initialDelay(), probe.period());
  }

  private void stopProbes() {
    for (ProbeRole role : ProbeRole.values()) {
      timers.cancel(new ProbeTick(role));
    }
    timers.cancel(Tick.STARTUP_DEADLINE);
    inFlight.clear();
  }

  private Behavior<Command> onProbeTick(ProbeTick tick) {
    LaunchedProcess p = process;
    Probe probe = probes.get(tick.role());
    if (p == null || probe == null || !inFlight.add(tick.role())) {
      return this; // no process, or the previous check of this probe is still out
    }
    long pid = p.pid();
    getContext().pipeToSelf(probe.check(new ProbeTarget(spec.name(), p)), (result, error) ->
        new ProbeDone(tick.role(), pid, result != null ? result : ProbeResult.failed(Duration.ZERO,
            new Cause(CauseCategory.PROBE_ERROR, "probe error: " + rootMessage(error), "see Regulator's log"))));
    return this;
  }

  private Behavior<Command> onProbeDone(ProbeDone done) {
    inFlight.remove(done.role());
    if (process == null || process.pid() != done.pid()) {
      return this; // about a process that is gone
    }
    ProbeTracker tracker = trackers.get(done.role());
    ProbeResult result = done.result();
    tellProbeListener(done.role(), tracker.spec().check().kind(), result);
    lastResults.put(done.role(), result);
    lastChecks.put(done.role(), Instant.now());
    ProbeTracker.Verdict verdict = tracker.record(result.healthy());
    if (verdict == ProbeTracker.Verdict.UNCHANGED) {
      return this;
    }
    boolean passed = verdict == ProbeTracker.Verdict.PASSED;
    env.bus().publish(new HealthEvent.ProbeChanged(Instant.now(), env.node(), spec.name(),
        done.role().configName(), tracker.spec().check().kind(), passed, result.latency().toMillis(),
        result.cause(), result.detail()));
    switch (done.role()) {
      case STARTUP -> {
        if (passed && !startupPassed) {
          startupPassed = true;
          timers.cancel(new ProbeTick(ProbeRole.STARTUP));
          timers.cancel(Tick.STARTUP_DEADLINE);
          startServiceProbes();
        }
      }
      case READINESS -> {
        if (passed && state == ComponentState.RUNNING) {
          becomeReady();
        } else if (!passed && state == ComponentState.READY) {
          // READY -> RUNNING: alive but out of service; dependents react as on any loss
          timers.cancel(Tick.RESET_AFTER);
          transition(ComponentState.RUNNING, result.cause());
        }
      }
      case LIVENESS -> {
        if (!passed && isAlive()) {
          failProcess(result.cause());
        }
      }
    }
    return reconciled();
  }

  /**
   * Metrics and the like: whatever the listener does wrong must not reach the supervision. Said
   * once per supervisor; a broken listener would otherwise fill the log at the probes' pace.
   */
  private void tellProbeListener(ProbeRole role, String kind, ProbeResult result) {
    try {
      env.probeListener().checked(spec.name(), role, kind, result.latency().toNanos(), result.healthy());
    } catch (RuntimeException e) {
      if (!probeListenerFailed) {
        probeListenerFailed = true;
        LOG.warn("{}: the probe listener failed on a {} {} check (later failures are logged at debug level)",
            spec.name(), role.configName(), kind, e);
      } else {
        LOG.debug("{}: the probe listener failed again: {}", spec.name(), e.toString());
      }
    }
  }

  private Behavior<Command> onStartupDeadline() {
    if (!startupPassed && isAlive()) {
      ProbeResult last = lastResults.get(ProbeRole.STARTUP);
      ProbeSpec startup = trackers.get(ProbeRole.STARTUP).spec();
      failProcess(new Cause(CauseCategory.PROBE_TIMEOUT,
          "startup probe did not pass within " + EventText.human(startup.deadline())
              + (last != null && last.cause() != null ? "; last: " + last.cause().detail() : ""),
          last != null && last.cause() != null && !last.cause().suggestion().isEmpty() ? last.cause().suggestion()
              : "raise the startup probe's deadline if it needs longer to start"));
    }
    return reconciled();
  }

  /** A probe says the process is broken: UNHEALTHY, then a stop whose end counts as a failure. */
  private void failProcess(Cause cause) {
    // RUNNING/READY -> UNHEALTHY: liveness failed (or startup never passed)
    transition(ComponentState.UNHEALTHY, cause);
    lastCause = cause;
    stopProcess(cause, false);
    failingStop = cause;
  }

  private Behavior<Command> onLaunchFailed(LaunchFailed failed) {
    // STARTING -> FAILED: no restart loop on something only a person can fix
    lastCause = failed.cause();
    transition(ComponentState.FAILED, failed.cause());
    return reconciled();
  }

  private Behavior<Command> onReadyAfter() {
    if (state == ComponentState.RUNNING) {
      becomeReady();
    }
    return reconciled();
  }

  private void becomeReady() {
    if (state != ComponentState.RUNNING) {
      return; // e.g. a startup probe passed while the process is being stopped
    }
    // RUNNING -> READY: up for ready-after (readiness probes refine this)
    transition(ComponentState.READY, Cause.progress("ready"));
    timers.startSingleTimer(Tick.RESET_AFTER, Tick.RESET_AFTER, spec.backoff().resetAfter());
  }

  private Behavior<Command> onResetAfter() {
    // Healthy for reset-after: the next failure starts from the minimum delay again.
    backoffAttempt = 0;
    if (circuit == CircuitState.HALF_OPEN) {
      changeCircuit(CircuitState.CLOSED, Cause.progress("trial start stayed healthy for "
          + EventText.human(spec.backoff().resetAfter())));
      cooldown = null;
      intensity.clear();
      tellFallback(false);
    }
    return reconciled();
  }

  private Behavior<Command> onProcessEnded(ProcessEnded ended) {
    if (process == null || process.pid() != ended.pid()) {
      return this; // a process we already let go of
    }
    LaunchedProcess ending = process;
    process = null;
    lastExit = ended.status();
    long uptime = System.currentTimeMillis() - processStartMillis;
    timers.cancel(Tick.READY_AFTER);
    timers.cancel(Tick.RESET_AFTER);
    timers.cancel(Tick.STOP_TIMEOUT);
    stopProbes();
    // No grandchild may outlive its component: kill what is left of the group, off this thread.
    CompletableFuture<Void> cleared = CompletableFuture.runAsync(() -> {
      ending.killGroup();
      env.pids().remove(spec.name(), ending.pid()); // not the replacement's record
    }, env.processIo());
    cleared.whenComplete((ok, error) -> warnIf(error, "could not clean up after " + ending));

    Cause failed = failingStop;
    failingStop = null;
    boolean requested = state == ComponentState.STOPPING && failed == null;
    Cause cause = requested ? lastCause : failed != null ? failed : ended.diagnosis();
    env.bus().publish(new HealthEvent.ProcessExited(Instant.now(), env.node(), spec.name(), ended.pid(),
        ended.status(), cause, uptime, System.nanoTime()));
    if (requested) {
      // A stop is over when the whole group is gone: only then STOPPED (or the next start).
      getContext().pipeToSelf(cleared, (ok, error) -> GroupCleared.INSTANCE);
    } else {
      lastCause = cause;
      afterUnexpectedExit(cause, failed != null);
    }
    return reconciled();
  }

  private Behavior<Command> onGroupCleared() {
    if (state == ComponentState.STOPPING && process == null) {
      afterRequestedStop();
    }
    return reconciled();
  }

  private void afterRequestedStop() {
    restartRequested = false;
    if (wantedUp) {
      // STOPPING -> STARTING (restart) or WAITING (a dependency is down)
      startWhenDependenciesAllow(lastCause);
    } else {
      // STOPPING -> STOPPED
      transition(ComponentState.STOPPED, lastCause);
    }
  }

  /**
   * @param probeFailure a probe had the process stopped: a failure whatever its exit code (a
   *     program that exits 0 on SIGTERM is still broken), so only {@code restart = never} keeps it down
   */
  private void afterUnexpectedExit(Cause cause, boolean probeFailure) {
    boolean restart = probeFailure ? spec.restart() != RestartMode.NEVER
        : RestartPolicy.shouldRestart(spec.restart(), lastExit, spec.successExitCodes());
    if (!wantedUp || !restart) {
      // RUNNING -> STOPPED: exited and the restart mode says leave it
      wantedUp = false;
      transition(ComponentState.STOPPED, cause);
      return;
    }
    if (group != null) {
      group.tell(new GroupSupervisor.MemberFailed(spec.name(), cause));
    }
    long now = System.currentTimeMillis();
    if (circuit == CircuitState.HALF_OPEN) {
      openCircuit(new Cause(CauseCategory.INTENSITY_EXCEEDED, "trial start failed: " + cause.detail(),
          cause.suggestion()));
    } else if (intensity.addAndCheck(now)) {
      openCircuit(new Cause(CauseCategory.INTENSITY_EXCEEDED,
          "more than " + spec.intensity().maxRestarts() + " restarts within " + EventText.human(spec.intensity().within())
              + "; last: " + cause.detail(),
          cause.suggestion()));
    } else {
      Duration delay = Backoff.delay(spec.backoff(), backoffAttempt, ThreadLocalRandom.current().nextDouble());
      backoffAttempt++;
      restarts++;
      env.bus().publish(new HealthEvent.RestartScheduled(Instant.now(), env.node(), spec.name(), backoffAttempt,
          delay.toMillis()));
      if (delay.isZero() && dependenciesSatisfied()) {
        // RUNNING -> STARTING: no delay asked for, so no timer round-trip either
        launch(cause);
      } else {
        // RUNNING -> BACKOFF: wait the delay
        transition(ComponentState.BACKOFF, cause);
        timers.startSingleTimer(Tick.BACKOFF_ELAPSED, Tick.BACKOFF_ELAPSED, delay);
      }
    }
  }

  private ProcessEnded ended(LaunchedProcess p, ExitStatus status) {
    return new ProcessEnded(p.pid(), status, ExitDiagnosis.diagnose(spec.name(), status, p.tail(), spec.argv(),
        env.probes().lastSample(spec.name(), p.pid()), memoryLimit));
  }

  /** The max-memory of the component's resources probe, if any: what "near the limit" means for a SIGKILL. */
  private static OptionalLong memoryLimit(ComponentSpec spec) {
    return spec.probes().stream().map(ProbeSpec::check).filter(c -> c instanceof ProbeCheck.Resources)
        .map(c -> ((ProbeCheck.Resources) c).maxRssBytes()).filter(OptionalLong::isPresent).findFirst()
        .orElse(OptionalLong.empty());
  }

  private Behavior<Command> onBackoffElapsed() {
    if (state == ComponentState.BACKOFF) {
      // BACKOFF -> STARTING (or WAITING)
      startWhenDependenciesAllow(Cause.progress("restart after backoff"));
    }
    return reconciled();
  }

  private void openCircuit(Cause cause) {
    cooldown = RestartPolicy.nextCooldown(spec.circuit(), circuit == CircuitState.HALF_OPEN ? cooldown : null);
    changeCircuit(CircuitState.OPEN, cause);
    // -> CIRCUIT_OPEN: no restart until the cooldown has passed
    transition(ComponentState.CIRCUIT_OPEN, cause);
    timers.startSingleTimer(Tick.COOLDOWN_ELAPSED, Tick.COOLDOWN_ELAPSED, cooldown);
    tellFallback(true);
  }

  private Behavior<Command> onCooldownElapsed() {
    if (state == ComponentState.CIRCUIT_OPEN) {
      changeCircuit(CircuitState.HALF_OPEN, Cause.progress("cooldown of " + EventText.human(cooldown)
          + " passed; one trial start"));
      restarts++;
      // CIRCUIT_OPEN -> STARTING: the one trial
      startWhenDependenciesAllow(Cause.progress("trial start after cooldown"));
    }
    return reconciled();
  }

  private Behavior<Command> onStopTimeout() {
    if (state == ComponentState.STOPPING && process != null) {
      LaunchedProcess p = process;
      LOG.warn("{} did not stop within {} after SIG{}; sending SIGKILL to its process group",
          spec.name(), EventText.human(spec.stop().timeout()), spec.stop().signal());
      CompletableFuture.runAsync(p::killGroup, env.processIo());
    }
    return this;
  }

  // ---- reconciliation ------------------------------------------------------------------------

  private Behavior<Command> reconciled() {
    reconcile();
    return this;
  }

  /** Moves the observed state toward the wanted one; called after every message. */
  private void reconcile() {
    if (wantedUp) {
      switch (state) {
        case STOPPED, WAITING -> startWhenDependenciesAllow(Cause.progress("start"));
        case RUNNING, READY, UNHEALTHY -> {
          String lost = lostRequiredDependency();
          if (spec.onDependencyLoss() == OnDependencyLoss.STOP && lost != null) {
            stopProcess(new Cause(CauseCategory.DEPENDENCY_LOST,
                "required dependency '" + lost + "' is " + peerStates.get(lost).state(),
                "it starts again once '" + lost + "' is READY"), false);
          } else if (restartWhenDependenciesReady && lost == null) {
            restartWhenDependenciesReady = false;
            stopProcess(new Cause(CauseCategory.DEPENDENCY_LOST, "a required dependency is back; reconnecting", ""),
                true);
          }
        }
        default -> {
          // STARTING, STOPPING, BACKOFF, CIRCUIT_OPEN, FAILED: a message or a timer moves these on
        }
      }
    } else {
      switch (state) {
        case RUNNING, READY, UNHEALTHY -> stopProcess(lastCause != null ? lastCause : Cause.requested("stop"), false);
        case WAITING, BACKOFF, CIRCUIT_OPEN, FAILED -> {
          timers.cancel(Tick.BACKOFF_ELAPSED);
          timers.cancel(Tick.COOLDOWN_ELAPSED);
          transition(ComponentState.STOPPED, lastCause != null ? lastCause : Cause.requested("stop"));
        }
        default -> {
          // STOPPED is the goal; STARTING stops once launched; STOPPING waits for the exit
        }
      }
    }
  }

  private void startWhenDependenciesAllow(Cause cause) {
    if (dependenciesSatisfied()) {
      launch(cause);
    } else if (state != ComponentState.WAITING) {
      transition(ComponentState.WAITING, Cause.progress(waitingFor()));
    }
  }

  private void launch(Cause cause) {
    // A fresh start: any bounce owed to a dependency's return is settled by it, and every
    // required dependency is READY now (or this would be WAITING).
    restartWhenDependenciesReady = false;
    readyDependencies.clear();
    spec.dependsOn().forEach((name, kind) -> {
      if (kind == DependencyKind.REQUIRES) {
        readyDependencies.add(name);
      }
    });
    transition(ComponentState.STARTING, cause);
    ActorRef<Command> self = getContext().getSelf();
    CompletableFuture.supplyAsync(() -> {
      try {
        return (Command) new Launched(env.launcher().launch(spec));
      } catch (LaunchFailure failure) {
        return new LaunchFailed(failure.cause());
      }
    }, env.processIo()).whenComplete((msg, error) -> self.tell(msg != null ? msg
        : new LaunchFailed(new Cause(CauseCategory.EXEC_FAILED, "could not start: " + rootMessage(error),
            "see Regulator's log for details"))));
  }

  private void stopProcess(Cause cause, boolean restartAfter) {
    restartRequested = restartAfter;
    LaunchedProcess p = process;
    // RUNNING/READY/UNHEALTHY -> STOPPING: signal, then SIGKILL after stop.timeout
    transition(ComponentState.STOPPING, cause);
    lastCause = cause;
    timers.startSingleTimer(Tick.STOP_TIMEOUT, Tick.STOP_TIMEOUT, spec.stop().timeout());
    if (p != null) {
      CompletableFuture.runAsync(() -> p.signalGroup(spec.stop().signal()), env.processIo());
    }
  }

  private void resetFailureHistory(Cause cause) {
    timers.cancel(Tick.COOLDOWN_ELAPSED);
    backoffAttempt = 0;
    intensity.clear();
    if (circuit != CircuitState.CLOSED) {
      changeCircuit(CircuitState.CLOSED, cause);
      cooldown = null;
      tellFallback(false);
    }
  }

  // ---- dependencies --------------------------------------------------------------------------

  private boolean dependenciesSatisfied() {
    for (Map.Entry<String, DependencyKind> dep : spec.dependsOn().entrySet()) {
      PeerChanged view = peerStates.get(dep.getKey());
      if (view == null) {
        return false;
      }
      boolean ok = dep.getValue() == DependencyKind.REQUIRES
          ? view.state() == ComponentState.READY
          // wants: ordering only; wait until it has settled one way or the other
          : !view.wantedUp() || view.state() == ComponentState.READY
              || ComponentState.DOWN_STATES.contains(view.state());
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * A required dependency that was READY while this process ran and is not any more. (An adopted
   * process may start before its dependencies are READY again; that is not a loss.)
   */
  private String lostRequiredDependency() {
    for (String name : readyDependencies) {
      PeerChanged view = peerStates.get(name);
      if (view != null && view.state() != ComponentState.READY) {
        return name;
      }
    }
    return null;
  }

  private String waitingFor() {
    List<String> waiting = new ArrayList<>();
    spec.dependsOn().forEach((name, kind) -> {
      PeerChanged view = peerStates.get(name);
      waiting.add(name + " (" + kind.configName() + ", " + (view == null ? "unknown" : view.state()) + ")");
    });
    return "waiting for " + String.join(", ", waiting);
  }

  // ---- the one transition method -------------------------------------------------------------

  private void transition(ComponentState to, Cause cause) {
    ComponentState from = state;
    if (!from.canMoveTo(to)) {
      LOG.error("{}: refused transition {} -> {} ({})", spec.name(), from, to, cause);
      return;
    }
    state = to;
    since = Instant.now();
    env.bus().publish(new HealthEvent.StateChanged(since, env.node(), spec.name(), from, to, cause));
    tellDependents();
    if (to == ComponentState.STOPPED && !stopWaiters.isEmpty()) {
      ComponentStatus now = status();
      stopWaiters.forEach(w -> w.tell(now));
      stopWaiters.clear();
    }
  }

  private void changeCircuit(CircuitState to, Cause cause) {
    CircuitState from = circuit;
    circuit = to;
    env.bus().publish(new HealthEvent.CircuitChanged(Instant.now(), env.node(), spec.name(), from, to,
        cooldown == null ? 0 : cooldown.toMillis(), cause));
  }

  private void tellDependents() {
    PeerChanged change = new PeerChanged(spec.name(), state, wantedUp);
    dependents.forEach(ref -> ref.tell(change));
  }

  private void tellFallback(boolean start) {
    if (fallback != null) {
      Cause cause = Cause.requested((start ? "standing in" : "no longer needed") + " for '" + spec.name()
          + "' (circuit " + (start ? "open" : "closed") + ")");
      ActorRef<ComponentStatus> ignore = getContext().getSystem().ignoreRef();
      fallback.tell(start ? new Start(cause, ignore) : new Stop(cause, ignore));
    }
  }

  private boolean isAlive() {
    return state == ComponentState.RUNNING || state == ComponentState.READY || state == ComponentState.UNHEALTHY;
  }

  private ComponentStatus status() {
    LaunchedProcess p = process;
    return new ComponentStatus(spec.name(), state, wantedUp, p == null ? null : p.pid(), restarts, circuit,
        state == ComponentState.READY, since, lastExit, lastCause, List.copyOf(spec.dependsOn().keySet()),
        p == null ? List.of() : p.tail(), probeStatuses());
  }

  private List<ComponentStatus.ProbeStatus> probeStatuses() {
    List<ComponentStatus.ProbeStatus> all = new ArrayList<>();
    trackers.forEach((role, tracker) -> {
      ProbeResult last = lastResults.get(role);
      all.add(new ComponentStatus.ProbeStatus(role.configName(), tracker.spec().check().kind(), tracker.healthy(),
          last == null ? null : last.latency().toMillis(), tracker.consecutiveFailures(),
          last == null ? null : last.cause(), lastChecks.get(role)));
    });
    return all;
  }

  /** Trouble on the process dispatcher must not pass silently (no orphan protection without pid records). */
  private void warnIf(Throwable error, String what) {
    if (error != null) {
      LOG.warn("{}: {}", what, rootMessage(error));
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return t == null ? "unknown error" : t.toString();
  }
}
