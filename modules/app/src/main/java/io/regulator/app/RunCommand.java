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
import io.regulator.journal.Journal;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.write.JournalWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import io.regulator.runtime.Guardian;
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
    try {
      settings = new Settings(JournalSettings.from(fleet.regulator(), fleet.settings().dataDir()),
          AlertSettings.from(fleet.regulator()), DeliverySettings.from(fleet.regulator()));
    } catch (RuntimeException e) {
      command.commandLine().getErr().println("regulator: not started: " + e.getMessage());
      return 1;
    }
    JournalSettings journal = settings.journal();
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Config config = Journal.pekkoConfig(journal).withFallback(ConfigFactory.load());
    AtomicReference<ActorRef<Object>> forwarder = new AtomicReference<>();
    ActorSystem<Guardian.Command> system = ActorSystem.create(root(fleet, drained, settings, forwarder), "regulator",
        config);
    // Let the event log and the journal write the last events (the final stops) before the actor
    // system goes away. Once the event log has seen the final event, the journal's forwarder has it
    // queued too, so a flush sent to the forwarder now comes after it.
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "drain-events",
        () -> drained.completeOnTimeout(null, 3, TimeUnit.SECONDS).thenCompose(v -> AskPattern.<Object, Done>ask(
            forwarder.get(), JournalWriter.Flush::new, Duration.ofSeconds(5), system.scheduler())
            .exceptionally(e -> Done.getInstance())));
    Signal.handle(new Signal("TERM"), sig -> shutdown(system, "SIGTERM"));
    Signal.handle(new Signal("INT"), sig -> shutdown(system, "SIGINT"));
    system.getWhenTerminated().toCompletableFuture().join();
    lock.release();
    return 0;
  }

  /**
   * The event log and the journal subscribe before the guardian publishes anything (same sender,
   * so in order). The journal writer never holds up supervision: it buffers and retries on its own.
   */
  /** The settings of the modules around the supervision tree, read (and checked) before it starts. */
  record Settings(JournalSettings journal, AlertSettings alerts, DeliverySettings delivery) {}

  static Behavior<Guardian.Command> root(FleetSpec fleet, CompletableFuture<Void> drained, Settings settings,
      AtomicReference<ActorRef<Object>> forwarderRef) {
    return Behaviors.setup(ctx -> {
      EventBus bus = new EventBus(ctx.getSystem());
      bus.subscribe(ctx.spawn(EventLog.create(drained), "event-log"));
      ActorRef<JournalWriter.Command> writer = ctx.spawn(
          Journal.writer(settings.journal(), fleet.settings().node(), bus::publish), "journal-writer");
      // Alerts: the manager subscribes to the bus itself; the dispatcher owns one durable outbox per receiver.
      ActorRef<Notification> delivery = ctx.spawn(Dispatcher.create(settings.delivery(), bus::publish),
          "alert-delivery");
      ctx.spawn(AlertManager.create(settings.alerts(), fleet, delivery), "alert-manager");
      ActorRef<Object> forwarder = ctx.spawn(forwardTo(writer), "journal");
      forwarderRef.set(forwarder);
      bus.subscribe(forwarder.narrow());
      return Guardian.create(fleet);
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
