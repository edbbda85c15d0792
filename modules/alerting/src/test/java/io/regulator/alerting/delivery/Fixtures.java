package io.regulator.alerting.delivery;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.journal.Journal;
import io.regulator.journal.JournalSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Settings, notifications, and actor systems on a real H2 journal, as the app sets them up. */
final class Fixtures {

  static {
    // the JDBC stack logs every statement at DEBUG
    for (String name : List.of("slick", "com.zaxxer.hikari", "org.h2")) {
      ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO);
    }
  }

  private Fixtures() {}

  /** Delivery settings from the reference config with {@code alertsHocon} laid over {@code regulator.alerts}. */
  static DeliverySettings settings(String alertsHocon) {
    return DeliverySettings.from(regulator(alertsHocon));
  }

  static Config regulator(String alertsHocon) {
    return ConfigFactory.parseString("regulator.alerts {\n" + alertsHocon + "\n}")
        .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("regulator");
  }

  /**
   * The config of an actor system whose persistence is the journal's H2 file under {@code dataDir}:
   * the journal's Pekko config over the application's, the schema created first.
   */
  static Config systemConfig(Path dataDir) throws Exception {
    JournalSettings journal = JournalSettings.from(
        ConfigFactory.defaultReference().resolve().getConfig("regulator"), dataDir);
    Journal.prepare(journal);
    return Journal.pekkoConfig(journal).withFallback(ConfigFactory.load());
  }

  static Notification notification(String id, String receiver) {
    return notification(id, receiver, Instant.now());
  }

  static Notification notification(String id, String receiver, Instant createdAt) {
    Alert alert = new Alert(Alert.key("runner", "crashed"), "runner", "crashed", Severity.ERROR,
        "runner crashed (" + id + ")", new Cause(CauseCategory.EXIT_CODE, "exited with code 3",
            "look at logs/runner.log"), createdAt.minusSeconds(90), List.of("starting", "Error: boom"), false, 0);
    return new Notification(id, receiver, createdAt, List.of(alert), Optional.empty(),
        Optional.of("http://127.0.0.1:8080/"));
  }

  /** Every log event of the JVM while attached (whatever logback-test.xml says). */
  static ListAppender<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    root().addAppender(appender);
    return appender;
  }

  static void release(ListAppender<ILoggingEvent> appender) {
    root().detachAppender(appender);
    appender.stop();
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
