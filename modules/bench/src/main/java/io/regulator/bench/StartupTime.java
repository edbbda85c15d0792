package io.regulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code bin/regulator bench startup}: from the exec of {@code bin/regulator run} to all
 * {@code --components} components RUNNING and READY, JVM start included (DESIGN §9: 100
 * components all running ≤ 750 ms).
 *
 * <p>Each round starts a fresh Regulator (its own data dir) on {@code --components} independent
 * {@code sleep} components with {@code ready-after = --ready-after} (0s by default, so READY
 * follows RUNNING at once; Regulator's default of 1s would add one second by design). The time
 * origin is {@link Instant#now()} just before the launcher is started; every other time is the
 * {@code time} of an event in {@code logs/events.json}, which the benchmark tails (a file read
 * every 20 ms costs Regulator nothing, unlike polling its API).
 */
final class StartupTime {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StartupTime() {}

  static void main(String[] args) throws Exception {
    Flags flags = new Flags(args);
    int n = flags.integer("--components", 100);
    int rounds = flags.integer("--rounds", 3);
    Duration readyAfter = flags.duration("--ready-after", "0s");
    System.out.println("machine: " + ProcFs.machine());
    StringBuilder fleet = new StringBuilder();
    for (int i = 0; i < n; i++) {
      fleet.append("    c").append(i).append(" { command = [\"sleep\", \"1000000\"] }\n");
    }
    String settings = "  defaults { ready-after = " + Flags.hocon(readyAfter) + " }";
    System.out.printf("fleet: %d independent components (sleep), ready-after = %d ms; times in ms from the exec of"
        + " bin/regulator run%n", n, readyAfter.toMillis());
    System.out.println("| round | load average | Regulator started | first process | all RUNNING | all READY |");
    System.out.println("|---|---|---|---|---|---|");
    for (int r = 1; r <= rounds; r++) {
      String load = ProcFs.loadAverage();
      try (RegulatorRun run = RegulatorRun.start(settings, fleet.toString())) {
        Timeline t = follow(run.eventsJson(), n, Duration.ofSeconds(60));
        System.out.printf("| %d | %s | %s | %s | %s | %s |%n", r, load, ms(run.launched(), t.started),
            ms(run.launched(), t.firstProcess), ms(run.launched(), t.allRunning), ms(run.launched(), t.allReady));
      }
    }
  }

  /** When Regulator said it started, its first process started, and the last component got RUNNING and READY. */
  private static final class Timeline {
    Instant started;
    Instant firstProcess;
    Instant allRunning;
    Instant allReady;
  }

  private static Timeline follow(Path events, int n, Duration timeout) throws IOException, InterruptedException {
    Timeline t = new Timeline();
    Set<String> running = new HashSet<>();
    Set<String> ready = new HashSet<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long offset = 0;
    StringBuilder partial = new StringBuilder();
    while (ready.size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(ready.size() + " of " + n + " components READY after " + timeout.toSeconds()
            + " s; see " + events.getParent());
      }
      Thread.sleep(20);
      if (!Files.exists(events)) {
        continue;
      }
      byte[] chunk;
      try (RandomAccessFile f = new RandomAccessFile(events.toFile(), "r")) {
        long len = f.length();
        if (len <= offset) {
          continue;
        }
        chunk = new byte[(int) (len - offset)];
        f.seek(offset);
        f.readFully(chunk);
        offset = len;
      }
      partial.append(new String(chunk, StandardCharsets.UTF_8));
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, nl);
        partial.delete(0, nl + 1);
        JsonNode e = JSON.readTree(line);
        String kind = e.path("event").asText();
        Instant time = Instant.parse(e.path("time").asText());
        if (kind.equals("RegulatorLifecycle") && e.path("what").asText().equals("started") && t.started == null) {
          t.started = time;
        } else if (kind.equals("ProcessStarted") && t.firstProcess == null) {
          t.firstProcess = time;
        } else if (kind.equals("StateChanged")) {
          String to = e.path("to").asText();
          if (to.equals("RUNNING") && running.add(e.path("component").asText()) && running.size() == n) {
            t.allRunning = time;
          } else if (to.equals("READY") && ready.add(e.path("component").asText()) && ready.size() == n) {
            t.allReady = time;
          }
        }
      }
    }
    return t;
  }

  private static String ms(Instant from, Instant to) {
    return to == null ? "–" : Long.toString(Duration.between(from, to).toMillis());
  }
}
