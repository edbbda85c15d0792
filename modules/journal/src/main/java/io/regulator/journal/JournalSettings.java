package io.regulator.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.regulator.core.spec.BackoffSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The journal's settings, read from {@code regulator.journal} (defaults in the reference.conf of
 * regulator-core and regulator-journal).
 *
 * @param store which database holds the journal
 * @param url its JDBC URL: for H2 a file under the data dir, for PostgreSQL {@code journal.postgres.url}
 * @param retention events older than this are purged (once a snapshot covers them)
 * @param purgeInterval how often the purge runs
 * @param snapshotEvery a snapshot of a component's history every this many events; bounds recovery time
 * @param bufferSize events held in memory while the store is slow or down; beyond it the oldest are dropped
 * @param maxBatch at most this many events of one component per write
 * @param writeParallelism at most this many writes in flight at once
 * @param writeTimeout a write not confirmed within this counts as failed and is retried
 * @param backoff delay between retries of a failed write ({@code resetAfter} is unused)
 * @param connections size of the connection pool
 * @param connectionTimeout how long a write waits for a connection before it fails
 */
public record JournalSettings(
    Store store,
    String url,
    String user,
    String password,
    Duration retention,
    Duration purgeInterval,
    int snapshotEvery,
    int bufferSize,
    int maxBatch,
    int writeParallelism,
    Duration writeTimeout,
    BackoffSpec backoff,
    int connections,
    Duration connectionTimeout) {

  /** The databases the journal runs on; both through pekko-persistence-jdbc. */
  public enum Store {
    H2("org.h2.Driver", "slick.jdbc.H2Profile$", "schema/h2/h2-create-schema.sql"),
    POSTGRES("org.postgresql.Driver", "slick.jdbc.PostgresProfile$", "schema/postgres/postgres-create-schema.sql");

    final String driver;
    final String slickProfile;
    /** The plugin's own DDL, inside the pekko-persistence-jdbc jar. */
    final String ddlResource;

    Store(String driver, String slickProfile, String ddlResource) {
      this.driver = driver;
      this.slickProfile = slickProfile;
      this.ddlResource = ddlResource;
    }

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where the H2 journal lives, relative to the data dir ({@code .mv.db} is appended by H2). */
  public static final String H2_FILE = "journal/regulator";

  /** H2's administrator of a database it creates; the file is private to Regulator's data dir. */
  private static final String H2_USER = "sa";

  public JournalSettings {
    if (snapshotEvery < 1 || bufferSize < 1 || maxBatch < 1 || writeParallelism < 1 || connections < 1) {
      throw new IllegalArgumentException("journal: snapshot-every, buffer-size, writer.max-batch, "
          + "writer.parallelism and pool.connections must be at least 1");
    }
  }

  /**
   * Reads {@code journal} of the {@code regulator} config subtree.
   *
   * @param regulator the {@code regulator { ... }} subtree, merged over the reference config
   * @param dataDir the resolved data dir; the H2 file lives under it
   * @throws ConfigException with the key and what to do when a value cannot be used
   */
  public static JournalSettings from(Config regulator, Path dataDir) {
    Config j = regulator.getConfig("journal");
    Store store = store(j);
    String url;
    String user;
    String password;
    if (store == Store.H2) {
      url = h2Url(dataDir);
      user = H2_USER;
      password = "";
    } else {
      url = j.getString("postgres.url");
      user = j.getString("postgres.user");
      password = j.getString("postgres.password");
      if (url.isBlank()) {
        throw new ConfigException.BadValue(j.origin(), "regulator.journal.postgres.url",
            "journal.store = postgres needs journal.postgres.url (e.g. jdbc:postgresql://127.0.0.1:5432/regulator); "
                + "set it, or use journal.store = h2");
      }
      if (!url.startsWith("jdbc:postgresql:")) {
        throw new ConfigException.BadValue(j.getValue("postgres.url").origin(), "regulator.journal.postgres.url",
            "expected a PostgreSQL JDBC URL such as jdbc:postgresql://127.0.0.1:5432/regulator, got '" + url + "'");
      }
    }
    Config w = j.getConfig("writer");
    BackoffSpec backoff = new BackoffSpec(w.getDuration("backoff.min"), w.getDuration("backoff.max"),
        w.getDouble("backoff.random-factor"), Duration.ZERO);
    return new JournalSettings(store, url, user, password, j.getDuration("retention"),
        j.getDuration("purge-interval"), j.getInt("snapshot-every"), j.getInt("buffer-size"),
        w.getInt("max-batch"), w.getInt("parallelism"), w.getDuration("timeout"), backoff, j.getInt("pool.connections"),
        j.getDuration("pool.connection-timeout"));
  }

  /**
   * The H2 file under the data dir. {@code AUTO_SERVER} lets a second process (the CLI) open it
   * while the service runs; {@code DATABASE_TO_UPPER=false} keeps the plugin's lowercase names;
   * {@code MAX_LENGTH_INPLACE_LOB} keeps payloads (a few hundred bytes of JSON) in the row rather
   * than as separate LOBs, which writes and replays them about a third faster.
   */
  public static String h2Url(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve(H2_FILE);
    return "jdbc:h2:file:" + file + ";DATABASE_TO_UPPER=false;AUTO_SERVER=TRUE;MAX_LENGTH_INPLACE_LOB=4096;WRITE_DELAY=0";
  }

  /** The same settings on another database of the same kind (tests, tools). */
  public JournalSettings withDatabase(String newUrl, String newUser, String newPassword) {
    return new JournalSettings(store, newUrl, newUser, newPassword, retention, purgeInterval, snapshotEvery,
        bufferSize, maxBatch, writeParallelism, writeTimeout, backoff, connections, connectionTimeout);
  }

  /** The URL without a password or other parameters, for messages and logs. */
  public String shownUrl() {
    int semicolon = url.indexOf(';');
    int question = url.indexOf('?');
    int cut = semicolon >= 0 ? semicolon : question >= 0 ? question : url.length();
    return url.substring(0, cut);
  }

  private static Store store(Config j) {
    String name = j.getString("store");
    for (Store s : Store.values()) {
      if (s.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new ConfigException.BadValue(j.getValue("store").origin(), "regulator.journal.store",
        "expected h2 or postgres, got '" + name + "'");
  }
}
