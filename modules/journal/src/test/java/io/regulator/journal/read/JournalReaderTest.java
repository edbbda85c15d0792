package io.regulator.journal.read;

import static io.regulator.journal.read.Script.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.JournalConfig;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.SchemaCreator;
import io.regulator.journal.StoredEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against the real JDBC journal on an H2 file, with events written the way the write
 * side writes them: {@link StoredEvent}s of the entities {@code component|<name>} and
 * {@code system}, tagged {@code health}. (Its own small entity, so these tests depend on the
 * stored shape only, not on the writer's batching and retries.)
 */
@ExtendWith(LogCapturingExtension.class)
class JournalReaderTest {

  @TempDir Path dataDir;
  private ActorTestKit kit;
  private JournalReader reader;

  private final List<HealthEvent> cascade = new Script().lifecycle(0, "started")
      .up(0, 1, "db").up(1, 2, "app")
      .killed(100, "db")
      .knockedDown(100.01, "app", "db")
      .restart(100.2, 101, "db")
      .restart(101.01, 102.5, "app")
      .events();

  @BeforeEach
  void journal() throws Exception {
    Config app = ConfigFactory.load();
    JournalSettings settings = JournalSettings.from(app.getConfig("regulator"), dataDir);
    SchemaCreator.ensure(settings);
    kit = ActorTestKit.create("reader", JournalConfig.pekkoConfig(settings).withFallback(app));
    reader = new JournalReader(kit.system(), settings);
  }

  @AfterEach
  void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void readsEverythingBackInTimeOrder() throws Exception {
    write(cascade);

    List<HealthEvent> all = reader.events(EventFilter.all()).toCompletableFuture().get(10, TimeUnit.SECONDS);

    // compared as the journal stores them: the reader must add or lose nothing on top of StoredEvent
    assertThat(all).containsExactlyElementsOf(TimeOrder.of(stored(cascade)));
  }

  @Test
  void filtersByComponentKindWindowAndLimit() throws Exception {
    write(cascade);

    List<HealthEvent> db = read(EventFilter.all().component("db"));
    assertThat(db).isNotEmpty().allSatisfy(e -> assertThat(e.component()).isEqualTo("db"))
        .containsExactlyElementsOf(stored(cascade.stream().filter(e -> e.component().equals("db")).toList()));

    List<HealthEvent> system = read(EventFilter.all().component(HealthEvent.SYSTEM));
    assertThat(system).singleElement().isInstanceOf(HealthEvent.RegulatorLifecycle.class);

    List<HealthEvent> failures = read(EventFilter.all().since(at(50)).kinds("failure"));
    assertThat(failures).extracting(HealthEvent::component).containsExactly("db", "db", "app");

    List<HealthEvent> lastStates = read(EventFilter.all().component("app").kinds("state").until(at(102)).limit(2));
    assertThat(lastStates).extracting(e -> ((HealthEvent.StateChanged) e).to().name())
        .containsExactly("STARTING", "RUNNING");
  }

  @Test
  void anEmptyJournalReadsAsNoEvents() throws Exception {
    assertThat(read(EventFilter.all())).isEmpty();
    assertThat(read(EventFilter.all().component("nobody"))).isEmpty();
  }

  @Test
  void followGivesTheEventsSoFarThenNewOnesAsTheyAreWritten() throws Exception {
    List<HealthEvent> before = cascade.subList(0, 5);
    List<HealthEvent> after = cascade.subList(5, cascade.size());
    write(before);
    TestProbe<HealthEvent> seen = kit.createTestProbe();
    UniqueKillSwitch stop = reader.follow(EventFilter.all().component("db"))
        .viaMat(KillSwitches.single(), Keep.right())
        .to(Sink.foreach(seen.ref()::tell)).run(kit.system());
    try {
      for (HealthEvent e : before.stream().filter(e -> e.component().equals("db")).toList()) {
        assertThat(seen.receiveMessage(Duration.ofSeconds(10))).isEqualTo(e);
      }
      write(after);
      for (HealthEvent e : after.stream().filter(e -> e.component().equals("db")).toList()) {
        assertThat(seen.receiveMessage(Duration.ofSeconds(10))).isEqualTo(e);
      }
      seen.expectNoMessage(Duration.ofMillis(300));
    } finally {
      stop.shutdown();
    }
  }

  private static List<HealthEvent> stored(List<HealthEvent> events) {
    return events.stream().map(e -> StoredEvent.of(e).toHealthEvent()).toList();
  }

  private List<HealthEvent> read(EventFilter filter) throws Exception {
    return reader.events(filter).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** One entity per component, events in order (each confirmed before the next). */
  private void write(List<HealthEvent> events) {
    TestProbe<Done> done = kit.createTestProbe();
    Map<String, ActorRef<Write>> writers = new HashMap<>();
    for (HealthEvent e : events) {
      ActorRef<Write> writer = writers.computeIfAbsent(e.component(),
          c -> kit.spawn(Entity.create(PersistenceIds.of(c))));
      writer.tell(new Write(StoredEvent.of(e), done.ref()));
      done.expectMessage(Duration.ofSeconds(10), Done.getInstance());
    }
    writers.values().forEach(kit::stop);
  }

  record Write(StoredEvent event, ActorRef<Done> replyTo) {}

  /** Persists what it is told, tagged as the write side tags it. */
  static final class Entity extends EventSourcedBehavior<Write, StoredEvent, Integer> {

    static Behavior<Write> create(String persistenceId) {
      return new Entity(persistenceId);
    }

    private Entity(String persistenceId) {
      super(PersistenceId.ofUniqueId(persistenceId));
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<Write, StoredEvent, Integer> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onCommand(Write.class,
          w -> Effect().persist(w.event()).thenRun(s -> w.replyTo().tell(Done.getInstance()))).build();
    }

    @Override
    public EventHandler<Integer, StoredEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState().onAnyEvent((count, e) -> count + 1);
    }

    @Override
    public Set<String> tagsFor(StoredEvent event) {
      return Set.of(PersistenceIds.TAG);
    }
  }
}
