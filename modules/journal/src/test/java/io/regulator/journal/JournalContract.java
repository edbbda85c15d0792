package io.regulator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.CircuitState;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.write.HistoryState;
import io.regulator.journal.write.JournalWriter;
import io.regulator.journal.write.Retention;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The journal's behaviour on a real store. Every store runs the same tests: {@link H2JournalTest}
 * (a file in a temp dir) and {@link PostgresJournalTest} (the server named by the environment).
 */
@ExtendWith(LogCapturingExtension.class)
abstract class JournalContract {

  static final String NODE = "test-node";
  static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

  /** Settings on an empty store (no tables); {@code journalHocon} overrides keys of {@code regulator.journal}. */
  protected abstract JournalSettings emptyStore(String journalHocon) throws Exception;

  private final List<ActorTestKit> systems = new ArrayList<>();
  /** What the writers published on the "bus" (journal degraded / recovered). */
  protected final List<HealthEvent> published = new CopyOnWriteArrayList<>();

  /** Settings from the reference config with the data dir and the overrides given. */
  static JournalSettings settings(String journalHocon, Path dataDir) {
    Config regulator = ConfigFactory.parseString("regulator.journal {\n" + journalHocon + "\n}")
        .withFallback(ConfigFactory.defaultReference()).resolve().getConfig("regulator");
    return JournalSettings.from(regulator, dataDir);
  }

  @AfterEach
  void stopSystems() {
    new ArrayList<>(systems).forEach(this::stop);
  }

  /** An actor system on the store, as the app starts one: the journal's Pekko config over the application's. */
  protected ActorTestKit startSystem(JournalSettings s) {
    ActorTestKit kit = ActorTestKit.create("journal", JournalConfig.pekkoConfig(s).withFallback(ConfigFactory.load()));
    systems.add(kit);
    return kit;
  }

  protected void stop(ActorTestKit kit) {
    systems.remove(kit);
    kit.shutdownTestKit();
  }

  protected ActorRef<JournalWriter.Command> writer(ActorTestKit kit, JournalSettings s) {
    return kit.spawn(Journal.writer(s, NODE, published::add), "journal");
  }

  static void record(ActorRef<JournalWriter.Command> writer, List<? extends HealthEvent> events) {
    events.forEach(e -> writer.tell(new JournalWriter.Record(e)));
  }

  static void flush(ActorTestKit kit, ActorRef<JournalWriter.Command> writer) {
    TestProbe<Done> probe = kit.createTestProbe();
    writer.tell(new JournalWriter.Flush(probe.ref()));
    probe.expectMessage(Duration.ofSeconds(20), Done.getInstance());
  }

  static HistoryState history(ActorTestKit kit, ActorRef<JournalWriter.Command> writer, String component)
      throws Exception {
    return Journal.history(writer, component, Duration.ofSeconds(20), kit.scheduler()).toCompletableFuture()
        .get(25, TimeUnit.SECONDS);
  }

  static JdbcReadJournal readJournal(ActorSystem<?> system) {
    return PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  static List<EventEnvelope> byTag(ActorSystem<?> system) throws Exception {
    return readJournal(system).currentEventsByTag(PersistenceIds.TAG, Offset.noOffset())
        .runWith(Sink.seq(), system).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static List<EventEnvelope> byPersistenceId(ActorSystem<?> system, String persistenceId) throws Exception {
    return readJournal(system).currentEventsByPersistenceId(persistenceId, 0, Long.MAX_VALUE)
        .runWith(Sink.seq(), system).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static HealthEvent health(EventEnvelope envelope) {
    return ((StoredEvent) envelope.event()).toHealthEvent();
  }

  static long count(JournalSettings s, String sql, Object... args) throws SQLException {
    try (Connection c = SchemaCreator.connect(s); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static int update(JournalSettings s, String sql, Object... args) throws SQLException {
    try (Connection c = SchemaCreator.connect(s); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        st.setObject(i + 1, args[i]);
      }
      return st.executeUpdate();
    }
  }

  /** One event of every kind, for a component, a group and Regulator itself. */
  static List<HealthEvent> everyKind() {
    Cause killed = new Cause(CauseCategory.SIGNAL, "killed by SIGKILL", "see the last lines of logs/runner.log");
    return List.of(
        new HealthEvent.RegulatorLifecycle(T0, NODE, HealthEvent.SYSTEM, "started", Optional.of("conf/regulator.conf")),
        new HealthEvent.OrphanHandled(T0.plusMillis(1), NODE, "runner", 4711, true, "adopted pid 4711"),
        new HealthEvent.StateChanged(T0.plusMillis(2), NODE, "runner", ComponentState.STOPPED,
            ComponentState.STARTING, Cause.requested("start")),
        new HealthEvent.ProcessStarted(T0.plusMillis(3), NODE, "runner", 4712, 123_456_789L, "python3 runner.py"),
        new HealthEvent.ProbeChanged(T0.plusMillis(4), NODE, "runner", "readiness", "http", true, 12, null, "200 OK"),
        new HealthEvent.ProbeChanged(T0.plusMillis(5), NODE, "runner", "liveness", "http", false, 1000,
            new Cause(CauseCategory.PROBE_TIMEOUT, "no answer within 1s", "check that runner listens on 5051"),
            "timeout"),
        new HealthEvent.ProcessExited(T0.plusMillis(6), NODE, "runner", 4712, ExitStatus.signal("KILL"), killed, 5000,
            987_654_321L),
        new HealthEvent.RestartScheduled(T0.plusMillis(7), NODE, "runner", 2, 400),
        new HealthEvent.CircuitChanged(T0.plusMillis(8), NODE, "runner", CircuitState.CLOSED, CircuitState.OPEN,
            300_000, Cause.of(CauseCategory.INTENSITY_EXCEEDED, "more than 5 restarts within 1m")),
        new HealthEvent.GroupEscalated(T0.plusMillis(9), NODE, "edge", "runner", 11, 60_000),
        new HealthEvent.SystemCritical(T0.plusMillis(10), NODE, HealthEvent.SYSTEM, "group edge escalated"),
        new HealthEvent.ProcessExited(T0.plusMillis(11), NODE, "runner", 4713, ExitStatus.code(3),
            Cause.of(CauseCategory.EXIT_CODE, "exited with code 3"), 100, 987_654_999L),
        new HealthEvent.Audit(T0.plusMillis(11), NODE, "runner", "admin@127.0.0.1",
            "POST /api/v1/components/runner/restart", "200 restarted"),
        new HealthEvent.RegulatorLifecycle(T0.plusMillis(12), NODE, HealthEvent.SYSTEM, "stopped", Optional.empty()));
  }

  static HealthEvent.RestartScheduled restart(String component, int attempt) {
    return new HealthEvent.RestartScheduled(T0.plusSeconds(attempt), NODE, component, attempt, 100);
  }

  static List<HealthEvent> restarts(String component, int n) {
    List<HealthEvent> events = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      events.add(restart(component, i));
    }
    return events;
  }

  // ---- the tests -------------------------------------------------------------------------------

  @Test
  void schemaCreationIsIdempotentAndFinishesAHalfDoneJob() throws Exception {
    JournalSettings s = emptyStore("");
    // a start that died after the first table and its index
    try (Connection c = SchemaCreator.connect(s); Statement st = c.createStatement()) {
      for (String sql : SchemaCreator.statements(s.store()).subList(0, 2)) {
        st.execute(sql);
      }
      assertThat(SchemaCreator.missingTables(c)).doesNotContain("event_journal").contains("snapshot");
    }

    assertThat(SchemaCreator.ensure(s)).isTrue();
    assertThat(SchemaCreator.ensure(s)).isFalse();
    Journal.prepare(s);
    try (Connection c = SchemaCreator.connect(s)) {
      assertThat(SchemaCreator.missingTables(c)).isEmpty();
    }
    assertThat(count(s, "SELECT COUNT(*) FROM event_journal")).isZero();
  }

  @Test
  void everyKindOfHealthEventRoundTripsThroughTheStore() throws Exception {
    JournalSettings s = emptyStore("");
    ActorTestKit kit = startSystem(s);
    ActorRef<JournalWriter.Command> writer = writer(kit, s);
    List<HealthEvent> events = everyKind();
    assertThat(events.stream().map(Object::getClass).distinct())
        .containsExactlyInAnyOrder(HealthEvent.class.getPermittedSubclasses());

    record(writer, events);
    flush(kit, writer);

    List<EventEnvelope> tagged = byTag(kit.system());
    assertThat(tagged).hasSize(events.size());
    assertThat(tagged.stream().map(JournalContract::health)).containsExactlyInAnyOrderElementsOf(events);
    for (EventEnvelope e : tagged) {
      assertThat(e.persistenceId()).isEqualTo(PersistenceIds.of(health(e).component()));
    }
    // within one persistence id, the order they were recorded in
    Map<String, List<HealthEvent>> byComponent = events.stream()
        .collect(Collectors.groupingBy(e -> PersistenceIds.of(e.component())));
    assertThat(byComponent.keySet()).containsExactlyInAnyOrder("system", "component|runner", "component|edge");
    for (var entry : byComponent.entrySet()) {
      assertThat(byPersistenceId(kit.system(), entry.getKey()).stream().map(JournalContract::health))
          .containsExactlyElementsOf(entry.getValue());
    }
    assertThat(count(s, "SELECT COUNT(*) FROM event_tag WHERE tag = ?", PersistenceIds.TAG)).isEqualTo(events.size());
  }

  @Test
  void aSecondActorSystemOnTheSameStoreSeesTheSameHistory() throws Exception {
    JournalSettings s = emptyStore("");
    Cause crashed = Cause.of(CauseCategory.EXIT_CODE, "exited with code 3");
    List<HealthEvent> run = List.of(
        new HealthEvent.RegulatorLifecycle(T0, NODE, HealthEvent.SYSTEM, "started", Optional.empty()),
        new HealthEvent.StateChanged(T0, NODE, "runner", ComponentState.STOPPED, ComponentState.STARTING,
            Cause.requested("start")),
        new HealthEvent.StateChanged(T0.plusSeconds(1), NODE, "runner", ComponentState.STARTING,
            ComponentState.RUNNING, Cause.progress("spawned")),
        new HealthEvent.StateChanged(T0.plusSeconds(2), NODE, "runner", ComponentState.RUNNING,
            ComponentState.READY, Cause.progress("ready")),
        new HealthEvent.ProcessExited(T0.plusSeconds(61), NODE, "runner", 99, ExitStatus.code(3), crashed, 60_000, 0),
        new HealthEvent.RestartScheduled(T0.plusSeconds(61), NODE, "runner", 1, 2000),
        new HealthEvent.StateChanged(T0.plusSeconds(61), NODE, "runner", ComponentState.READY,
            ComponentState.BACKOFF, crashed));

    ActorTestKit first = startSystem(s);
    ActorRef<JournalWriter.Command> firstWriter = writer(first, s);
    record(firstWriter, run);
    flush(first, firstWriter);
    HistoryState before = history(first, firstWriter, "runner");
    stop(first);

    ActorTestKit second = startSystem(s);
    ActorRef<JournalWriter.Command> secondWriter = writer(second, s);
    HistoryState after = history(second, secondWriter, "runner");

    assertThat(after).isEqualTo(before);
    assertThat(after.restarts()).isEqualTo(1);
    assertThat(after.failures()).isEqualTo(1);
    assertThat(after.upMillis()).isEqualTo(60_000);
    assertThat(after.lastExit().code()).isEqualTo(3);
    assertThat(after.openIncident()).isEqualTo(new HistoryState.Incident(T0.plusSeconds(61), "EXIT_CODE",
        "exited with code 3"));
    assertThat(after.observedState()).contains(ComponentState.BACKOFF);
    assertThat(history(second, secondWriter, "system").events()).isEqualTo(1);
  }

  @Test
  void whatIsBufferedWhenRegulatorStopsIsWrittenFirst() throws Exception {
    JournalSettings s = emptyStore("");
    ActorTestKit first = startSystem(s);
    ActorRef<JournalWriter.Command> writer = writer(first, s);
    record(writer, restarts("web", 500));
    TestProbe<JournalWriter.Status> status = first.createTestProbe();
    writer.tell(new JournalWriter.GetStatus(status.ref())); // it runs (as it would long before a stop)
    status.receiveMessage();
    stop(first); // no flush: coordinated shutdown drains the writer

    ActorTestKit second = startSystem(s);
    assertThat(history(second, writer(second, s), "web").restarts()).isEqualTo(500);
  }

  @Test
  void snapshotsBoundRecovery() throws Exception {
    JournalSettings s = emptyStore("snapshot-every = 5");
    ActorTestKit first = startSystem(s);
    ActorRef<JournalWriter.Command> writer = writer(first, s);
    record(writer, restarts("web", 23));
    flush(first, writer);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        count(s, "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = ?", "component|web")
            >= 20);
    HistoryState before = history(first, writer, "web");
    stop(first);

    // recovery must not need the events a snapshot covers: remove them
    long covered = count(s, "SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = ?", "component|web");
    update(s, "DELETE FROM event_tag WHERE event_id IN (SELECT ordering FROM event_journal "
        + "WHERE persistence_id = ? AND sequence_number <= ?)", "component|web", covered);
    update(s, "DELETE FROM event_journal WHERE persistence_id = ? AND sequence_number <= ?", "component|web", covered);
    assertThat(count(s, "SELECT COUNT(*) FROM event_journal")).isEqualTo(23 - covered);
    assertThat(count(s, "SELECT COUNT(*) FROM snapshot WHERE persistence_id = ?", "component|web"))
        .isBetween(1L, 2L); // two are kept

    ActorTestKit second = startSystem(s);
    HistoryState after = history(second, writer(second, s), "web");
    assertThat(after).isEqualTo(before);
    assertThat(after.restarts()).isEqualTo(23);
    assertThat(after.events()).isEqualTo(23);
  }

  @Test
  void retentionPurgesOldEventsThatASnapshotCoversAndHistoryGoesOn() throws Exception {
    JournalSettings s = emptyStore("snapshot-every = 5, retention = 30d");
    ActorTestKit first = startSystem(s);
    ActorRef<JournalWriter.Command> writer = writer(first, s);
    record(writer, restarts("old", 10));
    record(writer, restarts("quiet", 3)); // no snapshot covers these yet
    flush(first, writer);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        count(s, "SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = ?", "component|old")
            == 10);
    stop(first);
    Instant now = Instant.now();
    update(s, "UPDATE event_journal SET write_timestamp = ?", now.minus(Duration.ofDays(40)).toEpochMilli());

    Retention.Result purged = Retention.purge(s, Retention.cutoff(now, s.retention()));

    assertThat(purged.events()).isEqualTo(10);
    assertThat(count(s, "SELECT COUNT(*) FROM event_journal WHERE persistence_id = ?", "component|old")).isZero();
    assertThat(count(s, "SELECT COUNT(*) FROM event_journal WHERE persistence_id = ?", "component|quiet"))
        .isEqualTo(3);
    assertThat(count(s, "SELECT COUNT(*) FROM event_tag")).isEqualTo(3);
    assertThat(Retention.purge(s, Retention.cutoff(now, s.retention())).events()).isZero();

    // the counters keep what the purged events said, and the history goes on from there
    ActorTestKit second = startSystem(s);
    ActorRef<JournalWriter.Command> secondWriter = writer(second, s);
    assertThat(history(second, secondWriter, "old").restarts()).isEqualTo(10);
    record(secondWriter, List.of(restart("old", 11)));
    flush(second, secondWriter);
    assertThat(byPersistenceId(second.system(), "component|old")).singleElement()
        .satisfies(e -> assertThat(e.sequenceNr()).isEqualTo(11));
    stop(second);

    ActorTestKit third = startSystem(s);
    HistoryState old = history(third, writer(third, s), "old");
    assertThat(old.restarts()).isEqualTo(11);
    assertThat(old.events()).isEqualTo(11);
  }

  @Test
  void eventsWrittenByVersion1StillRead() throws Exception {
    JournalSettings s = emptyStore("");
    SchemaCreator.ensure(s);
    ActorTestKit kit = startSystem(s);
    insertFixture(kit.system(), s, "component|legacy", 1, "fixtures/v1-process-exited.json");
    insertFixture(kit.system(), s, "component|legacy", 2, "fixtures/v1-state-changed.json");

    List<HealthEvent> read = byPersistenceId(kit.system(), "component|legacy").stream()
        .map(JournalContract::health).toList();
    Cause crashed = Cause.of(CauseCategory.EXIT_CODE, "exited with code 3");
    assertThat(read).containsExactly(
        new HealthEvent.ProcessExited(Instant.parse("2024-06-01T10:15:30.123Z"), null, "legacy", 4242,
            ExitStatus.code(3), crashed, 61_000, 0),
        new HealthEvent.StateChanged(Instant.parse("2024-06-01T10:15:30.200Z"), "old-box", "legacy",
            ComponentState.READY, ComponentState.BACKOFF, crashed));

    ActorRef<JournalWriter.Command> writer = writer(kit, s);
    HistoryState legacy = history(kit, writer, "legacy");
    assertThat(legacy.failures()).isEqualTo(1);
    assertThat(legacy.lastExit().code()).isEqualTo(3);
    assertThat(legacy.lastExit().uptimeMillis()).isEqualTo(61_000);
    assertThat(legacy.openIncident().since()).isEqualTo(Instant.parse("2024-06-01T10:15:30.123Z"));
    assertThat(legacy.observedState()).contains(ComponentState.BACKOFF);

    // and the history goes on after them
    record(writer, List.of(restart("legacy", 1)));
    flush(kit, writer);
    assertThat(byPersistenceId(kit.system(), "component|legacy")).hasSize(3);
    assertThat(byTag(kit.system())).hasSize(3);
  }

  /** Writes a stored payload as an earlier version would have: same serializer, same manifest. */
  static void insertFixture(ActorSystem<?> system, JournalSettings s, String persistenceId, long sequenceNr,
      String resource) throws Exception {
    byte[] json;
    try (InputStream in = JournalContract.class.getClassLoader().getResourceAsStream(resource)) {
      json = in.readAllBytes();
    }
    StoredEvent sample = StoredEvent.of(restart("x", 1));
    Serialization serialization = SerializationExtension.get(system);
    Serializer serializer = serialization.findSerializerFor(sample);
    String manifest = Serializers.manifestFor(serializer, sample);
    assertThat(serializer.getClass().getSimpleName()).isEqualTo("JacksonJsonSerializer");
    assertThat(manifest).isEqualTo(StoredEvent.class.getName());
    try (Connection c = SchemaCreator.connect(s)) {
      try (PreparedStatement st = c.prepareStatement("INSERT INTO event_journal (persistence_id, sequence_number, "
          + "deleted, writer, write_timestamp, adapter_manifest, event_payload, event_ser_id, event_ser_manifest) "
          + "VALUES (?, ?, FALSE, 'regulator-0.0.1', ?, '', ?, ?, ?)")) {
        st.setString(1, persistenceId);
        st.setLong(2, sequenceNr);
        st.setLong(3, Instant.now().toEpochMilli());
        st.setBytes(4, json);
        st.setInt(5, serializer.identifier());
        st.setString(6, manifest);
        st.executeUpdate();
      }
      long ordering;
      try (PreparedStatement st = c.prepareStatement(
          "SELECT ordering FROM event_journal WHERE persistence_id = ? AND sequence_number = ?")) {
        st.setString(1, persistenceId);
        st.setLong(2, sequenceNr);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          ordering = rs.getLong(1);
        }
      }
      try (PreparedStatement st = c.prepareStatement("INSERT INTO event_tag (event_id, tag) VALUES (?, ?)")) {
        st.setLong(1, ordering);
        st.setString(2, PersistenceIds.TAG);
        st.executeUpdate();
      }
    }
  }

  /** Drops the plugin's tables: the next test starts from an empty store. */
  static void dropSchema(JournalSettings s) throws SQLException {
    try (Connection c = SchemaCreator.connect(s); Statement st = c.createStatement()) {
      for (String table : Arrays.asList("event_tag", "event_journal", "snapshot", "durable_state")) {
        st.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
      }
      st.execute("DROP SEQUENCE IF EXISTS global_offset_seq");
    }
  }
}
