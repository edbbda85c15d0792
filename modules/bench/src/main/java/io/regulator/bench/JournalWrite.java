package io.regulator.bench;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import io.regulator.core.event.ComponentState;
import io.regulator.core.event.ExitStatus;
import io.regulator.core.event.HealthEvent;
import io.regulator.journal.Journal;
import io.regulator.journal.JournalSettings;
import io.regulator.journal.SchemaCreator;
import io.regulator.journal.write.JournalWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Events written per second to the journal on its default store (an H2 file in a fresh data dir),
 * through the same path as in the service: {@code JournalWriter.Record} fire-and-forget for a
 * burst of events spread over components, then {@code Flush}; the rate is events over the time
 * from the first record to the flush's answer (every event stored and confirmed). The events
 * are a mix of what a crash loop produces (exit, state changes, restart scheduled) with causes.
 */
final class JournalWrite {

  private JournalWrite() {}

  static void main(String[] args) throws Exception {
    int events = RestartLatency.intOption(args, "--events", 100_000);
    int components = RestartLatency.intOption(args, "--components", 10);
    int warmup = RestartLatency.intOption(args, "--warmup", 20_000);
    int rounds = RestartLatency.intOption(args, "--rounds", 3);
    Path dataDir = Files.createTempDirectory("regulator-bench-journal-").resolve("data");
    JournalSettings settings = settings(dataDir, events + warmup);

    ActorSystem<JournalWriter.Command> system = start(settings);
    try {
      write(system, warmup, components, "warmup");
      Runtime rt = Runtime.getRuntime();
      System.out.printf("machine: %d cores, %d MiB max heap, JDK %s, %s%n", rt.availableProcessors(),
          rt.maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("os.name"));
      System.out.printf("store: %s (%s)%n", settings.store().configName(), settings.shownUrl());
      System.out.printf("events per round: %d over %d components, after %d warm-up events%n", events, components,
          warmup);
      System.out.println("| round | events | seconds | events/s |\n|---|---|---|---|");
      for (int round = 1; round <= rounds; round++) {
        long t0 = System.nanoTime();
        write(system, events, components, "round" + round);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("| %d | %d | %.3f | %,.0f |%n", round, events, seconds, events / seconds);
      }
      System.out.printf("rows in event_journal: %d (expected %d)%n", rows(settings),
          warmup + (long) rounds * events);
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  static JournalSettings settings(Path dataDir, int bufferSize) {
    // the buffer takes the whole burst: a benchmark that drops events would measure nothing;
    // -Dregulator.journal.store=postgres -Dregulator.journal.postgres.url=... measures PostgreSQL
    return JournalSettings.from(ConfigFactory.parseString("regulator.journal.buffer-size = " + bufferSize)
        .withFallback(ConfigFactory.systemProperties()).withFallback(ConfigFactory.defaultReference()).resolve()
        .getConfig("regulator"), dataDir);
  }

  static ActorSystem<JournalWriter.Command> start(JournalSettings settings) {
    return ActorSystem.create(Journal.writer(settings, "bench", e -> System.err.println("bench: " + e)),
        "bench", Journal.pekkoConfig(settings).withFallback(ConfigFactory.load()));
  }

  /** Records {@code n} events spread over the components and waits until all are stored. */
  static void write(ActorSystem<JournalWriter.Command> system, int n, int components, String prefix)
      throws Exception {
    Instant t = Instant.now();
    for (int i = 0; i < n; i++) {
      system.tell(new JournalWriter.Record(event(prefix + "-" + (i % components), i / components, t)));
    }
    AskPattern.<JournalWriter.Command, Done>ask(system, JournalWriter.Flush::new, Duration.ofMinutes(5),
        system.scheduler()).toCompletableFuture().get(5, TimeUnit.MINUTES);
  }

  private static final Cause CRASH = new Cause(CauseCategory.EXIT_CODE, "exited with code 3",
      "see the last lines of logs/worker.log");

  /** The i-th event of a component in a crash loop: exit, restart scheduled, BACKOFF, STARTING, RUNNING. */
  static HealthEvent event(String component, int i, Instant t) {
    Instant time = t.plusMillis(i);
    return switch (i % 5) {
      case 0 -> new HealthEvent.ProcessExited(time, "bench", component, 10_000 + i, ExitStatus.code(3), CRASH, 1500,
          System.nanoTime());
      case 1 -> new HealthEvent.RestartScheduled(time, "bench", component, i, 200);
      case 2 -> new HealthEvent.StateChanged(time, "bench", component, ComponentState.READY, ComponentState.BACKOFF,
          CRASH);
      case 3 -> new HealthEvent.StateChanged(time, "bench", component, ComponentState.BACKOFF,
          ComponentState.STARTING, Cause.progress("restart after backoff"));
      default -> new HealthEvent.StateChanged(time, "bench", component, ComponentState.STARTING,
          ComponentState.RUNNING, Cause.progress("spawned"));
    };
  }

  static long rows(JournalSettings settings) throws Exception {
    try (Connection c = SchemaCreator.connect(settings); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_journal")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
