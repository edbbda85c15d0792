package io.regulator.bench;

import com.typesafe.config.ConfigFactory;
import io.regulator.core.config.RegulatorConfig;
import io.regulator.core.event.HealthEvent;
import io.regulator.core.spec.FleetSpec;
import io.regulator.runtime.Guardian;
import io.regulator.runtime.bus.EventBus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * kill -9 of a supervised child → (a) its exit event on the bus, (b) the replacement process
 * spawned, with {@code backoff.min = 0}. The child is {@code sleep}; SIGKILL is sent with
 * {@link ProcessHandle#destroyForcibly()} (kill(2) with SIGKILL, as {@code kill -9} does).
 * Times are {@link System#nanoTime()} from just before the kill to the event's own timestamp.
 */
final class RestartLatency {

  private RestartLatency() {}

  static void main(String[] args) throws Exception {
    int kills = intOption(args, "--kills", 200);
    int warmup = intOption(args, "--warmup", 30);
    Path dir = Files.createTempDirectory("regulator-bench-");
    FleetSpec fleet = RegulatorConfig.fromConfig(ConfigFactory.parseString("""
        regulator {
          node = bench
          data-dir = "%s/data"
          log-dir = "%s/logs"
          components.child {
            command = ["sleep", "1000000"]
            restart = always
            ready-after = 0s
            backoff { min = 0s, max = 0s, random-factor = 0 }
            intensity { max-restarts = 1000000, within = 1s }
          }
        }
        """.formatted(dir, dir)), dir);

    BlockingQueue<HealthEvent> events = new LinkedBlockingQueue<>();
    ActorSystem<Guardian.Command> system = ActorSystem.create(Behaviors.setup(ctx -> {
      new EventBus(ctx.getSystem()).subscribe(ctx.spawn(Behaviors.<HealthEvent>receiveMessage(e -> {
        if (e instanceof HealthEvent.ProcessStarted || e instanceof HealthEvent.ProcessExited) {
          events.add(e);
        }
        return Behaviors.same();
      }), "recorder"));
      return Guardian.create(fleet);
    }), "bench");
    try {
      List<Long> exitNanos = new ArrayList<>();
      List<Long> restartNanos = new ArrayList<>();
      HealthEvent.ProcessStarted current = next(events, HealthEvent.ProcessStarted.class);
      for (int i = 0; i < warmup + kills; i++) {
        Thread.sleep(20); // let the previous round's cleanup (group kill, pid record) finish
        long t0 = System.nanoTime();
        ProcessHandle.of(current.pid()).orElseThrow().destroyForcibly();
        HealthEvent.ProcessExited exited = next(events, HealthEvent.ProcessExited.class);
        HealthEvent.ProcessStarted started = next(events, HealthEvent.ProcessStarted.class);
        if (i >= warmup) {
          exitNanos.add(exited.nanoTime() - t0);
          restartNanos.add(started.nanoTime() - t0);
        }
        current = started;
      }
      Runtime rt = Runtime.getRuntime();
      System.out.printf("machine: %d cores, %d MiB max heap, JDK %s, %s%n", rt.availableProcessors(),
          rt.maxMemory() >> 20, System.getProperty("java.version"), System.getProperty("os.name"));
      System.out.printf("kills: %d (after %d warm-up kills), child: sleep, backoff.min = 0%n", kills, warmup);
      System.out.println(Stats.header());
      System.out.println(Stats.ofNanos(exitNanos).row("kill -9 → exit event on the bus"));
      System.out.println(Stats.ofNanos(restartNanos).row("kill -9 → replacement process started"));
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  private static <T extends HealthEvent> T next(BlockingQueue<HealthEvent> events, Class<T> type)
      throws InterruptedException {
    while (true) {
      HealthEvent e = events.poll(10, TimeUnit.SECONDS);
      if (e == null) {
        throw new IllegalStateException("no " + type.getSimpleName() + " within 10 s");
      }
      if (type.isInstance(e)) {
        return type.cast(e);
      }
    }
  }

  static int intOption(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
