package io.regulator.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/regulator bench http-status}: the HTTP API under load and the CLI's wall time, against
 * a real {@code bin/regulator run} with a fleet of idle processes.
 *
 * <ol>
 *   <li>{@code GET /api/v1/status} under wrk (a separate process on loopback) for
 *       {@code --duration}, {@code --connections} connections on {@code --threads} threads:
 *       requests/s and the latency percentiles wrk reports;</li>
 *   <li>{@code bin/regulator status} run {@code --runs} times: wall time from fork to exit.</li>
 * </ol>
 * The per-client rate limit is raised for the run (every request comes from 127.0.0.1); the
 * default of 200 requests/s per client would otherwise answer most of them with 429.
 */
final class HttpStatus {

  private HttpStatus() {}

  static void main(String[] args) throws Exception {
    int components = intArg(args, "--components", 10);
    int seconds = intArg(args, "--duration", 15);
    int connections = intArg(args, "--connections", 8);
    int threads = intArg(args, "--threads", 2);
    int runs = intArg(args, "--runs", 20);
    Path home = Path.of(System.getProperty("regulator.home", ".")).toAbsolutePath();
    Path launcher = home.resolve("bin").resolve("regulator");
    Path dir = Files.createTempDirectory("regulator-bench-http");
    int port = freePort();
    StringBuilder fleet = new StringBuilder();
    for (int i = 0; i < components; i++) {
      fleet.append("    c").append(i).append(" { command = [\"sleep\", \"100000\"] }\n");
    }
    Path config = Files.writeString(dir.resolve("regulator.conf"), """
        regulator {
          data-dir = "%s/data"
          log-dir = "%s/logs"
          http { port = %d, rate-limit { requests-per-second = 1000000000, burst = 1000000000 } }
          defaults { ready-after = 0s }
          components {
        %s  }
        }
        """.formatted(dir, dir, port, fleet));
    Process regulator = new ProcessBuilder(launcher.toString(), "run", "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("console.txt").toFile()).start();
    String base = "http://127.0.0.1:" + port;
    try {
      awaitReady(base);
      System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
          + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      System.out.println("fleet: " + components + " idle components; Regulator's JVM flags: the launcher's defaults");
      // warm up the server's JIT, then measure
      wrk(threads, connections, 5, base);
      String report = wrk(threads, connections, seconds, base);
      System.out.println("GET /api/v1/status, wrk -t" + threads + " -c" + connections + " -d" + seconds
          + "s --latency:\n" + report);
      List<Long> wall = new ArrayList<>();
      for (int i = 0; i < runs + 3; i++) {
        long start = System.nanoTime();
        Process status = new ProcessBuilder(launcher.toString(), "status", "-c", config.toString())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int code = status.waitFor();
        long took = System.nanoTime() - start;
        if (code != 0) {
          throw new IllegalStateException("bin/regulator status exited " + code);
        }
        if (i >= 3) {
          wall.add(took);
        }
      }
      System.out.println(Stats.header());
      System.out.println(Stats.ofNanos(wall).row("bin/regulator status wall time"));
    } finally {
      regulator.destroy();
      if (!regulator.waitFor(60, TimeUnit.SECONDS)) {
        regulator.destroyForcibly();
      }
    }
  }

  private static String wrk(int threads, int connections, int seconds, String base)
      throws IOException, InterruptedException {
    Process wrk = new ProcessBuilder("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--latency",
        base + "/api/v1/status").redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (wrk.waitFor() != 0) {
      throw new IllegalStateException("wrk failed (install Debian's wrk package): " + out);
    }
    return out;
  }

  private static void awaitReady(String base) throws InterruptedException {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Regulator did not become ready within 60 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
