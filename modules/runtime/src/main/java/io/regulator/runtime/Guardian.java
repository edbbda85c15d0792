package io.regulator.runtime;

import io.regulator.core.event.Cause;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The root of the supervision tree. It only wires things up: first it deals with processes left by
 * an earlier run (see {@link Orphans}), then it spawns one {@link ComponentSupervisor} per
 * component and one {@link GroupSupervisor} per group and tells each who its dependents, fallback
 * and group are. Components wanted up start themselves; dependencies gate them.
 *
 * <p>A group that escalates here raises a critical event and nothing else: the root never takes
 * the rest of the host down. At shutdown (a CoordinatedShutdown task) it stops every component in
 * reverse dependency order, independent ones in parallel.
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

  private record OrphansHandled(Orphans.Outcome outcome) implements Command {}

  private record GroupEscalated(GroupSupervisor.Escalated escalated) implements Command {}

  public static Behavior<Command> create(FleetSpec fleet) {
    return Behaviors.setup(ctx -> {
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
      CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "stop-probe-timer", () -> {
            probeTimer.shutdownNow();
            return CompletableFuture.completedFuture(Done.getInstance());
          });
      ComponentSupervisor.Context env = new ComponentSupervisor.Context(node, bus,
          new ProcessLauncher(fleet.settings().logDir()), pids, processIo, new Probes(processIo, probeTimer));
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
            return new Guardian(ctx, fleet, env, handled.outcome().adopted()).running();
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
          .build();
    });
  }

  private final ActorContext<Command> ctx;
  private final FleetSpec fleet;
  private final ComponentSupervisor.Context env;
  private final Map<String, ActorRef<ComponentSupervisor.Command>> supervisors = new LinkedHashMap<>();
  private final Duration stopMargin;

  private Guardian(ActorContext<Command> ctx, FleetSpec fleet, ComponentSupervisor.Context env,
      Map<String, PidRecord> adopted) {
    this.ctx = ctx;
    this.fleet = fleet;
    this.env = env;
    this.stopMargin = ctx.getSystem().settings().config().getDuration("regulator-runtime.stop-all-margin");
    spawnTree(adopted);
    ActorRef<Command> self = ctx.getSelf();
    CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseServiceStop(), "stop-components",
        () -> AskPattern.<Command, Done>ask(self,
            replyTo -> new StopAll(Cause.of(io.regulator.core.event.CauseCategory.LIFECYCLE, "Regulator is stopping"),
                replyTo),
            stopAllTimeout(), ctx.getSystem().scheduler()));
    CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "close-output-logs", () -> CompletableFuture.supplyAsync(() -> {
          env.launcher().close();
          env.probes().close();
          return Done.getInstance();
        }, env.processIo()));
  }

  private void spawnTree(Map<String, PidRecord> adopted) {
    ActorRef<GroupSupervisor.Escalated> escalations = ctx.messageAdapter(GroupSupervisor.Escalated.class,
        GroupEscalated::new);
    Map<String, ActorRef<GroupSupervisor.Command>> groups = new HashMap<>();
    for (GroupSpec group : fleet.groups().values()) {
      groups.put(group.name(), ctx.spawn(GroupSupervisor.create(group, env.node(), env.bus(), escalations),
          "group-" + actorName(group.name())));
    }
    for (ComponentSpec spec : fleet.components().values()) {
      supervisors.put(spec.name(), ctx.spawn(ComponentSupervisor.create(spec, env),
          "component-" + actorName(spec.name())));
      if (adopted.containsKey(spec.name())) {
        supervisors.get(spec.name()).tell(new ComponentSupervisor.Adopt(adopted.get(spec.name())));
      }
    }
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
        .onMessage(GroupEscalated.class, this::onGroupEscalated)
        .build();
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
    Map<String, CompletableFuture<ComponentStatus>> stopped = new HashMap<>();
    List<CompletableFuture<ComponentStatus>> all = new ArrayList<>();
    for (String name : supervisors.keySet()) {
      all.add(stopAfterDependents(name, stop.cause(), stopped));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
      if (error != null) {
        ctx.getLog().warn("not every component confirmed its stop: {}", error.toString());
      }
      env.bus().publish(new HealthEvent.RegulatorLifecycle(Instant.now(), env.node(), HealthEvent.SYSTEM, "stopped",
          Optional.of(stop.cause().detail())));
      stop.replyTo().tell(Done.getInstance());
    });
    return Behaviors.same();
  }

  /** A component stops once everything that depends on it has stopped (reverse start order). */
  private CompletableFuture<ComponentStatus> stopAfterDependents(String name, Cause cause,
      Map<String, CompletableFuture<ComponentStatus>> stopped) {
    CompletableFuture<ComponentStatus> known = stopped.get(name);
    if (known != null) {
      return known;
    }
    CompletableFuture<?>[] dependents = fleet.graph().dependentsOf(name).stream()
        .map(d -> stopAfterDependents(d, cause, stopped).exceptionally(e -> null))
        .toArray(CompletableFuture[]::new);
    Duration timeout = fleet.component(name).stop().timeout().plus(stopMargin);
    CompletableFuture<ComponentStatus> mine = CompletableFuture.allOf(dependents).thenCompose(ignored ->
        AskPattern.<ComponentSupervisor.Command, ComponentStatus>ask(supervisors.get(name),
            replyTo -> new ComponentSupervisor.Stop(cause, replyTo), timeout, ctx.getSystem().scheduler()));
    stopped.put(name, mine);
    return mine;
  }

  private Duration stopAllTimeout() {
    Duration total = Duration.ZERO;
    for (List<String> wave : fleet.graph().stopWaves()) {
      Duration slowest = wave.stream().map(n -> fleet.component(n).stop().timeout()).max(Duration::compareTo)
          .orElse(Duration.ZERO);
      total = total.plus(slowest).plus(stopMargin);
    }
    return total.plus(stopMargin);
  }

  static String actorName(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }
}
