package io.regulator.runtime;

import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.ComponentSpec;
import io.regulator.core.spec.FleetSpec;
import io.regulator.core.spec.GroupSpec;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.component.ComponentStatus;
import io.regulator.runtime.component.ComponentSupervisor;
import io.regulator.runtime.group.GroupSupervisor;
import io.regulator.runtime.process.PidRecord;
import io.regulator.runtime.process.PidRegistry;
import io.regulator.runtime.process.ProcessLauncher;
import io.regulator.runtime.probe.Probes;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.slf4j.Logger;

/**
 * The root of the supervision tree. It only wires things up: first it deals with processes left by
 * an earlier run (see {@link Orphans}), then it spawns one {@link ComponentSupervisor} per
 * component and one {@link GroupSupervisor} per group and tells each who its dependents, fallback
 * and group are. Components wanted up start themselves; dependencies gate them.
 *
 * <p>A group that escalates here raises a critical event and nothing else: the root never takes
 * the rest of the host down. At shutdown (a CoordinatedShutdown task) it stops every component in
 * reverse dependency order, independent ones in parallel.
 *
 * <p>{@link Reload} swaps the fleet for a new one and touches only what changed (see there). The
 * guardian has two states: <em>running</em>, and <em>reloading</em> while the components a reload
 * takes away or changes are being stopped; in the latter it queues further reloads and stops.
 */
public final class Guardian {

  public sealed interface Command {}

  /** The status of every component, in name order. */
  public record GetStatuses(ActorRef<List<ComponentStatus>> replyTo) implements Command {}

  /** The supervisor of one component, if it exists. */
  public record GetSupervisor(String component, ActorRef<Optional<ActorRef<ComponentSupervisor.Command>>> replyTo)
      implements Command {}

  /** Stop every component, dependents before their dependencies; replies when all are STOPPED. */
  public record StopAll(Cause cause, ActorRef<Done> replyTo) implements Command {}

  /**
   * Replace the fleet by {@code fleet} (a new, validated config), touching only what changed:
   * <ul>
   *   <li>components only in the new fleet are spawned and start if wanted up, gated by their
   *       dependencies as at start;
   *   <li>components gone from it are stopped, dependents first, and their supervisors with them;
   *   <li>components whose spec differs in any way are stopped (dependents first, as above) and
   *       started again from the new spec by a new supervisor;
   *   <li>components with an equal spec keep their supervisor and their running process.
   * </ul>
   * Afterwards every supervisor is wired for the new dependency graph; groups that are new or whose
   * spec changed get a new group supervisor (with a fresh intensity window), removed ones are
   * stopped. A component that requires a changed one sees it go down and come back, and reacts
   * per its {@code on-dependency-loss}. The node name and the data and log directories are fixed
   * at start: a reload that changes them keeps the old ones and says so in Regulator's log.
   *
   * <p>One reload at a time: a reload (or a {@link StopAll}) that arrives while another reload is
   * stopping components waits and runs after it, in arrival order. While a reload is under way,
   * {@link GetStatuses} and {@link GetSupervisor} answer from the components as they are at that
   * moment. Replies once the new supervisors exist and are wired (not once they are READY).
   */
  public record Reload(FleetSpec fleet, ActorRef<ReloadResult> replyTo) implements Command {}

  /** What a {@link Reload} did, each list in name order. */
  public record ReloadResult(List<String> added, List<String> removed, List<String> changed, List<String> unchanged) {

    public ReloadResult {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      changed = List.copyOf(changed);
      unchanged = List.copyOf(unchanged);
    }

    /** The "added [x], removed [y], changed [z]" of the reloaded event. */
    public String summary() {
      return "added " + added + ", removed " + removed + ", changed " + changed;
    }
  }

  private record OrphansHandled(Orphans.Outcome outcome) implements Command {}

  private record GroupEscalated(GroupSupervisor.Escalated escalated) implements Command {}

  /** The components a reload takes away or changes have stopped; {@code unconfirmed} did not say so in time. */
  private record ReloadStopped(Reload reload, ReloadResult plan, List<String> unconfirmed) implements Command {}

  /** How many reloads and stops may wait behind a reload under way; more are dropped with a warning. */
  private static final int QUEUE_CAPACITY = 100;

  public static Behavior<Command> create(FleetSpec fleet) {
    return create(fleet, Hooks.none());
  }

  /**
   * @param hooks what the caller shares with the tree: the heartbeat registry its HTTP API records
   *     beats on, and a listener for every probe check
   */
  public static Behavior<Command> create(FleetSpec fleet, Hooks hooks) {
    return Behaviors.withStash(QUEUE_CAPACITY, queue -> Behaviors.setup(ctx -> {
      String node = fleet.settings().node();
      EventBus bus = new EventBus(ctx.getSystem());
      Executor processIo = ctx.getSystem().dispatchers()
          .lookup(DispatcherSelector.fromConfig("regulator-process-dispatcher"));
      PidRegistry pids = new PidRegistry(fleet.settings().dataDir());
      ScheduledExecutorService probeTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "regulator-probe-timer");
        t.setDaemon(true);
        return t;
      });
      Probes probes = new Probes(processIo, probeTimer, hooks.heartbeats());
      CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "stop-probes", () -> {
            probes.close(); // and the HTTP probes' selector thread with its connections
            probeTimer.shutdownNow();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      ComponentSupervisor.Context env = new ComponentSupervisor.Context(node, bus,
          new ProcessLauncher(fleet.settings().logDir()), pids, processIo, probes, hooks.probeListener());
      bus.publish(new HealthEvent.RegulatorLifecycle(Instant.now(), node, HealthEvent.SYSTEM, "started",
          Optional.of(fleet.components().size() + " components")));

      Duration grace = ctx.getSystem().settings().config().getDuration("regulator-runtime.orphan-grace");
      ctx.pipeToSelf(
          CompletableFuture.supplyAsync(() -> Orphans.handle(fleet, pids, grace), processIo),
          (outcome, error) -> new OrphansHandled(error == null ? outcome : new Orphans.Outcome(List.of(
              new HealthEvent.RegulatorLifecycle(Instant.now(), node, HealthEvent.SYSTEM, "orphan check failed",
                  Optional.of(String.valueOf(error)))), Map.of())));
      return Behaviors.receive(Command.class)
          .onMessage(OrphansHandled.class, handled -> {
            handled.outcome().events().forEach(bus::publish);
            return queue.unstashAll(new Guardian(ctx, queue, fleet, env, handled.outcome().adopted()).running());
          })
          .onMessage(GetStatuses.class, get -> {
            get.replyTo().tell(List.of());
            return Behaviors.same();
          })
          .onMessage(GetSupervisor.class, get -> {
            get.replyTo().tell(Optional.empty());
            return Behaviors.same();
          })
          .onMessage(StopAll.class, stop -> {
            stop.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .onMessage(Reload.class, reload -> enqueue(ctx, queue, reload))
          .build();
    }));
  }

  private final ActorContext<Command> ctx;
  private final StashBuffer<Command> queue;
  /** Replaced by a reload; read by the shutdown task's timeout too, hence volatile. */
  private volatile FleetSpec fleet;
  private final ComponentSupervisor.Context env;
  private final Map<String, ActorRef<ComponentSupervisor.Command>> supervisors = new LinkedHashMap<>();
  private final Map<String, ActorRef<GroupSupervisor.Command>> groups = new HashMap<>();
  private final ActorRef<GroupSupervisor.Escalated> escalations;
  private final Duration stopMargin;
  /** Counts reloads: part of the names of the supervisors a reload spawns, so they never clash with a stopping one. */
  private int generation;

  private Guardian(ActorContext<Command> ctx, StashBuffer<Command> queue, FleetSpec fleet,
      ComponentSupervisor.Context env, Map<String, PidRecord> adopted) {
    this.ctx = ctx;
    this.queue = queue;
    this.fleet = fleet;
    this.env = env;
    this.stopMargin = ctx.getSystem().settings().config().getDuration("regulator-runtime.stop-all-margin");
    this.escalations = ctx.messageAdapter(GroupSupervisor.Escalated.class, GroupEscalated::new);
    spawnTree(adopted);
    ActorRef<Command> self = ctx.getSelf();
    Scheduler scheduler = ctx.getSystem().scheduler();
    CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-components",
        () -> AskPattern.<Command, Done>ask(self,
            replyTo -> new StopAll(Cause.of(CauseCategory.LIFECYCLE, "Regulator is stopping"), replyTo),
            stopAllTimeout(), scheduler));
    CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-output-logs", () -> CompletableFuture.supplyAsync(() -> {
          env.launcher().close();
          env.probes().close();
          return Done.getInstance();
        }, env.processIo()));
  }

  private void spawnTree(Map<String, PidRecord> adopted) {
    for (GroupSpec group : fleet.groups().values()) {
      spawnGroup(group);
    }
    for (ComponentSpec spec : fleet.components().values()) {
      supervisors.put(spec.name(), spawnComponent(spec));
      if (adopted.containsKey(spec.name())) {
        supervisors.get(spec.name()).tell(new ComponentSupervisor.Adopt(adopted.get(spec.name())));
      }
    }
    wire();
  }

  private ActorRef<ComponentSupervisor.Command> spawnComponent(ComponentSpec spec) {
    return ctx.spawn(ComponentSupervisor.create(spec, env), "component-" + actorName(spec.name()) + suffix());
  }

  private void spawnGroup(GroupSpec group) {
    groups.put(group.name(), ctx.spawn(GroupSupervisor.create(group, env.node(), env.bus(), escalations),
        "group-" + actorName(group.name()) + suffix()));
  }

  /** None for the first tree; "~N" after the Nth reload ('~' never occurs in an encoded name). */
  private String suffix() {
    return generation == 0 ? "" : "~" + generation;
  }

  /** Tells every supervisor its dependents, fallback and group, and every group its members, for the current fleet. */
  private void wire() {
    for (ComponentSpec spec : fleet.components().values()) {
      List<ActorRef<ComponentSupervisor.Command>> dependents = fleet.graph().dependentsOf(spec.name()).stream()
          .map(supervisors::get).toList();
      ActorRef<ComponentSupervisor.Command> fallback = spec.fallback().map(supervisors::get).orElse(null);
      ActorRef<GroupSupervisor.Command> group = fleet.groupOf(spec.name()).map(g -> groups.get(g.name())).orElse(null);
      supervisors.get(spec.name()).tell(new ComponentSupervisor.Wire(dependents, fallback, group));
    }
    for (GroupSpec group : fleet.groups().values()) {
      Map<String, ActorRef<ComponentSupervisor.Command>> members = new LinkedHashMap<>();
      group.members().forEach(m -> members.put(m, supervisors.get(m)));
      groups.get(group.name()).tell(new GroupSupervisor.RegisterMembers(members));
    }
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(GetStatuses.class, this::onGetStatuses)
        .onMessage(GetSupervisor.class, this::onGetSupervisor)
        .onMessage(StopAll.class, this::onStopAll)
        .onMessage(Reload.class, this::onReload)
        .onMessage(GroupEscalated.class, this::onGroupEscalated)
        .build();
  }

  /** Stopping what a reload takes away or changes: further reloads and stops wait their turn. */
  private Behavior<Command> reloading() {
    return Behaviors.receive(Command.class)
        .onMessage(GetStatuses.class, this::onGetStatuses)
        .onMessage(GetSupervisor.class, this::onGetSupervisor)
        .onMessage(StopAll.class, stop -> enqueue(ctx, queue, stop))
        .onMessage(Reload.class, reload -> enqueue(ctx, queue, reload))
        .onMessage(GroupEscalated.class, this::onGroupEscalated)
        .onMessage(ReloadStopped.class, this::onReloadStopped)
        .build();
  }

  private static Behavior<Command> enqueue(ActorContext<Command> ctx, StashBuffer<Command> queue, Command command) {
    if (queue.isFull()) {
      ctx.getLog().warn("{} dropped: {} commands already wait for a reload to finish; retry once it has",
          command.getClass().getSimpleName(), QUEUE_CAPACITY);
    } else {
      queue.stash(command);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onGetStatuses(GetStatuses get) {
    List<CompletableFuture<ComponentStatus>> all = new ArrayList<>();
    supervisors.values().forEach(ref -> all.add(AskPattern.<ComponentSupervisor.Command, ComponentStatus>ask(ref,
        ComponentSupervisor.GetStatus::new, Duration.ofSeconds(5), ctx.getSystem().scheduler()).toCompletableFuture()));
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> get.replyTo().tell(
        all.stream().filter(f -> !f.isCompletedExceptionally()).map(CompletableFuture::join).toList()));
    return Behaviors.same();
  }

  private Behavior<Command> onGetSupervisor(GetSupervisor get) {
    get.replyTo().tell(Optional.ofNullable(supervisors.get(get.component())));
    return Behaviors.same();
  }

  private Behavior<Command> onGroupEscalated(GroupEscalated escalated) {
    GroupSupervisor.Escalated e = escalated.escalated();
    // Graceful degradation: say it loudly, keep every other component running.
    env.bus().publish(new HealthEvent.SystemCritical(Instant.now(), env.node(), HealthEvent.SYSTEM,
        "group '" + e.group() + "' exceeded its restart intensity (" + e.failures() + " failures, last by '"
            + e.failedMember() + "'); other components keep running"));
    return Behaviors.same();
  }

  private Behavior<Command> onStopAll(StopAll stop) {
    Logger log = ctx.getLog(); // the context is not to be touched off the actor's thread; its logger may be
    CompletableFuture<List<String>> stopped = stopInOrder(fleet, supervisors.keySet(), name -> stop.cause());
    stopped.whenComplete((unconfirmed, error) -> {
      if (!unconfirmed.isEmpty()) {
        log.warn("not every component confirmed its stop: {}", unconfirmed);
      }
      env.bus().publish(new HealthEvent.RegulatorLifecycle(Instant.now(), env.node(), HealthEvent.SYSTEM, "stopped",
          Optional.of(stop.cause().detail())));
      stop.replyTo().tell(Done.getInstance());
    });
    return Behaviors.same();
  }

  // ---- reload ----------------------------------------------------------------------------------

  private Behavior<Command> onReload(Reload reload) {
    FleetSpec next = reload.fleet();
    ReloadResult plan = plan(fleet, next);
    if (!next.settings().equals(fleet.settings())) {
      ctx.getLog().warn("reload: node, data-dir and log-dir cannot change while Regulator runs; still using {}; "
          + "restart Regulator to use {}", fleet.settings(), next.settings());
    }
    List<String> leaving = new ArrayList<>(plan.removed());
    leaving.addAll(plan.changed());
    Cause removed = Cause.of(CauseCategory.LIFECYCLE, "removed from the config");
    Cause changed = Cause.of(CauseCategory.LIFECYCLE, "config changed; starting again with the new one");
    CompletableFuture<List<String>> stopped = stopInOrder(fleet, leaving,
        name -> plan.removed().contains(name) ? removed : changed);
    ctx.pipeToSelf(stopped, (unconfirmed, error) -> new ReloadStopped(reload, plan,
        unconfirmed != null ? unconfirmed : leaving));
    return reloading();
  }

  /** Which components a reload from {@code from} to {@code to} adds, removes, changes and leaves alone. */
  static ReloadResult plan(FleetSpec from, FleetSpec to) {
    List<String> added = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    for (ComponentSpec spec : to.components().values()) {
      ComponentSpec before = from.components().get(spec.name());
      (before == null ? added : before.equals(spec) ? unchanged : changed).add(spec.name());
    }
    for (String name : from.components().keySet()) {
      if (!to.components().containsKey(name)) {
        removed.add(name);
      }
    }
    return new ReloadResult(sorted(added), sorted(removed), sorted(changed), sorted(unchanged));
  }

  private static List<String> sorted(List<String> names) {
    return names.stream().sorted().toList();
  }

  private Behavior<Command> onReloadStopped(ReloadStopped stopped) {
    ReloadResult plan = stopped.plan();
    FleetSpec next = stopped.reload().fleet();
    if (!stopped.unconfirmed().isEmpty()) {
      ctx.getLog().warn("reload: {} did not confirm their stop in time; their supervisors are replaced anyway",
          stopped.unconfirmed());
    }
    for (String name : plan.removed()) {
      ctx.stop(supervisors.remove(name));
      env.probes().forget(name);
      CompletableFuture.runAsync(() -> env.launcher().release(name), env.processIo());
    }
    plan.changed().forEach(name -> ctx.stop(supervisors.get(name)));
    List<String> groupsGone = new ArrayList<>();
    for (GroupSpec group : fleet.groups().values()) {
      if (!group.equals(next.groups().get(group.name()))) {
        ctx.stop(groups.remove(group.name()));
        groupsGone.add(group.name());
      }
    }
    FleetSpec before = fleet;
    fleet = next;
    generation++;
    List<String> groupsNew = new ArrayList<>();
    for (GroupSpec group : next.groups().values()) {
      if (!groups.containsKey(group.name())) {
        spawnGroup(group);
        groupsNew.add(group.name());
      }
    }
    Map<String, ActorRef<ComponentSupervisor.Command>> kept = new HashMap<>(supervisors);
    supervisors.clear();
    for (ComponentSpec spec : next.components().values()) {
      boolean keep = spec.equals(before.components().get(spec.name()));
      supervisors.put(spec.name(), keep ? kept.get(spec.name()) : spawnComponent(spec));
    }
    wire();
    String detail = plan.summary() + (groupsGone.isEmpty() && groupsNew.isEmpty() ? ""
        : "; groups stopped " + sorted(groupsGone) + ", started " + sorted(groupsNew));
    env.bus().publish(new HealthEvent.RegulatorLifecycle(Instant.now(), env.node(), HealthEvent.SYSTEM, "reloaded",
        Optional.of(detail)));
    ctx.getLog().info("reloaded: {}; unchanged {}", detail, plan.unchanged());
    stopped.reload().replyTo().tell(plan);
    return queue.unstashAll(running());
  }

  // ---- stopping in reverse dependency order ----------------------------------------------------

  /**
   * Stops {@code names}, each once those of its dependents (in {@code graphOf}'s graph) that are
   * among {@code names} have stopped: the reverse of the start order, independent ones in
   * parallel. Completes, never exceptionally, with the names that did not confirm their stop.
   */
  private CompletableFuture<List<String>> stopInOrder(FleetSpec graphOf, Collection<String> names,
      Function<String, Cause> cause) {
    Set<String> scope = Set.copyOf(names);
    Map<String, CompletableFuture<ComponentStatus>> stopping = new HashMap<>();
    Map<String, CompletableFuture<String>> unconfirmed = new LinkedHashMap<>();
    for (String name : names) {
      unconfirmed.put(name, stopAfterDependents(graphOf, name, scope, cause, stopping)
          .handle((status, error) -> error == null ? null : name));
    }
    return CompletableFuture.allOf(unconfirmed.values().toArray(CompletableFuture[]::new))
        .thenApply(ignored -> unconfirmed.values().stream().map(CompletableFuture::join)
            .filter(Objects::nonNull).sorted().toList());
  }

  /** A component stops once everything in scope that depends on it has stopped (reverse start order). */
  private CompletableFuture<ComponentStatus> stopAfterDependents(FleetSpec graphOf, String name, Set<String> scope,
      Function<String, Cause> cause, Map<String, CompletableFuture<ComponentStatus>> stopping) {
    CompletableFuture<ComponentStatus> known = stopping.get(name);
    if (known != null) {
      return known;
    }
    CompletableFuture<?>[] dependents = graphOf.graph().dependentsOf(name).stream().filter(scope::contains)
        .map(d -> stopAfterDependents(graphOf, d, scope, cause, stopping).exceptionally(e -> null))
        .toArray(CompletableFuture[]::new);
    // Resolved now, on the actor's thread: the ask itself runs later on whichever thread ends the dependents' stops.
    ActorRef<ComponentSupervisor.Command> supervisor = supervisors.get(name);
    Duration timeout = graphOf.component(name).stop().timeout().plus(stopMargin);
    Cause why = cause.apply(name);
    Scheduler scheduler = ctx.getSystem().scheduler();
    CompletableFuture<ComponentStatus> mine = CompletableFuture.allOf(dependents).thenCompose(ignored ->
        AskPattern.<ComponentSupervisor.Command, ComponentStatus>ask(supervisor,
            replyTo -> new ComponentSupervisor.Stop(why, replyTo), timeout, scheduler));
    stopping.put(name, mine);
    return mine;
  }

  private Duration stopAllTimeout() {
    FleetSpec current = fleet;
    Duration total = Duration.ZERO;
    for (List<String> wave : current.graph().stopWaves()) {
      Duration slowest = wave.stream().map(n -> current.component(n).stop().timeout()).max(Duration::compareTo)
          .orElse(Duration.ZERO);
      total = total.plus(slowest).plus(stopMargin);
    }
    return total.plus(stopMargin);
  }

  static String actorName(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
