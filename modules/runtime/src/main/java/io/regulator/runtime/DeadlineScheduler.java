package io.regulator.runtime;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractScheduler;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.SchedulerException;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko's scheduler (timers, ask timeouts, backoff, probe periods) on a JDK
 * {@link ScheduledThreadPoolExecutor}: one thread that sleeps until the next deadline.
 *
 * <p>Pekko's default scheduler wakes every {@code tick-duration} (10 ms) whether or not a timer is
 * due: a hundred wake-ups a second, most of the CPU an idle Regulator used (about 160 ms per
 * minute, see docs/benchmarks.md). This one wakes only when a task is due, and fires it within a
 * fraction of a millisecond of its deadline instead of rounding it up to the next tick. Selected
 * through Pekko's documented {@code pekko.scheduler.implementation} setting (runtime
 * reference.conf); it keeps Pekko's contract: tasks run on the execution context they were
 * scheduled with, a task scheduled after {@link #close()} is refused (as Pekko's own scheduler
 * does: an {@link IllegalStateException} caused by a {@link SchedulerException}), and at close the pending one-shot tasks marked
 * {@link Scheduler.TaskRunOnClose} run on the closing thread while all others are dropped, as
 * Pekko's own scheduler does.
 *
 * <p>Repeated tasks: {@code scheduleAtFixedRate} maps onto the executor's fixed rate (no drift;
 * a late round is caught up at once, never run twice at the same time); Pekko builds
 * {@code scheduleWithFixedDelay} itself out of {@link #scheduleOnce}.
 */
public final class DeadlineScheduler extends AbstractScheduler implements Closeable {

  /** Each task only hands work to an execution context, so a millisecond is plenty of resolution. */
  private static final double MAX_FREQUENCY = 1000.0;
  private static final String SHUT_DOWN = "cannot enqueue after timer shutdown";

  private final ScheduledThreadPoolExecutor timer;
  /** One-shot tasks marked {@link Scheduler.TaskRunOnClose}, neither run nor cancelled yet. */
  private final Set<OneShot> runOnClose = ConcurrentHashMap.newKeySet();
  private final LoggingAdapter log;

  /** The constructor Pekko calls, by reflection, with the system's config, log and thread factory. */
  public DeadlineScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this(threadFactory, log);
  }

  DeadlineScheduler(ThreadFactory threadFactory, LoggingAdapter log) {
    this.log = log;
    timer = new ScheduledThreadPoolExecutor(1, threadFactory);
    timer.setRemoveOnCancelPolicy(true); // ask timeouts are cancelled by the thousand
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
    long nanos = Math.max(0, delay.toNanos());
    if (!(runnable instanceof Scheduler.TaskRunOnClose)) {
      // The common case (ask timeouts, actor timers): nothing to remember for close.
      return cancellable(submit(() -> timer.schedule(() -> dispatch(runnable, executor), nanos,
          TimeUnit.NANOSECONDS)), () -> { });
    }
    OneShot task = new OneShot(runnable, executor, runOnClose);
    runOnClose.add(task);
    try {
      return cancellable(submit(() -> timer.schedule(task, nanos, TimeUnit.NANOSECONDS)),
          () -> runOnClose.remove(task));
    } catch (IllegalStateException e) {
      runOnClose.remove(task);
      throw e;
    }
  }

  @Override
  public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable,
      ExecutionContext executor) {
    if (interval.toNanos() <= 0) {
      throw new IllegalArgumentException("interval of a repeated task must be positive, not " + interval);
    }
    Runnable handOver = () -> dispatch(runnable, executor);
    return cancellable(submit(() -> timer.scheduleAtFixedRate(handOver,
        Math.max(0, initialDelay.toNanos()), interval.toNanos(), TimeUnit.NANOSECONDS)), () -> { });
  }

  /** {@code onCancelled} runs when a cancel stopped the task before it ran. */
  private static Cancellable cancellable(ScheduledFuture<?> future, Runnable onCancelled) {
    return new Cancellable() {
      @Override
      public boolean cancel() {
        boolean cancelled = future.cancel(false);
        if (cancelled) {
          onCancelled.run();
        }
        return cancelled;
      }

      @Override
      public boolean isCancelled() {
        return future.isCancelled();
      }
    };
  }

  @Override
  public double maxFrequency() {
    return MAX_FREQUENCY;
  }

  /**
   * Stops the thread. Of the one-shot tasks still waiting, those marked
   * {@link Scheduler.TaskRunOnClose} run now, here; the others and the repeated ones are dropped.
   */
  @Override
  public void close() {
    timer.shutdownNow();
    for (OneShot task : runOnClose.toArray(new OneShot[0])) {
      if (runOnClose.remove(task)) {
        try {
          task.runnable.run();
        } catch (SchedulerException | IllegalStateException e) {
          // it tried to schedule again: nothing is scheduled any more
        } catch (RuntimeException e) {
          log.error(e, "exception while running a timer task at close");
        }
      }
    }
  }

  /** One-shot tasks marked to run on close, neither run nor cancelled yet (for tests). */
  int pendingCount() {
    return runOnClose.size();
  }

  /**
   * Refused after close: an {@link IllegalStateException} caused by a {@link SchedulerException},
   * exactly what Pekko's own scheduler throws and what Pekko's internals expect and ignore.
   */
  private ScheduledFuture<?> submit(java.util.function.Supplier<ScheduledFuture<?>> schedule) {
    try {
      return schedule.get();
    } catch (RejectedExecutionException e) {
      SchedulerException cause = new SchedulerException(SHUT_DOWN);
      throw new IllegalStateException(SHUT_DOWN, cause);
    }
  }

  /** Hands the task to its execution context; a context that is shut down drops it, as Pekko does. */
  private static void dispatch(Runnable runnable, ExecutionContext executor) {
    try {
      executor.execute(runnable);
    } catch (RejectedExecutionException e) {
      // The dispatcher is gone (the system is terminating): nobody is left to run it.
    }
  }

  /** A one-shot task: runs at most once, by the timer or by {@link #close()}, whichever comes first. */
  private static final class OneShot implements Runnable {
    private final Runnable runnable;
    private final ExecutionContext executor;
    private final Set<OneShot> pending;

    OneShot(Runnable runnable, ExecutionContext executor, Set<OneShot> pending) {
      this.runnable = runnable;
      this.executor = executor;
      this.pending = pending;
    }

    @Override
    public void run() {
      if (pending.remove(this)) {
        dispatch(runnable, executor);
      }
    }
  }
}
