package io.regulator.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

/**
 * The Pekko config that puts the journal on the database of {@link JournalSettings}: lay it over
 * the application config of the actor system that runs the writer or reads the journal,
 * {@code JournalConfig.pekkoConfig(settings).withFallback(appConfig)}.
 */
public final class JournalConfig {

  private static final String TEMPLATE = "io/regulator/journal/pekko-journal.conf";

  private JournalConfig() {}

  public static Config pekkoConfig(JournalSettings settings) {
    Config db = ConfigFactory.parseMap(Map.of(
        "db.profile", settings.store().slickProfile,
        "db.driver", settings.store().driver,
        "db.url", settings.url(),
        "db.user", settings.user(),
        "db.password", settings.password(),
        "db.connections", settings.connections(),
        "db.connection-timeout", settings.connectionTimeout().toMillis(),
        "db.call-timeout", 2 * settings.writeTimeout().toMillis() + "ms"));
    Config template = ConfigFactory.parseResources(JournalConfig.class.getClassLoader(), TEMPLATE);
    if (template.isEmpty()) {
      throw new IllegalStateException(TEMPLATE + " is missing from the classpath; the regulator-journal jar is broken");
    }
    return template.resolveWith(db);
  }
}
