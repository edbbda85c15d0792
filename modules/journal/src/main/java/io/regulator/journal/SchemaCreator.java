package io.regulator.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates the journal's tables when they are missing, from pekko-persistence-jdbc's own DDL
 * (the plugin does not create them). Safe to run at every start and from several processes: when
 * the tables exist nothing is executed, and every statement is made idempotent
 * ({@code CREATE INDEX} gains {@code IF NOT EXISTS}, which the shipped H2 and PostgreSQL scripts
 * lack), so a start interrupted half-way finishes the job the next time.
 */
public final class SchemaCreator {

  /** The plugin's tables; the schema counts as there when all of them are. */
  static final List<String> TABLES = List.of("event_journal", "event_tag", "snapshot", "durable_state");

  private static final Pattern CREATE_INDEX =
      Pattern.compile("^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?!IF\\s+NOT\\s+EXISTS)",
          Pattern.CASE_INSENSITIVE);

  private SchemaCreator() {}

  /**
   * Makes sure the schema exists; blocks for the round trips (run it before the actor system uses
   * the store, or off actor threads).
   *
   * @return true when statements were executed, false when the schema was already there
   * @throws SQLException with the store's URL when the store cannot be reached or refuses the DDL
   */
  public static boolean ensure(JournalSettings settings) throws SQLException {
    if (settings.store() == JournalSettings.Store.H2) {
      createH2Directory(settings.url());
    }
    try (Connection c = connect(settings)) {
      if (missingTables(c).isEmpty()) {
        return false;
      }
      c.setAutoCommit(true); // PostgreSQL's CREATE INDEX CONCURRENTLY refuses to run in a transaction
      for (String sql : statements(settings.store())) {
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        } catch (SQLException e) {
          throw new SQLException("creating the journal schema in " + settings.shownUrl() + " failed at \""
              + firstLine(sql) + "\": " + e.getMessage() + "; check that user '" + settings.user()
              + "' may create tables there", e.getSQLState(), e);
        }
      }
      return true;
    }
  }

  /** A plain JDBC connection to the journal's store (schema, retention; not the plugin's pool). */
  public static Connection connect(JournalSettings settings) throws SQLException {
    try {
      return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
    } catch (SQLException e) {
      throw new SQLException("cannot connect to the journal store " + settings.shownUrl() + " as '" + settings.user()
          + "': " + e.getMessage(), e.getSQLState(), e);
    }
  }

  /** The plugin's tables that are not in the database. */
  static List<String> missingTables(Connection c) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    List<String> missing = new ArrayList<>();
    for (String table : TABLES) {
      if (!exists(meta, table)) {
        missing.add(table);
      }
    }
    return missing;
  }

  private static boolean exists(DatabaseMetaData meta, String table) throws SQLException {
    // lowercase is how both stores keep these names here (H2 with DATABASE_TO_UPPER=false)
    // the plugin's scripts create them in the public schema: H2 spells it PUBLIC, PostgreSQL public
    for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
      try (ResultSet rs = meta.getTables(null, "public", name, null);
          ResultSet upper = meta.getTables(null, "PUBLIC", name, null)) {
        if (rs.next() || upper.next()) {
          return true;
        }
      }
    }
    return false;
  }

  /** The plugin's DDL for the store, one idempotent statement per element. */
  static List<String> statements(JournalSettings.Store store) {
    String script;
    try (InputStream in = SchemaCreator.class.getClassLoader().getResourceAsStream(store.ddlResource)) {
      if (in == null) {
        throw new IllegalStateException(store.ddlResource + " is not on the classpath: is pekko-persistence-jdbc "
            + "missing from lib/?");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + store.ddlResource + ": " + e.getMessage(), e);
    }
    List<String> result = new ArrayList<>();
    for (String raw : script.split(";")) {
      String sql = withoutComments(raw).trim();
      if (!sql.isEmpty()) {
        result.add(idempotent(sql));
      }
    }
    return result;
  }

  /** {@code CREATE [UNIQUE] INDEX [CONCURRENTLY] name} → the same with {@code IF NOT EXISTS}. */
  static String idempotent(String sql) {
    Matcher m = CREATE_INDEX.matcher(sql);
    if (!m.find()) {
      return sql;
    }
    return m.replaceFirst(Matcher.quoteReplacement(m.group(0) + "IF NOT EXISTS "));
  }

  private static String withoutComments(String sql) {
    StringBuilder b = new StringBuilder();
    for (String line : sql.split("\n")) {
      String t = line.strip();
      if (!t.startsWith("--") && !t.startsWith("//")) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  private static String firstLine(String sql) {
    int nl = sql.indexOf('\n');
    return nl < 0 ? sql : sql.substring(0, nl);
  }

  private static void createH2Directory(String url) throws SQLException {
    String prefix = "jdbc:h2:file:";
    if (!url.startsWith(prefix)) {
      return; // a server or in-memory database: nothing on our disk
    }
    int end = url.indexOf(';');
    Path file = Path.of(url.substring(prefix.length(), end < 0 ? url.length() : end));
    Path dir = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SQLException("cannot create the journal directory " + dir + ": " + e.getMessage()
          + "; check the permissions of the data dir", e);
    }
  }
}
