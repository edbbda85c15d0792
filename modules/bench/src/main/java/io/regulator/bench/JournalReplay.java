package io.regulator.bench;

import io.regulator.journal.Journal;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.PersistenceIds;
import io.regulator.journal.StoredEvent;
import io.regulator.journal.write.HistoryState;
import io.regulator.journal.write.JournalWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Replay of the whole journal: {@code --events} (100,000) events over {@code --components} are
 * written to the store, then a fresh actor system (as after a restart, or the CLI) reads every
 * one back and turns it into a {@code HealthEvent}, timed from the first query to the last event:
 * component by component by persistence id, and with {@code --by-tag} all of them in journal
 * order by the {@code health} tag. Also timed: rebuilding every component's history (snapshot
 * plus the events after it).
 */
final class JournalReplay {

  private JournalReplay() {}

  private static long count(Source<EventEnvelope, NotUsed> events, ActorSystem<?> system) throws Exception {
    return events.map(e -> ((StoredEvent) e.event()).toHealthEvent())
        .runWith(Sink.fold(0L, (n, e) -> n + 1), system)
        .toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  private static void row(int round, String what, long read, int expected, long t0) {
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (read != expected) {
      throw new IllegalStateException("replay read " + read + " events, expected " + expected);
    }
    System.out.printf("| %d | %s | %d | %.3f | %,.0f |%n", round, what, read, seconds, read / seconds);
  }

  static void main(String[] args) throws Exception {
    int events = RestartLatency.intOption(args, "--events", 100_000);
    int components = RestartLatency.intOption(args, "--components", 10);
    int rounds = RestartLatency.intOption(args, "--rounds", 3);
    // the tag query is quadratic on H2 (docs/journal.md): off unless asked for
    boolean byTag = Arrays.asList(args).contains("--by-tag");
    Path dataDir = Files.createTempDirectory("regulator-bench-journal-").resolve("data");
    JournalSettings settings = JournalWrite.settings(dataDir, events);

    ActorSystem<JournalWriter.Command> writing = JournalWrite.start(settings);
    try {
      JournalWrite.write(writing, events, components, "replay");
    } finally {
      writing.terminate();
      writing.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    ActorSystem<JournalWriter.Command> reading = JournalWrite.start(settings);
    try {
      Runtime rt = Runtime.getRuntime();
      System.out.printf("machine: %d cores, %d MiB max heap, JDK %s, %s%n", rt.availableProcessors(),
          rt.maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("os.name"));
      System.out.printf("store: %s (%s), %d events over %d components%n", settings.store().configName(),
          settings.shownUrl(), events, components);
      System.out.println("| round | what | events | seconds | events/s |\n|---|---|---|---|---|");
      JdbcReadJournal journal = PersistenceQuery.get(reading)
          .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
      for (int round = 1; round <= rounds; round++) {
        // every component's events by persistence id (the primary key), the components side by side
        long t0 = System.nanoTime();
        long read = count(Source.range(0, components - 1).flatMapMerge(components, i ->
            journal.currentEventsByPersistenceId(PersistenceIds.of("replay-" + i), 0, Long.MAX_VALUE)), reading);
        row(round, "all events by persistence id, as HealthEvents", read, events, t0);
      }
      if (byTag) {
        for (int round = 1; round <= rounds; round++) {
          long t0 = System.nanoTime();
          long read = count(journal.currentEventsByTag(PersistenceIds.TAG, Offset.noOffset()), reading);
          row(round, "all events by tag, as HealthEvents", read, events, t0);
        }
      }
      long t0 = System.nanoTime();
      List<CompletableFuture<HistoryState>> histories = new ArrayList<>();
      for (int i = 0; i < components; i++) {
        histories.add(Journal.history(reading, "replay-" + i, Duration.ofMinutes(1), reading.scheduler())
            .toCompletableFuture());
      }
      long folded = 0;
      for (CompletableFuture<HistoryState> h : histories) {
        folded += h.get(1, TimeUnit.MINUTES).events();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("| - | histories of %d components rebuilt (snapshot + rest) | %d | %.3f | - |%n",
          components, folded, seconds);
    } finally {
      reading.terminate();
      reading.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
