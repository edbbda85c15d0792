package io.regulator.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/regulator bench alert-latency}: a component fails → its Slack message arrives, minus
 * {@code group-wait} (DESIGN §9: ≤ 1 s beyond group-wait).
 *
 * <p>A real {@code bin/regulator run} whose only Slack receiver's webhook URL points at a small
 * HTTP server in the benchmark's JVM, which notes when each POST arrived
 * ({@link System#nanoTime()}) and answers 200. Each round kills one component that has not failed
 * before ({@code kill -9}; {@code restart = never}, so nothing resolves the alert before it is
 * sent, and no component fails twice, so flap detection and the dedup key never hold a message
 * back) and takes the time just before the kill. The figure is the POST's arrival minus that time
 * minus {@code --group-wait}. Rounds are {@code --gap} apart, more than the receiver's
 * {@code min-interval} (1s), and the rate limit is raised so that it never summarises.
 */
final class AlertLatency {

  private AlertLatency() {}

  static void main(String[] args) throws Exception {
    Flags flags = new Flags(args);
    int alerts = flags.integer("--alerts", 10);
    int warmup = flags.integer("--warmup", 1);
    Duration groupWait = flags.duration("--group-wait", "2s");
    Duration gap = flags.duration("--gap", "1500ms");
    System.out.println("machine: " + ProcFs.machine());
    BlockingQueue<long[]> posts = new LinkedBlockingQueue<>();
    List<String> bodies = new ArrayList<>();
    HttpServer slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    slack.createContext("/", exchange -> {
      long at = System.nanoTime();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      byte[] ok = "ok".getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
      synchronized (bodies) {
        bodies.add(body);
        posts.add(new long[] {at, bodies.size() - 1});
      }
    });
    slack.start();
    int total = warmup + alerts;
    StringBuilder fleet = new StringBuilder();
    for (int i = 0; i < total; i++) {
      fleet.append("    c").append(i).append(" { command = [\"sleep\", \"1000000\"] }\n");
    }
    String settings = """
          defaults { restart = never, ready-after = 0s }
          alerts {
            group-wait = %s
            rate-limit { max = 100000, per = 1h }
            resolved-notifications = false
            receivers { slack { type = slack, webhook-url = "http://127.0.0.1:%d/services/T000/B000/bench" } }
          }
        """.formatted(Flags.hocon(groupWait), slack.getAddress().getPort());
    List<Long> latencies = new ArrayList<>();
    String loadBefore = ProcFs.loadAverage();
    try (RegulatorRun run = RegulatorRun.start(settings, fleet.toString())) {
      run.awaitState("READY", total, Duration.ofSeconds(120));
      Thread.sleep(1000);
      posts.clear();
      for (int i = 0; i < total; i++) {
        String name = "c" + i;
        long pid = run.component(name).path("pid").asLong();
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(name + " has no process"));
        long t0 = System.nanoTime();
        child.destroyForcibly();
        long[] post = posts.poll(groupWait.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        if (post == null) {
          throw new IllegalStateException("no Slack POST within group-wait + 30 s of killing " + name + "; see " + run.dir());
        }
        String body;
        synchronized (bodies) {
          body = bodies.get((int) post[1]);
        }
        if (!body.contains(name)) {
          throw new IllegalStateException("the Slack message after killing " + name + " does not name it: " + body);
        }
        if (i >= warmup) {
          latencies.add(post[0] - t0 - groupWait.toNanos());
        }
        Thread.sleep(gap.toMillis());
      }
      if (!posts.isEmpty()) {
        System.out.println("note: " + posts.size() + " more POSTs than failures arrived");
      }
    } finally {
      slack.stop(0);
    }
    System.out.printf("%d failures (kill -9 of a component, restart = never) after %d warm-up, group-wait = %d ms;"
        + " load average %s before, %s after%n", alerts, warmup, groupWait.toMillis(), loadBefore, ProcFs.loadAverage());
    System.out.println(Stats.header());
    System.out.println(Stats.ofNanos(latencies).row("failure → Slack POST received, minus group-wait"));
  }
}
