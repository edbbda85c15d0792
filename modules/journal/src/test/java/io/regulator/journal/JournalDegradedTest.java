package io.regulator.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.write.JournalWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store goes away and comes back: recording is still accepted at once, "journal degraded" is
 * raised, and what was buffered is written when the store returns. H2 served over TCP by this
 * test stands in for a database server that is stopped and started again.
 */
@ExtendWith(LogCapturingExtension.class)
class JournalDegradedTest {

  @TempDir Path tmp;

  private Server server;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
    if (server != null) {
      server.stop();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Server startServer(int port) throws Exception {
    return Server.createTcpServer("-tcpPort", String.valueOf(port), "-baseDir", tmp.toString(), "-ifNotExists")
        .start();
  }

  private JournalWriter.Status status(ActorRef<JournalWriter.Command> writer) throws Exception {
    return AskPattern.<JournalWriter.Command, JournalWriter.Status>ask(writer, JournalWriter.GetStatus::new,
        Duration.ofSeconds(1), kit.scheduler()).toCompletableFuture().get(1, TimeUnit.SECONDS);
  }

  private static List<HealthEvent> restarts(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> (HealthEvent) JournalContract.restart("runner", i)).toList();
  }

  private List<Integer> storedAttempts() throws Exception {
    return JournalContract.byPersistenceId(kit.system(), "component|runner").stream()
        .map(e -> ((StoredEvent) e.event()).attempt()).toList();
  }

  @Test
  void recordingGoesOnWhileTheStoreIsDownAndTheBufferIsWrittenWhenItReturns() throws Exception {
    int port = freePort();
    server = startServer(port);
    JournalSettings s = JournalContract.settings("""
        buffer-size = 50
        writer { timeout = 2s, backoff { min = 100ms, max = 500ms, random-factor = 0 } }
        pool.connection-timeout = 500ms
        """, tmp).withDatabase("jdbc:h2:tcp://127.0.0.1:" + port + "/journal;DATABASE_TO_UPPER=false", "sa", "");
    kit = ActorTestKit.create("degraded", JournalConfig.pekkoConfig(s).withFallback(ConfigFactory.load()));
    // the event bus: what the writer raises goes to every subscriber, the journal included
    List<HealthEvent> bus = new CopyOnWriteArrayList<>();
    AtomicReference<ActorRef<JournalWriter.Command>> journal = new AtomicReference<>();
    ActorRef<JournalWriter.Command> writer = kit.spawn(Journal.writer(s, JournalContract.NODE, e -> {
      journal.get().tell(new JournalWriter.Record(e));
      bus.add(e);
    }), "journal");
    journal.set(writer);

    JournalContract.record(writer, restarts(1, 5));
    JournalContract.flush(kit, writer);
    assertThat(storedAttempts()).containsExactly(1, 2, 3, 4, 5);
    // the first write also starts the plugin; whatever it raised is not what this test is about
    await().atMost(Duration.ofSeconds(10)).until(() -> !status(writer).degraded());
    bus.clear();

    server.stop();
    long start = System.nanoTime();
    JournalContract.record(writer, restarts(101, 200));
    JournalWriter.Status during = status(writer);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("recording while the store is down")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(during.buffered()).isEqualTo(50);
    assertThat(during.dropped()).isEqualTo(50);

    await().atMost(Duration.ofSeconds(15)).until(() -> lifecycle(bus, "journal degraded") != null);
    assertThat(lifecycle(bus, "journal degraded").detail()).hasValueSatisfying(d -> assertThat(d)
        .contains("cannot write to jdbc:h2:tcp://127.0.0.1:" + port + "/journal")
        .contains("up to 50 events are buffered"));
    assertThat(status(writer).degraded()).isTrue();
    assertThat(lifecycle(bus, "journal recovered")).isNull();

    server = startServer(port);
    await().atMost(Duration.ofSeconds(30)).until(() -> lifecycle(bus, "journal recovered") != null);
    JournalContract.flush(kit, writer);

    JournalWriter.Status after = status(writer);
    assertThat(after.degraded()).isFalse();
    assertThat(after.buffered()).isZero();
    assertThat(lifecycle(bus, "journal recovered").detail()).hasValueSatisfying(d -> assertThat(d)
        .contains("succeed again").contains(after.dropped() + " dropped"));
    // what was kept is in order after what was there before the outage, and it is the newest:
    // all that was dropped is older, except the first write of the outage, which the entity may
    // still hold and store when the store is back even though the writer gave up on it
    List<Integer> stored = storedAttempts();
    assertThat(stored.subList(0, 5)).containsExactly(1, 2, 3, 4, 5);
    List<Integer> outage = stored.subList(5, stored.size());
    assertThat(outage).hasSizeBetween(100 - (int) after.dropped(), 101 - (int) after.dropped())
        .isSorted().doesNotHaveDuplicates().endsWith(200);
    List<Integer> afterInFlight = outage.subList(1, outage.size());
    assertThat(afterInFlight).containsExactlyElementsOf(
        IntStream.rangeClosed(afterInFlight.get(0), 200).boxed().toList());
    // the outage itself is in Regulator's own history
    assertThat(JournalContract.byPersistenceId(kit.system(), "system").stream()
        .map(e -> ((StoredEvent) e.event()).what())).contains("journal degraded", "journal recovered");
  }

  private static HealthEvent.RegulatorLifecycle lifecycle(List<HealthEvent> bus, String what) {
    return bus.stream().filter(e -> e instanceof HealthEvent.RegulatorLifecycle l && l.what().equals(what))
        .map(e -> (HealthEvent.RegulatorLifecycle) e).findFirst().orElse(null);
  }
}
