package io.regulator.journal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;

/**
 * The journal on PostgreSQL, the server named by {@code REGULATOR_TEST_POSTGRES_URL} (e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/regulator_test}), {@code REGULATOR_TEST_POSTGRES_USER}
 * and {@code REGULATOR_TEST_POSTGRES_PASSWORD}. Skipped, with the reason, when they are not set.
 * Each test drops the journal's tables in that database first: give it a database of its own.
 */
class PostgresJournalTest extends JournalContract {

  private static final String URL = System.getenv("REGULATOR_TEST_POSTGRES_URL");

  @BeforeEach
  void requireServer() {
    assumeTrue(URL != null && !URL.isBlank(), "REGULATOR_TEST_POSTGRES_URL is not set: the PostgreSQL journal "
        + "tests need a server (e.g. jdbc:postgresql://127.0.0.1:5432/regulator_test, with "
        + "REGULATOR_TEST_POSTGRES_USER and REGULATOR_TEST_POSTGRES_PASSWORD)");
  }

  @Override
  protected JournalSettings emptyStore(String journalHocon) throws Exception {
    String user = System.getenv().getOrDefault("REGULATOR_TEST_POSTGRES_USER", "");
    String password = System.getenv().getOrDefault("REGULATOR_TEST_POSTGRES_PASSWORD", "");
    JournalSettings s = settings("store = postgres\npostgres { url = \"" + URL + "\", user = \"" + user
        + "\", password = \"" + password + "\" }\n" + journalHocon, Path.of("unused"));
    dropSchema(s);
    return s;
  }
}
