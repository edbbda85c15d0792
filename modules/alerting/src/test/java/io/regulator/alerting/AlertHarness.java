package io.regulator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.FleetSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.pattern.StatusReply;

/**
 * An alert manager over a small fleet, with the delivery side as a probe and time moved by hand:
 *
 * <pre>
 * db  <-requires-  runner  <-requires-  tunnel        group edge = [runner, tunnel]
 *                    ^-----wants------  worker
 * web (critical)
 * </pre>
 *
 * Receivers {@code ops} (the route) and {@code oncall}; the {@code alerts} text given to
 * {@link #start} adds to or overrides that block.
 */
final class AlertHarness implements AutoCloseable {

  static final String NODE = "local";
  static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

  final ActorTestKit testKit;
  final ManualTime time;
  final TestClock clock = new TestClock(START);
  final FleetSpec fleet;
  final AlertSettings settings;
  final TestProbe<Notification> delivery;
  final TestProbe<AlertEvent> alertEvents;
  final ActorRef<AlertManager.Command> manager;

  private AlertHarness(ActorTestKit testKit, FleetSpec fleet) {
    this.testKit = testKit;
    this.time = ManualTime.get(testKit.system());
    this.fleet = fleet;
    this.settings = AlertSettings.from(fleet.regulator());
    this.delivery = testKit.createTestProbe(Notification.class);
    this.alertEvents = testKit.createTestProbe(AlertEvent.class);
    testKit.system().eventStream().tell(new EventStream.Subscribe<>(AlertEvent.class, alertEvents.ref()));
    this.manager = testKit.spawn(AlertManager.create(settings, fleet, delivery.ref(), clock));
    sync();
  }

  static AlertHarness start(ActorTestKit testKit, Path home, String alerts) throws Exception {
    return new AlertHarness(testKit, fleet(home, alerts));
  }

  static FleetSpec fleet(Path home, String alerts) throws Exception {
    return RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator {
          components {
            db     { command = ["/bin/true"] }
            runner { command = ["/bin/true"], depends-on = [db] }
            tunnel { command = ["/bin/true"], depends-on { runner = requires } }
            worker { command = ["/bin/true"], depends-on { runner = wants } }
            web    { command = ["/bin/true"], critical = true }
          }
          groups { edge { members = [runner, tunnel] } }
          alerts {
            receivers {
              log = null
              ops { type = log }
              oncall { type = log }
            }
            route { receivers = [ops] }
            %s
          }
        }
        """.formatted(alerts)), home);
  }

  // ---- driving ---------------------------------------------------------------------------------

  void observe(HealthEvent... events) {
    for (HealthEvent e : events) {
      manager.tell(new AlertManager.Observe(e));
    }
    sync();
  }

  /** Moves the clock and the scheduler together, after the manager has taken in what it was sent. */
  void advance(Duration d) {
    sync();
    clock.advance(d);
    time.timePasses(d);
    sync();
  }

  /** Returns once the manager has handled everything sent to it before. */
  void sync() {
    active();
  }

  List<ActiveAlert> active() {
    TestProbe<List<ActiveAlert>> reply = testKit.createTestProbe();
    manager.tell(new AlertManager.GetActive(reply.ref()));
    return reply.receiveMessage(Duration.ofSeconds(3));
  }

  ActiveAlert active(String key) {
    return active().stream().filter(a -> a.alert().key().equals(key)).findFirst()
        .orElseThrow(() -> new AssertionError("no active alert " + key + " in " + active()));
  }

  StatusReply<Silence> silence(String component, Duration length, String reason) {
    TestProbe<StatusReply<Silence>> reply = testKit.createTestProbe();
    manager.tell(new AlertManager.AddSilence(component, Optional.empty(), clock.instant().plus(length), reason,
        reply.ref()));
    return reply.receiveMessage(Duration.ofSeconds(3));
  }

  List<Silence> silences() {
    TestProbe<List<Silence>> reply = testKit.createTestProbe();
    manager.tell(new AlertManager.ListSilences(reply.ref()));
    return reply.receiveMessage(Duration.ofSeconds(3));
  }

  // ---- expectations --------------------------------------------------------------------------

  Notification expectNotification() {
    return delivery.receiveMessage(Duration.ofSeconds(3));
  }

  /** The next notifications, one per receiver named, in any order of receivers. */
  List<Notification> expectNotifications(int n) {
    List<Notification> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(expectNotification());
    }
    return all;
  }

  void expectNoNotification() {
    sync();
    delivery.expectNoMessage(Duration.ofMillis(150));
  }

  static List<String> keys(Notification n) {
    return n.alerts().stream().map(Alert::key).toList();
  }

  static Alert only(Notification n) {
    assertThat(n.alerts()).hasSize(1);
    return n.alerts().get(0);
  }

  // ---- events ----------------------------------------------------------------------------------

  /** An unexpected exit with code 1. */
  HealthEvent crash(String component) {
    return new HealthEvent.ProcessExited(clock.instant(), NODE, component, 4242, ExitStatus.code(1),
        Cause.of(CauseCategory.EXIT_CODE, "exited with code 1"), 1000, 0);
  }

  HealthEvent state(String component, ComponentState from, ComponentState to, Cause cause) {
    return new HealthEvent.StateChanged(clock.instant(), NODE, component, from, to, cause);
  }

  /** A crash and the state it leaves the component in. */
  HealthEvent[] crashToBackoff(String component) {
    return new HealthEvent[] {crash(component),
        state(component, ComponentState.READY, ComponentState.BACKOFF, Cause.of(CauseCategory.EXIT_CODE,
            "exited with code 1"))};
  }

  HealthEvent ready(String component) {
    return state(component, ComponentState.RUNNING, ComponentState.READY, Cause.progress("ready"));
  }

  HealthEvent failed(String component) {
    return state(component, ComponentState.STARTING, ComponentState.FAILED,
        Cause.of(CauseCategory.EXEC_FAILED, "executable not found: /opt/" + component));
  }

  HealthEvent groupEscalated(String group, String member) {
    return new HealthEvent.GroupEscalated(clock.instant(), NODE, group, member, 11, 60_000);
  }

  @Override
  public void close() {
    testKit.stop(manager);
  }
}
