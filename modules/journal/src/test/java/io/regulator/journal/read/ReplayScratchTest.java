package io.regulator.journal.read;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.graph.DependencyGraph;
import io.regulator.journal.JournalConfig;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.SchemaCreator;
import io.regulator.journal.StoredEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.junit.jupiter.api.Test;

class ReplayScratchTest {

  @Test
  void measure() throws Exception {
    Path dataDir = Path.of("/tmp/replay-scratch");
    Config app = ConfigFactory.load();
    JournalSettings settings = JournalSettings.from(app.getConfig("regulator"), dataDir);
    boolean fresh = SchemaCreator.ensure(settings);
    ActorTestKit kit = ActorTestKit.create("scratch", ConfigFactory.parseString(System.getProperty("overlay", "")).withFallback(JournalConfig.pekkoConfig(settings)).withFallback(app));
    if (fresh) {
      long t0 = System.nanoTime();
      TestProbe<Done> done = kit.createTestProbe();
      Instant base = Instant.parse("2024-01-01T00:00:00Z");
      for (int c = 0; c < 20; c++) {
        Script s = new Script();
        String name = "c" + c;
        double t = c;
        s.up(t, t + 1, name);
        while (s.events().size() < 5000) {
          t += 60;
          s.crash(t, name, 1).restart(t + 0.2, t + 1, name);
        }
        List<StoredEvent> stored = s.events().subList(0, 5000).stream().map(StoredEvent::of).toList();
        ActorRef<List<StoredEvent>> e = kit.spawn(Entity.create(PersistenceIds.of(name), done.ref()));
        for (int i = 0; i < stored.size(); i += 1000) {
          e.tell(stored.subList(i, i + 1000));
          done.expectMessage(Duration.ofSeconds(60), Done.getInstance());
        }
      }
      System.out.println("wrote 100k in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
    JournalReader reader = new JournalReader(kit.system());
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      List<HealthEvent> all = reader.events(EventFilter.all()).toCompletableFuture().get(60, TimeUnit.SECONDS);
      long t1 = System.nanoTime();
      List<Incident> incidents = Incidents.of(all, new DependencyGraph(Map.of()));
      long t2 = System.nanoTime();
      Report r = Report.of(all, all.get(0).time(), Instant.now());
      long t3 = System.nanoTime();
      String text = EventsView.render(all, OutputFormat.TEXT);
      long t4 = System.nanoTime();
      System.out.printf("replay %d events %d ms, incidents %d in %d ms, report %d ms, text %d ms (%d chars)%n",
          all.size(), (t1 - t0) / 1_000_000, incidents.size(), (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000,
          (t4 - t3) / 1_000_000, text.length());
    }
    for (int round = 0; round < 3; round++) {
      long a = System.nanoTime();
      int n = 0;
      for (int c = 0; c < 20; c++) {
        n += reader.events(EventFilter.all().component("c" + c)).toCompletableFuture().get(60, TimeUnit.SECONDS).size();
      }
      System.out.printf("per pid %d events %d ms%n", n, (System.nanoTime() - a) / 1_000_000);
    }
    long t0 = System.nanoTime();
    List<HealthEvent> one = reader.events(EventFilter.all().component("c3")).toCompletableFuture().get(60, TimeUnit.SECONDS);
    System.out.printf("one component %d events %d ms%n", one.size(), (System.nanoTime() - t0) / 1_000_000);
    kit.shutdownTestKit();
  }

  static final class Entity extends EventSourcedBehavior<List<StoredEvent>, StoredEvent, Integer> {
    private final ActorRef<Done> done;

    static Behavior<List<StoredEvent>> create(String id, ActorRef<Done> done) {
      return new Entity(id, done);
    }

    private Entity(String id, ActorRef<Done> done) {
      super(PersistenceId.ofUniqueId(id));
      this.done = done;
    }

    @Override
    public Integer emptyState() {
      return 0;
    }

    @Override
    public CommandHandler<List<StoredEvent>, StoredEvent, Integer> commandHandler() {
      return (state, cmd) -> Effect().persist(cmd).thenRun(s -> done.tell(Done.getInstance()));
    }

    @Override
    public EventHandler<Integer, StoredEvent> eventHandler() {
      return (state, e) -> state + 1;
    }

    @Override
    public Set<String> tagsFor(StoredEvent event) {
      return Set.of(PersistenceIds.TAG);
    }
  }
}
