package io.regulator.runtime.probe;

import io.regulator.core.spec.ProbeCheck;
import io.regulator.core.spec.ProbeRole;
import io.regulator.core.spec.ProbeSpec;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Real executors and a {@link Probes} for one test, shut down afterwards. */
final class ProbeKit implements AutoCloseable {

  final ExecutorService io;
  final ScheduledExecutorService timer;
  final Probes probes;

  ProbeKit() {
    this(4);
  }

  ProbeKit(int ioThreads) {
    io = Executors.newFixedThreadPool(ioThreads, daemon("probe-io"));
    timer = Executors.newSingleThreadScheduledExecutor(daemon("probe-timer"));
    probes = new Probes(io, timer);
  }

  static ProbeSpec spec(ProbeCheck check, Duration timeout) {
    return new ProbeSpec(ProbeRole.LIVENESS, check, Duration.ofSeconds(10), timeout, Duration.ZERO, 3, 1,
        Duration.ofSeconds(30));
  }

  Probe probe(String component, ProbeCheck check, Duration timeout) {
    return probes.create(component, spec(check, timeout));
  }

  /** Runs one check and waits for it, longer than any probe may take, so a stuck check fails the test. */
  static ProbeResult check(Probe probe, ProbeTarget target) throws Exception {
    return probe.check(target).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  static ProbeResult check(Probe probe, String component) throws Exception {
    return check(probe, new ProbeTarget(component, null));
  }

  @Override
  public void close() throws InterruptedException {
    probes.close();
    io.shutdownNow();
    timer.shutdownNow();
    io.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
