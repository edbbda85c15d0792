package io.regulator.app;

import io.regulator.core.config.ConfigProblem;
import io.regulator.core.config.ConfigValidationException;
import io.regulator.core.config.RegulatorConfig;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.FleetSpec;
import io.regulator.alerting.AlertManager;
import io.regulator.alerting.AlertSettings;
import io.regulator.alerting.Notification;
import io.regulator.alerting.delivery.DeliverySettings;
import io.regulator.alerting.delivery.Dispatcher;
import io.regulator.http.AccessTokens;
import io.regulator.http.Api;
import io.regulator.http.HttpSettings;
import io.regulator.http.Services;
import io.regulator.http.StatusCache;
import io.regulator.http.metrics.BusinessMetrics;
import io.regulator.http.metrics.RegulatorMetrics;
import io.regulator.journal.Journal;
import io.regulator.journal.read.JournalReader;
import io.regulator.runtime.probe.HeartbeatRegistry;
import io.regulator.runtime.probe.ProbeListener;
import org.apache.pekko.http.javadsl.ServerBinding;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.write.JournalWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import io.regulator.runtime.Guardian;
import io.regulator.runtime.Hooks;
import io.regulator.runtime.bus.EventBus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code regulator run}: the service in the foreground. SIGTERM and SIGINT stop every component in
 * reverse dependency order and exit 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the service in the foreground (SIGTERM or Ctrl-C stops it cleanly).")
final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec command;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "config file (default: conf/regulator.conf)")
  String config;

  @Override
  public Integer call() throws IOException {
    Path path = config == null ? Home.defaultConfig() : Home.userPath(config);
    FleetSpec fleet;
    try {
      fleet = RegulatorConfig.load(path, Home.dir());
    } catch (ConfigValidationException e) {
      e.problems().stream().map(ConfigProblem::render).forEach(command.commandLine().getErr()::println);
      command.commandLine().getErr().println("regulator: not started: fix the config above and run again");
      return 1;
    }
    Files.createDirectories(fleet.settings().dataDir());
    Files.createDirectories(fleet.settings().logDir());
    // Logback reads this when it first initialises, which is below: nothing has logged yet.
    System.setProperty("regulator.log.dir", fleet.settings().logDir().toString());
    // Initialise logging on this thread, before Pekko's threads race to do it.
    LoggerFactory.getILoggerFactory();

    DataDirLock lock = DataDirLock.acquire(fleet.settings().dataDir());
    if (lock == null) {
      command.commandLine().getErr().println("regulator: not started: another Regulator is running on data-dir "
          + fleet.settings().dataDir() + " (it holds " + DataDirLock.FILE + "); stop it first, or give this one"
          + " its own data-dir");
      return 1;
    }
    Settings settings;
    AccessTokens tokens;
    try {
      settings = new Settings(JournalSettings.from(fleet.regulator(), fleet.settings().dataDir()),
          AlertSettings.from(fleet.regulator()), DeliverySettings.from(fleet.regulator()),
          HttpSettings.from(fleet.regulator(), Home.dir()));
      Api.check(settings.http());
      tokens = AccessTokens.resolve(settings.http(), fleet.settings().dataDir());
    } catch (RuntimeException e) {
      command.commandLine().getErr().println("regulator: not started: " + e.getMessage());
      lock.release();
      return 1;
    }
    JournalSettings journal = settings.journal();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Config config = Journal.pekkoConfig(journal).withFallback(ConfigFactory.load());
    AtomicReference<ActorRef<Object>> forwarder = new AtomicReference<>();
    CompletableFuture<ActorRef<AlertManager.Command>> alerts = new CompletableFuture<>();
    AtomicReference<RegulatorMetrics> metrics = new AtomicReference<>();
    HeartbeatRegistry heartbeats = new HeartbeatRegistry();
    // Probe checks are counted once the metrics exist (just below); the tree starts probing later.
    ProbeListener probes = (component, role, kind, latencyNanos, success) -> {
      RegulatorMetrics m = metrics.get();
      if (m != null) {
        m.probeChecked(component, role.name().toLowerCase(java.util.Locale.ROOT), kind, latencyNanos, success);
      }
    };
    ActorSystem<Guardian.Command> system = ActorSystem.create(
        root(fleet, drained, settings, forwarder, alerts, new Hooks(heartbeats, probes)), "regulator", config);
    // Let the event log and the journal write the last events (the final stops) before the actor
    // system goes away. Once the event log has seen the final event, the journal's forwarder has it
    // queued too, so a flush sent to the forwarder now comes after it.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "drain-events",
        () -> drained.completeOnTimeout(null, 3, TimeUnit.SECONDS).thenCompose(v -> AskPattern.<Object, Done>ask(
            forwarder.get(), JournalWriter.Flush::new, Duration.ofSeconds(5), system.scheduler())
            .exceptionally(e -> Done.getInstance())));
    Signal.handle(new Signal("TERM"), sig -> shutdown(system, "SIGTERM"));
    Signal.handle(new Signal("INT"), sig -> shutdown(system, "SIGINT"));
    if (!serve(system, fleet, path, settings, tokens, alerts, heartbeats, metrics)) {
      system.getWhenTerminated().toCompletableFuture().join();
      lock.release();
      return 1;
    }
    system.getWhenTerminated().toCompletableFuture().join();
    lock.release();
    return 0;
  }

  /**
   * The event log and the journal subscribe before the guardian publishes anything (same sender,
   * so in order). The journal writer never holds up supervision: it buffers and retries on its own.
   */
  /** The settings of the modules around the supervision tree, read (and checked) before it starts. */
  record Settings(JournalSettings journal, AlertSettings alerts, DeliverySettings delivery, HttpSettings http) {}

  /**
   * Starts the metrics and binds the API. A failure to bind (the port is taken) stops Regulator:
   * a supervisor nobody can reach is not what the operator asked for.
   */
  private boolean serve(ActorSystem<Guardian.Command> system, FleetSpec fleet, Path configFile, Settings settings,
      AccessTokens tokens, CompletableFuture<ActorRef<AlertManager.Command>> alertsRef, HeartbeatRegistry heartbeats,
      AtomicReference<RegulatorMetrics> metricsRef) {
    ActorRef<AlertManager.Command> alerts = alertsRef.join();
    EventBus bus = new EventBus(system);
    BusinessMetrics business = new BusinessMetrics();
    Services services = new Services(system, system, alerts, new JournalReader(system, settings.journal()), bus,
        heartbeats, business, new AtomicReference<>(fleet), () -> RegulatorConfig.load(configFile, Home.dir()),
        fleet.settings().dataDir());
    StatusCache statuses = Api.statusCache(services, settings.http());
    RegulatorMetrics metrics = RegulatorMetrics.start(system, bus, statuses::statuses, business,
        settings.http().resourceSampleInterval());
    metricsRef.set(metrics);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-metrics",
        () -> {
          metrics.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    HttpSettings http = settings.http();
    try {
      ServerBinding binding = Api.start(services, http, tokens, statuses, metrics).toCompletableFuture().get(30, TimeUnit.SECONDS);
      binding.addToCoordinatedShutdown(Duration.ofSeconds(3), system);
      command.commandLine().getOut().println("regulator: API and dashboard on " + http.baseUrl() + " (port "
          + binding.localAddress().getPort() + ")" + (http.token().isPresent() ? ""
              : "; admin token in " + fleet.settings().dataDir().resolve(AccessTokens.FILE)));
      command.commandLine().getOut().flush();
      return true;
    } catch (Exception e) {
      if (CoordinatedShutdown.get(system).getShutdownReason().isPresent()) {
        return true; // asked to stop (a signal) while binding: that stop goes on as usual
      }
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      command.commandLine().getErr().println("regulator: stopping: cannot serve the API on " + http.host() + ":"
          + http.port() + ": " + cause.getMessage() + "; free the port or set regulator.http.port");
      command.commandLine().getErr().flush();
      CoordinatedShutdown.get(system).runAll(new SignalReceived("api-bind-failed"));
      return false;
    }
  }

  static Behavior<Guardian.Command> root(FleetSpec fleet, CompletableFuture<Void> drained, Settings settings,
      AtomicReference<ActorRef<Object>> forwarderRef, CompletableFuture<ActorRef<AlertManager.Command>> alertsRef,
      Hooks hooks) {
    return Behaviors.setup(ctx -> {
      EventBus bus = new EventBus(ctx.getSystem());
      bus.subscribe(ctx.spawn(EventLog.create(drained), "event-log"));
      ActorRef<JournalWriter.Command> writer = ctx.spawn(
          Journal.writer(settings.journal(), fleet.settings().node(), bus::publish), "journal-writer");
      // Alerts: the manager subscribes to the bus itself; the dispatcher owns one durable outbox per receiver.
      ActorRef<Notification> delivery = ctx.spawn(Dispatcher.create(settings.delivery(), bus::publish),
          "alert-delivery");
      // Every notification also goes on the event stream: the metrics count them, the live stream shows them.
      ActorRef<Notification> announced = ctx.spawn(Behaviors.<Notification>receiveMessage(notification -> {
        ctx.getSystem().eventStream().tell(new EventStream.Publish<>(notification));
        delivery.tell(notification);
        return Behaviors.same();
      }), "alert-notifications");
      alertsRef.complete(ctx.spawn(AlertManager.create(settings.alerts(), fleet, announced), "alert-manager"));
      ActorRef<Object> forwarder = ctx.spawn(forwardTo(writer), "journal");
      forwarderRef.set(forwarder);
      bus.subscribe(forwarder.narrow());
      return Guardian.create(fleet, hooks);
    });
  }

  /** Health events become journal records; a flush passes through behind them. */
  private static Behavior<Object> forwardTo(ActorRef<JournalWriter.Command> writer) {
    return Behaviors.receiveMessage(message -> {
      if (message instanceof HealthEvent event) {
        writer.tell(new JournalWriter.Record(event));
      } else if (message instanceof JournalWriter.Command command) {
        writer.tell(command);
      }
      return Behaviors.same();
    });
  }


  private static void shutdown(ActorSystem<?> system, String signal) {
    CoordinatedShutdown.get(system).runAll(new SignalReceived(signal));
  }

  private record SignalReceived(String signal) implements CoordinatedShutdown.Reason {}
}
