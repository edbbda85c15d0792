package io.regulator.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.SchedulerException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;
import scala.concurrent.ExecutionContextExecutorService;
import scala.concurrent.duration.FiniteDuration;

class DeadlineSchedulerTest {

  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-pool"));
  private final ExecutionContextExecutorService ec = ExecutionContext.fromExecutorService(pool);
  private final DeadlineScheduler scheduler = new DeadlineScheduler(r -> {
    Thread t = new Thread(r, "test-timer");
    t.setDaemon(true);
    return t;
  }, org.apache.pekko.event.NoLogging$.MODULE$);

  @AfterEach
  void stop() {
    scheduler.close();
    pool.shutdownNow();
  }

  @Test
  void aOneShotTaskRunsOnItsExecutionContextNotBeforeItsDelayAndAboutOnTime() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    List<String> threads = new CopyOnWriteArrayList<>();
    long[] at = new long[1];
    long start = System.nanoTime();
    scheduler.scheduleOnce(millis(50), () -> {
      at[0] = System.nanoTime();
      threads.add(Thread.currentThread().getName());
      ran.countDown();
    }, ec);
    assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(threads).containsExactly("test-pool");
    assertThat(Duration.ofNanos(at[0] - start)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void aCancelledTaskNeverRunsAndIsForgotten() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Cancellable once = scheduler.scheduleOnce(millis(100), runs::incrementAndGet, ec);
    Cancellable repeated = scheduler.schedule(millis(100), millis(10), runs::incrementAndGet, ec);
    assertThat(once.cancel()).isTrue();
    assertThat(repeated.cancel()).isTrue();
    assertThat(once.isCancelled()).isTrue();
    assertThat(once.cancel()).as("a second cancel changes nothing").isFalse();
    assertThat(scheduler.pendingCount()).isZero();
    Thread.sleep(300);
    assertThat(runs).hasValue(0);
  }

  @Test
  void aRepeatedTaskKeepsItsRateUntilCancelled() throws Exception {
    CountDownLatch five = new CountDownLatch(5);
    long start = System.nanoTime();
    Cancellable repeated = scheduler.schedule(millis(0), millis(20), five::countDown, ec);
    assertThat(five.await(5, TimeUnit.SECONDS)).isTrue();
    repeated.cancel();
    // Five runs at 0, 20, 40, 60, 80 ms: never sooner than the rate allows.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(80));
    assertThatThrownBy(() -> scheduler.schedule(millis(0), millis(0), () -> { }, ec))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closeRunsThePendingTasksMarkedRunOnCloseDropsTheOthersAndRefusesNewOnes() throws Exception {
    List<String> ran = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    Runnable onClose = (Runnable & Scheduler.TaskRunOnClose) () -> {
      ran.add("marked");
      threads.add(Thread.currentThread().getName());
    };
    scheduler.scheduleOnce(millis(60_000), onClose, ec);
    scheduler.scheduleOnce(millis(60_000), () -> ran.add("plain"), ec);
    scheduler.scheduleOnce(millis(60_000), (Runnable & Scheduler.TaskRunOnClose) () -> ran.add("cancelled"), ec)
        .cancel();
    scheduler.close();
    Thread.sleep(100); // anything handed to the pool would have run by now
    assertThat(ran).containsExactly("marked");
    assertThat(threads).containsExactly(Thread.currentThread().getName());
    assertThat(scheduler.pendingCount()).isZero();
    assertThatThrownBy(() -> scheduler.scheduleOnce(millis(1), () -> { }, ec))
        .isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(SchedulerException.class);
    assertThatThrownBy(() -> scheduler.schedule(millis(1), millis(1), () -> { }, ec))
        .isInstanceOf(IllegalStateException.class).hasCauseInstanceOf(SchedulerException.class);
  }

  @Test
  void theRuntimeConfigMakesItTheActorSystemsSchedulerAndTimersWork() {
    ActorTestKit kit = ActorTestKit.create(ConfigFactory.load());
    try {
      assertThat(kit.system().classicSystem().scheduler()).isInstanceOf(DeadlineScheduler.class);
      TestProbe<String> probe = kit.createTestProbe();
      kit.spawn(Behaviors.<String>withTimers(timers -> {
        timers.startTimerAtFixedRate("tick", "tick", Duration.ofMillis(20));
        return Behaviors.receiveMessage(m -> {
          probe.ref().tell(m);
          return Behaviors.same();
        });
      }));
      for (int i = 0; i < 3; i++) {
        probe.expectMessage(Duration.ofSeconds(3), "tick");
      }
      // The ask pattern's timeout runs on the scheduler too.
      TestProbe<Object> silent = kit.createTestProbe();
      assertThatThrownBy(() -> org.apache.pekko.actor.typed.javadsl.AskPattern.<Object, String>ask(
              silent.ref(), reply -> "no answer", Duration.ofMillis(50), kit.scheduler())
          .toCompletableFuture().get(3, TimeUnit.SECONDS))
          .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static FiniteDuration millis(long ms) {
    return FiniteDuration.create(ms, TimeUnit.MILLISECONDS);
  }
}
