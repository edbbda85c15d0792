package io.regulator.runtime.probe;

import static io.regulator.runtime.probe.ComponentProcesses.script;
import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.event.CauseCategory;
import io.regulator.core.spec.ProbeCheck;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every probe keeps: {@code check} returns at once, and its stage completes within
 * the timeout plus the margin however the target behaves, without holding up other probes.
 */
final class ProbeDeadlineTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final Duration DEADLINE = TIMEOUT.plus(Probes.TIMEOUT_MARGIN);

  @TempDir Path dir;
  private TestHttpServer server;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    server = new TestHttpServer().answer("/health", 200, "text/plain", "ok").hang("/hang");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    server.close();
  }

  /** One check in flight: when it was asked for, how long the call took, when it completed. */
  private record Timed(String name, long startNanos, long callNanos, CompletableFuture<Long> doneNanos,
      CompletableFuture<ProbeResult> result) {

    static Timed run(String name, Probe probe, ProbeTarget target) {
      long start = System.nanoTime();
      CompletableFuture<ProbeResult> result = probe.check(target).toCompletableFuture();
      long call = System.nanoTime() - start;
      CompletableFuture<Long> done = result.thenApply(r -> System.nanoTime());
      return new Timed(name, start, call, done, result);
    }

    Duration took() throws Exception {
      return Duration.ofNanos(doneNanos.get(30, TimeUnit.SECONDS) - startNanos);
    }
  }

  @Test
  void hangingTargetsTimeOutWithinTheDeadlineWhileOtherChecksCompleteOnTime() throws Exception {
    ProbeKit kit = new ProbeKit(2);
    open.add(kit);
    ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(listening);
    Path queue = Files.createDirectory(dir.resolve("queue"));
    kit.probes.heartbeats().beat("worker");
    List<Probe> hanging = List.of(
        kit.probe("web", http(server.url("/hang")), TIMEOUT),
        kit.probe("web", new ProbeCheck.Exec(List.of(script("probe-hang.sh"), dir.resolve("pid").toString())), TIMEOUT),
        kit.probe("web", new ProbeCheck.Tunnel(server.url("/hang"), "localhost:5051", false, ""), TIMEOUT));
    List<Probe> healthy = List.of(
        kit.probe("web", http(server.url("/health")), TIMEOUT),
        kit.probe("db", new ProbeCheck.Tcp("127.0.0.1", listening.getLocalPort()), TIMEOUT),
        kit.probe("worker", new ProbeCheck.Exec(List.of(script("probe-check.sh"), "0")), TIMEOUT),
        kit.probe("worker", new ProbeCheck.Queue(queue.toString(), Duration.ofSeconds(30)), TIMEOUT),
        kit.probe("worker", new ProbeCheck.Heartbeat(Optional.empty(), Duration.ofSeconds(30)), TIMEOUT));

    List<Timed> slow = new ArrayList<>();
    for (int i = 0; i < hanging.size(); i++) {
      slow.add(Timed.run("hanging " + i, hanging.get(i), new ProbeTarget("web", null)));
    }
    // Several rounds of the healthy probes while the hanging ones are still out.
    for (int round = 0; round < 3; round++) {
      List<Timed> fast = new ArrayList<>();
      for (int i = 0; i < healthy.size(); i++) {
        fast.add(Timed.run("healthy " + i, healthy.get(i), new ProbeTarget("worker", null)));
      }
      for (Timed t : fast) {
        assertThat(t.result().get(5, TimeUnit.SECONDS).healthy()).as(t.name() + ": " + t.result().get()).isTrue();
        // done long before the hanging checks time out: they hold nothing up (the margin is for loaded machines)
        assertThat(t.took()).as(t.name()).isLessThan(TIMEOUT.dividedBy(2).plusMillis(200));
        assertThat(Duration.ofNanos(t.callNanos())).as(t.name() + " call").isLessThan(Duration.ofMillis(200));
      }
      Thread.sleep(100);
    }

    for (Timed t : slow) {
      ProbeResult r = t.result().get(5, TimeUnit.SECONDS);
      assertThat(r.healthy()).as(t.name()).isFalse();
      assertThat(r.cause().category()).as(t.name() + ": " + r)
          .isIn(CauseCategory.PROBE_TIMEOUT, CauseCategory.TUNNEL_DOWN);
      assertThat(r.cause().detail()).as(t.name()).containsAnyOf("within 1s", "no answer within");
      assertThat(t.took()).as(t.name()).isBetween(TIMEOUT.minusMillis(50), DEADLINE);
      assertThat(Duration.ofNanos(t.callNanos())).as(t.name() + " call").isLessThan(Duration.ofMillis(50));
    }
  }

  @Test
  void aCheckStuckBehindABusyExecutorStillAnswersAtItsDeadlineAndLaterChecksShareIt() throws Exception {
    ProbeKit kit = new ProbeKit(1);
    open.add(kit);
    Path queue = Files.createDirectory(dir.resolve("queue"));
    Duration timeout = Duration.ofMillis(300);
    Probe probe = kit.probe("worker", new ProbeCheck.Queue(queue.toString(), Duration.ofSeconds(30)), timeout);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(1);
    kit.io.execute(() -> { // something else holds the only thread (a read from a hung mount, say)
      busy.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    busy.await();

    Timed first = Timed.run("first", probe, new ProbeTarget("worker", null));
    Thread.sleep(100);
    Timed second = Timed.run("second", probe, new ProbeTarget("worker", null));

    ProbeResult result = first.result().get(5, TimeUnit.SECONDS);
    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_TIMEOUT);
    assertThat(result.cause().detail()).isEqualTo("queue check of " + queue + ": no result within 300 ms");
    assertThat(first.took()).isBetween(timeout, timeout.plus(Probes.TIMEOUT_MARGIN).plusMillis(50));
    assertThat(second.result().get(5, TimeUnit.SECONDS).cause().category()).isEqualTo(CauseCategory.PROBE_TIMEOUT);

    release.countDown();
    Thread.sleep(100);
    assertThat(ProbeKit.check(probe, "worker").healthy()).isTrue();
  }

  @Test
  void aClosedProbesAnswersAtOnce() throws Exception {
    ProbeKit kit = new ProbeKit(1);
    open.add(kit);
    Probe probe = kit.probe("web", http(server.url("/health")), TIMEOUT);
    kit.probes.close();

    ProbeResult result = ProbeKit.check(probe, "web");

    assertThat(result.cause().category()).isEqualTo(CauseCategory.PROBE_ERROR);
    assertThat(result.cause().detail()).contains("Regulator is stopping");
  }

  private static ProbeCheck.Http http(String url) {
    return new ProbeCheck.Http(url, 200, 399, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
