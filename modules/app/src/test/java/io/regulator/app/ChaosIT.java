package io.regulator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chaos soak: random {@code kill -9} of components while the HTTP API is under load, for
 * {@code -Dregulator.chaos.seconds} (default 120, what CI runs). Afterwards every kill has its exit
 * and its restart in the journal, no child is left a zombie, descriptors and heap are flat, and
 * after Regulator's shutdown no process of the fleet is left.
 */
class ChaosIT {

  private static final int COMPONENTS = 6;

  @TempDir Path tmp;

  record Kill(String component, long pid, Instant at) {}

  @Test
  void randomKillsUnderApiLoadLoseNothingAndLeakNothing() throws Exception {
    long seconds = Long.getLong("regulator.chaos.seconds", 120);
    String mark = "chaos-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    int port = HttpCalls.freePort();
    StringBuilder fleet = new StringBuilder();
    for (int i = 0; i < COMPONENTS; i++) {
      fleet.append("    c").append(i).append(" { command = [\"").append(RegulatorProcess.COMPONENT).append("\", \"")
          .append(mark).append("-c").append(i).append("\"]").append(i % 2 == 0 ? ", env { GRANDCHILD = \"1\" }" : "")
          .append(" }\n");
    }
    Path config = Files.writeString(tmp.resolve("regulator.conf"), """
        regulator {
          data-dir = "%s/data"
          log-dir = "%s/logs"
          http { port = %d, rate-limit { requests-per-second = 100000, burst = 100000 } }
          defaults {
            restart = always, ready-after = 200ms
            backoff { min = 100ms, max = 400ms, random-factor = 0.2, reset-after = 2s }
            intensity { max-restarts = 10000, within = 60s }
          }
          components {
        %s  }
        }
        """.formatted(tmp, tmp, port, fleet));
    HttpCalls api = new HttpCalls("http://127.0.0.1:" + port, Optional.empty());
    List<Kill> kills = new CopyOnWriteArrayList<>();
    AtomicLong requests = new AtomicLong();
    List<String> failures = new CopyOnWriteArrayList<>();
    try (RegulatorProcess regulator = RegulatorProcess.run(config, tmp, tmp.resolve("logs"))) {
      long jvm = regulator.process.pid();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> api.get("/api/v1/status").json().path("state").asText().equals("UP"));
      // warm up, then the baseline of descriptors and heap (after a full collection)
      AtomicBoolean loading = new AtomicBoolean(true);
      List<Thread> load = new ArrayList<>();
      for (String path : List.of("/api/v1/status", "/api/v1/components")) {
        Thread t = new Thread(() -> {
          while (loading.get()) {
            try {
              HttpCalls.Reply reply = api.get(path);
              requests.incrementAndGet();
              if (reply.status() != 200) {
                failures.add(path + " " + reply.status() + " " + reply.body());
              }
            } catch (RuntimeException e) {
              failures.add(path + " " + e);
            }
          }
        }, "chaos-load");
        t.setDaemon(true);
        t.start();
        load.add(t);
      }
      Thread.sleep(5_000);
      long fdsBefore = descriptors(jvm);
      long heapBefore = heapAfterGc(jvm, api);

      Random random = new Random(42);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < end) {
        String component = "c" + random.nextInt(COMPONENTS);
        JsonNode view = api.get("/api/v1/components/" + component).json();
        if (!view.path("pid").isNull() && view.path("pid").asLong() > 0) {
          long pid = view.path("pid").asLong();
          if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
            kills.add(new Kill(component, pid, Instant.now()));
          }
        }
        Thread.sleep(200 + random.nextInt(600));
      }
      loading.set(false);
      for (Thread t : load) {
        t.join(10_000);
      }
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> api.get("/api/v1/status").json().path("state").asText().equals("UP"));

      // every kill: its exit (SIGKILL) and a start of the component after it, in the journal
      for (int i = 0; i < COMPONENTS; i++) {
        String component = "c" + i;
        List<JsonNode> events = new ArrayList<>();
        api.get("/api/v1/events?component=" + component + "&kind=exit,start&limit=10000").json().forEach(events::add);
        for (Kill kill : kills.stream().filter(k -> k.component().equals(component)).toList()) {
          JsonNode exit = events.stream().filter(e -> e.path("type").asText().equals("ProcessExited")
              && e.path("pid").asLong() == kill.pid()).findFirst()
              .orElseThrow(() -> new AssertionError("no exit event for " + kill));
          assertThat(exit.path("signal").asText()).as(kill.toString()).isEqualTo("KILL");
          Instant exited = Instant.parse(exit.path("time").asText());
          assertThat(events).as("a restart after " + kill).anySatisfy(e -> {
            assertThat(e.path("type").asText()).isEqualTo("ProcessStarted");
            assertThat(Instant.parse(e.path("time").asText())).isAfterOrEqualTo(exited);
          });
        }
      }
      assertThat(zombieChildren(jvm)).isEmpty();
      long fdsAfter = descriptors(jvm);
      long heapAfter = heapAfterGc(jvm, api);
      System.out.printf("chaos: %d s, %d kills, %d API requests, descriptors %d -> %d, heap after GC %d -> %d KiB%n",
          seconds, kills.size(), requests.get(), fdsBefore, fdsAfter, heapBefore / 1024, heapAfter / 1024);
      assertThat(kills).hasSizeGreaterThan((int) (seconds / 2));
      assertThat(failures).as("every API call answered 200 under chaos").isEmpty();
      assertThat(fdsAfter).as("descriptors").isLessThanOrEqualTo(fdsBefore + 16);
      assertThat(heapAfter).as("heap after a full collection")
          .isLessThanOrEqualTo(Math.max(heapBefore * 3 / 2, heapBefore + 24L * 1024 * 1024));

      regulator.process.destroy();
      assertThat(regulator.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    // the components and everything in their process groups (the grandchildren) are gone
    await().atMost(Duration.ofSeconds(5)).until(() -> LauncherIT.marked(mark).isEmpty());
  }

  private static long descriptors(long pid) throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return fds.count();
    }
  }

  /** Heap in use right after a full collection, read from the service's own /metrics. */
  private static long heapAfterGc(long pid, HttpCalls api) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), "GC.run").redirectErrorStream(true).start();
    jcmd.getInputStream().readAllBytes();
    assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
    double used = 0;
    for (String line : api.get("/metrics").body().split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        used += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) used;
  }

  /** Children of the service that have exited but were never reaped. */
  private static List<Long> zombieChildren(long parent) throws IOException {
    List<Long> zombies = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String stat = Files.readString(p.resolve("stat"));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (fields[0].equals("Z") && Long.parseLong(fields[1]) == parent) {
            zombies.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // ended while we looked
        }
      }
    }
    return zombies;
  }
}
