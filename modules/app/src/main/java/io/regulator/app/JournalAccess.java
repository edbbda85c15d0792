package io.regulator.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.regulator.core.config.ConfigProblem;
import io.regulator.core.config.ConfigValidationException;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.spec.FleetSpec;
import io.regulator.journal.JournalConfig;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.SchemaCreator;
import io.regulator.journal.read.JournalReader;
import io.regulator.journal.read.TimeExpression;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the query commands ({@code events}, {@code incidents}, {@code report}) share: the config
 * loaded as {@code run} loads it, the journal's store checked, a small actor system on it for
 * Pekko Persistence Query, and one-line errors with an exit code. Works with the service stopped
 * and while it runs (H2 with {@code AUTO_SERVER}, or PostgreSQL).
 */
final class JournalAccess implements AutoCloseable {

  /** A problem the user can fix, already worded as the one line to print. */
  static final class Failed extends Exception {
    final int exitCode;

    Failed(String message, int exitCode) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  /** Pekko quiet on stdout: the commands' output may be piped as JSON. */
  private static final String QUIET = "pekko.loglevel = WARNING\n"
      + "pekko.stdout-loglevel = OFF\n"
      + "pekko.log-dead-letters = off\n"
      + "pekko.log-dead-letters-during-shutdown = off\n";

  final FleetSpec fleet;
  final JournalSettings settings;
  final ActorSystem<Void> system;
  final JournalReader reader;

  private JournalAccess(FleetSpec fleet, JournalSettings settings, ActorSystem<Void> system) {
    this.fleet = fleet;
    this.settings = settings;
    this.system = system;
    this.reader = new JournalReader(system, settings);
  }

  /**
   * Loads the config, checks that the journal exists and starts the actor system that reads it.
   *
   * @param config the {@code -c} option, or null for conf/regulator.conf
   * @throws Failed with the line to print (config problems are printed here, one per line)
   */
  static JournalAccess open(String config, PrintWriter err) throws Failed {
    Path path = config == null ? Home.defaultConfig() : Home.userPath(config);
    FleetSpec fleet;
    try {
      fleet = RegulatorConfig.load(path, Home.dir());
    } catch (ConfigValidationException e) {
      e.problems().stream().map(ConfigProblem::render).forEach(err::println);
      throw new Failed("fix the config above and run again", 1);
    }
    JournalSettings settings;
    try {
      settings = JournalSettings.from(fleet.regulator(), fleet.settings().dataDir());
    } catch (ConfigException e) {
      throw new Failed(e.getMessage(), 1);
    }
    quietLogging(fleet.settings().logDir());
    checkStore(settings, fleet.settings().dataDir());
    Config pekko = ConfigFactory.parseString(QUIET)
        .withFallback(JournalConfig.pekkoConfig(settings))
        .withFallback(ConfigFactory.load());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "regulator-query", pekko);
    return new JournalAccess(fleet, settings, system);
  }

  /** A query's result; its failure as one line (the store went away, a row that cannot be read). */
  <T> T await(CompletionStage<T> query) throws Failed {
    try {
      return query.toCompletableFuture().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted", 130);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new Failed("reading the journal in " + settings.shownUrl() + " failed: "
          + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), 1);
    }
  }

  /** {@code --since} / {@code --until} as typed; null stays null. */
  static Instant time(String option, String typed, Instant now) throws Failed {
    if (typed == null) {
      return null;
    }
    try {
      return TimeExpression.parse(typed, now, ZoneId.systemDefault());
    } catch (IllegalArgumentException e) {
      throw new Failed(option + ": " + e.getMessage(), 2);
    }
  }

  /** A window must end after it starts. */
  static void window(Instant since, Instant until) throws Failed {
    if (since != null && until != null && !until.isAfter(since)) {
      throw new Failed("--until (" + until + ") must be later than --since (" + since + ")", 2);
    }
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // leaving anyway: the JVM exits right after
    }
  }

  /**
   * No journal yet is the usual first surprise, so it gets its own message. The H2 file is checked
   * before connecting: opening a missing H2 database would create an empty one.
   */
  private static void checkStore(JournalSettings settings, Path dataDir) throws Failed {
    String noJournal;
    if (settings.store() == JournalSettings.Store.H2) {
      Path dir = dataDir.resolve(JournalSettings.H2_FILE).getParent();
      Path file = dataDir.resolve(JournalSettings.H2_FILE + ".mv.db");
      noJournal = "no journal at " + dir + " yet: run `bin/regulator run` first";
      if (!Files.exists(file)) {
        throw new Failed(noJournal, 1);
      }
    } else {
      noJournal = "no journal in " + settings.shownUrl() + " yet: run `bin/regulator run` first";
    }
    try (Connection c = SchemaCreator.connect(settings);
        ResultSet tables = c.getMetaData().getTables(null, null, "event_journal", null)) {
      if (!tables.next()) {
        throw new Failed(noJournal, 1);
      }
    } catch (SQLException e) {
      throw new Failed(e.getMessage(), 1);
    }
  }

  /**
   * Warnings and errors to stderr, nothing else: stdout carries the command's output, and the
   * service's log files are the service's. Replaces what conf/logback.xml set up.
   */
  private static void quietLogging(Path logDir) {
    // conf/logback.xml opens its files when logging starts: let it open the config's, not ./logs
    System.setProperty("regulator.log.dir", logDir.toString());
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("regulator: %level %logger{0}: %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(console);
  }
}
