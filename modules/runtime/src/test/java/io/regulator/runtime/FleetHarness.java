package io.regulator.runtime;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.event.Cause;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.FleetSpec;
import io.regulator.runtime.bus.EventBus;
import io.regulator.runtime.component.ComponentStatus;
import io.regulator.runtime.component.ComponentSupervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs a real supervision tree from a HOCON snippet inside a test's actor system and records every
 * health event it publishes. Each harness has its own node name, data and log dirs, and a mark
 * that appears on the command line of every process it starts, so leaks are easy to find.
 */
public final class FleetHarness implements AutoCloseable {

  public static final Path SCRIPTS = Path.of(System.getProperty("regulator.test.scripts",
      "src/test/resources/scripts")).toAbsolutePath();
  public static final String COMPONENT = SCRIPTS.resolve("sup-component.sh").toString();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final ActorTestKit kit;
  private final String node;
  private volatile FleetSpec fleet;
  private final ActorRef<Guardian.Command> guardian;
  private final List<HealthEvent> events = new CopyOnWriteArrayList<>();
  public final Path dir;
  public final String mark;

  /**
   * @param components the body of {@code regulator { ... }} beyond node and dirs: components,
   *     groups, defaults. {@code $MARK} is replaced by this harness's mark, {@code $DIR} by its dir.
   */
  public static FleetHarness start(ActorTestKit kit, Path tmp, String body) {
    return new FleetHarness(kit, tmp, body, Hooks.none());
  }

  /** As {@link #start(ActorTestKit, Path, String)}, with what the test shares with the tree. */
  public static FleetHarness start(ActorTestKit kit, Path tmp, String body, Hooks hooks) {
    return new FleetHarness(kit, tmp, body, hooks);
  }

  private FleetHarness(ActorTestKit kit, Path tmp, String body, Hooks hooks) {
    this.kit = kit;
    this.node = "test-" + COUNTER.incrementAndGet() + "-" + ProcessHandle.current().pid();
    this.mark = "mark-" + node;
    this.dir = tmp;
    this.fleet = parse(body);
    ActorRef<HealthEvent> recorder = kit.spawn(Behaviors.receiveMessage(e -> {
      if (e.node().equals(node)) {
        events.add(e);
      }
      return Behaviors.same();
    }), "recorder-" + node);
    new EventBus(kit.system()).subscribe(recorder);
    this.guardian = kit.spawn(Guardian.create(fleet, hooks), "guardian-" + node);
  }

  /** The fleet a body describes, with this harness's node, dirs and mark. */
  /** A port nobody listens on right now, for a test server or a probe that must fail. */
  public static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public FleetSpec parse(String body) {
    String hocon = "regulator { node = \"" + node + "\"\n data-dir = \"" + dir.resolve("data") + "\"\n log-dir = \""
        + dir.resolve("logs") + "\"\n" + body.replace("$MARK", mark).replace("$DIR", dir.toString())
        .replace("$COMPONENT", COMPONENT) + "\n}";
    try {
      return RegulatorConfig.fromConfig(ConfigFactory.parseString(hocon), dir);
    } catch (Exception e) {
      throw new IllegalArgumentException("bad test config: " + e.getMessage() + "\n" + hocon, e);
    }
  }

  /** Reloads the tree with the fleet {@code body} describes; returns once the guardian has rewired it. */
  public Guardian.ReloadResult reload(String body) {
    FleetSpec next = parse(body);
    var probe = kit.<Guardian.ReloadResult>createTestProbe();
    guardian.tell(new Guardian.Reload(next, probe.getRef()));
    Guardian.ReloadResult result = probe.receiveMessage(Duration.ofSeconds(60));
    this.fleet = next;
    return result;
  }

  /** What {@link Guardian.GetStatuses} answers: every component the guardian knows now. */
  public List<ComponentStatus> statuses() {
    var probe = kit.<List<ComponentStatus>>createTestProbe();
    guardian.tell(new Guardian.GetStatuses(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  public ActorRef<Guardian.Command> guardian() {
    return guardian;
  }

  public FleetSpec fleet() {
    return fleet;
  }

  public List<HealthEvent> events() {
    return List.copyOf(events);
  }

  public <T extends HealthEvent> List<T> events(Class<T> type, String component) {
    return events.stream().filter(type::isInstance).map(type::cast).filter(e -> e.component().equals(component))
        .toList();
  }

  public List<HealthEvent.StateChanged> transitions(String component) {
    return events(HealthEvent.StateChanged.class, component);
  }

  public ActorRef<ComponentSupervisor.Command> supervisor(String component) {
    var probe = kit.<Optional<ActorRef<ComponentSupervisor.Command>>>createTestProbe();
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      guardian.tell(new Guardian.GetSupervisor(component, probe.getRef()));
      return probe.receiveMessage(Duration.ofSeconds(5)).isPresent();
    });
    guardian.tell(new Guardian.GetSupervisor(component, probe.getRef()));
    return probe.receiveMessage().orElseThrow();
  }

  public ComponentStatus statusOf(String component) {
    var probe = kit.<ComponentStatus>createTestProbe();
    supervisor(component).tell(new ComponentSupervisor.GetStatus(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(5));
  }

  public ComponentState stateOf(String component) {
    List<HealthEvent.StateChanged> t = transitions(component);
    return t.isEmpty() ? ComponentState.STOPPED : t.get(t.size() - 1).to();
  }

  public void awaitState(String component, ComponentState state, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(20))
        .until(() -> stateOf(component) == state);
  }

  /** The pid of the component's current process, once it has one. */
  public long awaitPid(String component, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> statusOf(component).pid() != null);
    return statusOf(component).pid();
  }

  public void command(String component, java.util.function.Function<ActorRef<ComponentStatus>,
      ComponentSupervisor.Command> message) {
    var probe = kit.<ComponentStatus>createTestProbe();
    supervisor(component).tell(message.apply(probe.getRef()));
    probe.receiveMessage(Duration.ofSeconds(30));
  }

  public void stop(String component) {
    command(component, r -> new ComponentSupervisor.Stop(Cause.requested("test"), r));
  }

  public void stopAll() {
    var probe = kit.<Done>createTestProbe();
    guardian.tell(new Guardian.StopAll(Cause.requested("test over"), probe.getRef()));
    probe.receiveMessage(Duration.ofSeconds(60));
  }

  /** Live processes whose command line carries this harness's mark (the component and its children). */
  public List<ProcessHandle> liveProcesses() {
    return liveProcesses(mark);
  }

  public static List<ProcessHandle> liveProcesses(String mark) {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(mark)).orElse(false))
          .toList();
    }
  }

  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
        && !isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  public void writeControl(String name, String content) {
    try {
      Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      stopAll();
    } finally {
      kit.stop(guardian, Duration.ofSeconds(10));
      // Belt and braces: nothing a test started may outlive it.
      for (ProcessHandle p : liveProcesses()) {
        p.destroyForcibly();
      }
    }
  }
}
