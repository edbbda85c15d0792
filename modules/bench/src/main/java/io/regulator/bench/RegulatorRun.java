package io.regulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code bin/regulator run} on a config of the benchmark's own, in a temporary directory
 * (data, logs, console output), with the launcher's default JVM flags unless JAVA_OPTS or
 * REGULATOR_OPTS say otherwise. The launcher execs the JVM, so {@link #pid()} is Regulator's JVM.
 */
final class RegulatorRun implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Path config;
  private final int port;
  private final Process process;
  private final Instant launched;
  private final long launchedNanos;
  private final HttpClient client = HttpClient.newHttpClient();

  private RegulatorRun(Path dir, Path config, int port, Process process, Instant launched, long launchedNanos) {
    this.dir = dir;
    this.config = config;
    this.port = port;
    this.process = process;
    this.launched = launched;
    this.launchedNanos = launchedNanos;
  }

  /** Regulator's home: the directory above bin/. */
  static Path home() {
    return Path.of(System.getProperty("regulator.home", ".")).toAbsolutePath();
  }

  static Path launcher() {
    return home().resolve("bin").resolve("regulator");
  }

  /**
   * Writes a config and starts {@code bin/regulator run} on it.
   *
   * @param settings HOCON inside the {@code regulator} block (defaults, alerts, ...), may be empty
   * @param components the entries of {@code regulator.components}
   */
  static RegulatorRun start(String settings, String components) throws IOException {
    checkLauncher();
    Path dir = Files.createTempDirectory("regulator-bench-");
    int port = freePort();
    Path config = Files.writeString(dir.resolve("regulator.conf"), """
        regulator {
          data-dir = "%s/data"
          log-dir = "%s/logs"
          http { port = %d }
        %s
          components {
        %s
          }
        }
        """.formatted(dir, dir, port, settings, components));
    ProcessBuilder pb = new ProcessBuilder(launcher().toString(), "run", "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("console.txt").toFile());
    Instant launched = Instant.now();
    long launchedNanos = System.nanoTime();
    Process process = pb.start();
    return new RegulatorRun(dir, config, port, process, launched, launchedNanos);
  }

  private static boolean launcherChecked;

  /**
   * Makes sure the launcher will not build the distribution inside a measurement: it does so when a
   * source file is newer than the app's jar, and Maven leaves an unchanged jar alone, so after a
   * change elsewhere (this module, say) every start would include a build of several seconds.
   */
  private static synchronized void checkLauncher() throws IOException {
    if (launcherChecked) {
      return;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
      Process p = new ProcessBuilder(launcher().toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      try {
        p.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      if (!out.contains("building")) {
        launcherChecked = true;
        return;
      }
    }
    throw new IllegalStateException("bin/regulator builds the distribution on every start (a source file is newer"
        + " than modules/app/target/lib/regulator-app.jar, which Maven did not rewrite); run `touch"
        + " modules/app/target/lib/regulator-app.jar` after the build and retry");
  }

  long pid() {
    return process.pid();
  }

  Path dir() {
    return dir;
  }

  Path config() {
    return config;
  }

  Path eventsJson() {
    return dir.resolve("logs").resolve("events.json");
  }

  /** The wall-clock time just before the launcher was started. */
  Instant launched() {
    return launched;
  }

  long launchedNanos() {
    return launchedNanos;
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  /** Waits until {@code GET /ready} answers 200. */
  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("bin/regulator run exited " + process.exitValue() + "; see " + dir.resolve("console.txt"));
      }
      try {
        if (get("/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Regulator did not become ready within " + timeout.toSeconds() + " s; see "
        + dir.resolve("console.txt"));
  }

  /** Waits until {@code count} components are in {@code state}, asking {@code /api/v1/status} every half second. */
  void awaitState(String state, int count, Duration timeout) throws InterruptedException, IOException {
    awaitReady(timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    while (System.nanoTime() < deadline) {
      seen = status().path("counts").path(state).asInt(0);
      if (seen >= count) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(seen + " of " + count + " components " + state + " after " + timeout.toSeconds()
        + " s; see " + dir.resolve("console.txt"));
  }

  JsonNode status() throws IOException, InterruptedException {
    return JSON.readTree(get("/api/v1/status").body());
  }

  JsonNode component(String name) throws IOException, InterruptedException {
    return JSON.readTree(get("/api/v1/components/" + name).body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Stops Regulator as an operator would (SIGTERM, which stops every component) and removes its directory. */
  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    if (System.getenv("REGULATOR_BENCH_KEEP") == null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } else {
      System.out.println("kept: " + dir);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
