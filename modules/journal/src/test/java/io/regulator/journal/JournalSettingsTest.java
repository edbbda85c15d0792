package io.regulator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JournalSettingsTest {

  private static Config regulator(String hocon) {
    return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve()
        .getConfig("regulator");
  }

  @Test
  void defaultsPutAnH2FileInTheDataDir() {
    JournalSettings s = JournalSettings.from(regulator(""), Path.of("/srv/regulator/data"));

    assertThat(s.store()).isEqualTo(JournalSettings.Store.H2);
    assertThat(s.url()).isEqualTo(
        "jdbc:h2:file:/srv/regulator/data/journal/regulator;DATABASE_TO_UPPER=false;AUTO_SERVER=TRUE;"
            + "MAX_LENGTH_INPLACE_LOB=4096;WRITE_DELAY=0");
    assertThat(s.shownUrl()).isEqualTo("jdbc:h2:file:/srv/regulator/data/journal/regulator");
    assertThat(s.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(s.purgeInterval()).isEqualTo(Duration.ofDays(1));
    assertThat(s.snapshotEvery()).isEqualTo(100);
    assertThat(s.bufferSize()).isEqualTo(10_000);
    assertThat(s.maxBatch()).isEqualTo(500);
    assertThat(s.writeParallelism()).isEqualTo(4);
    assertThat(s.writeTimeout()).isGreaterThan(s.connectionTimeout());
  }

  @Test
  void postgresIsSelectedByConfig() {
    JournalSettings s = JournalSettings.from(regulator("""
        regulator.journal {
          store = postgres
          retention = 7d
          postgres { url = "jdbc:postgresql://db:5432/regulator", user = reg, password = secret }
        }
        """), Path.of("data"));

    assertThat(s.store()).isEqualTo(JournalSettings.Store.POSTGRES);
    assertThat(s.url()).isEqualTo("jdbc:postgresql://db:5432/regulator");
    assertThat(s.user()).isEqualTo("reg");
    assertThat(s.password()).isEqualTo("secret");
    assertThat(s.retention()).isEqualTo(Duration.ofDays(7));
    assertThat(JournalConfig.pekkoConfig(s).getString("pekko-persistence-jdbc.shared-databases.regulator.profile"))
        .isEqualTo("slick.jdbc.PostgresProfile$");
  }

  @Test
  void postgresWithoutAUrlSaysWhatToSet() {
    assertThatThrownBy(() -> JournalSettings.from(regulator("regulator.journal.store = postgres"), Path.of("data")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("regulator.journal.postgres.url")
        .hasMessageContaining("journal.store = h2");
  }

  @Test
  void anUnknownStoreIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> JournalSettings.from(regulator("regulator.journal.store = mysql"), Path.of("data")))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("expected h2 or postgres, got 'mysql'");
  }

  @Test
  void pekkoConfigPutsJournalSnapshotsAndQueriesOnOneSharedPool() {
    JournalSettings s = JournalSettings.from(regulator(""), Path.of("/tmp/x"));
    Config pekko = JournalConfig.pekkoConfig(s);

    assertThat(pekko.getString("pekko.persistence.journal.plugin")).isEqualTo("jdbc-journal");
    assertThat(pekko.getString("pekko.persistence.snapshot-store.plugin")).isEqualTo("jdbc-snapshot-store");
    assertThat(pekko.getString("jdbc-journal.use-shared-db")).isEqualTo("regulator");
    assertThat(pekko.getString("jdbc-snapshot-store.use-shared-db")).isEqualTo("regulator");
    assertThat(pekko.getString("jdbc-read-journal.use-shared-db")).isEqualTo("regulator");
    assertThat(pekko.getString("pekko-persistence-jdbc.shared-databases.regulator.db.url")).isEqualTo(s.url());
    assertThat(pekko.getInt("pekko-persistence-jdbc.shared-databases.regulator.db.maxConnections"))
        .isEqualTo(s.connections());
    assertThat(pekko.hasPath("db")).isFalse();
  }

  @Test
  void theSchemaScriptsAreMadeIdempotent() {
    assertThat(SchemaCreator.idempotent("CREATE UNIQUE INDEX \"event_journal_ordering_idx\" on PUBLIC.\"event_journal\""))
        .isEqualTo("CREATE UNIQUE INDEX IF NOT EXISTS \"event_journal_ordering_idx\" on PUBLIC.\"event_journal\"");
    assertThat(SchemaCreator.idempotent("CREATE INDEX CONCURRENTLY state_tag_idx on public.durable_state (tag)"))
        .isEqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS state_tag_idx on public.durable_state (tag)");
    assertThat(SchemaCreator.idempotent("CREATE INDEX IF NOT EXISTS \"x\" on t (c)"))
        .isEqualTo("CREATE INDEX IF NOT EXISTS \"x\" on t (c)");
    for (JournalSettings.Store store : JournalSettings.Store.values()) {
      assertThat(SchemaCreator.statements(store)).isNotEmpty().allSatisfy(sql -> assertThat(sql)
          .satisfiesAnyOf(x -> assertThat(x).containsIgnoringCase("IF NOT EXISTS"),
              x -> assertThat(x).doesNotStartWithIgnoringCase("CREATE")));
    }
  }
}
