package io.regulator.alerting.delivery;

import io.regulator.core.policy.Backoff;
import io.regulator.core.spec.BackoffSpec;
import java.time.Duration;
import java.util.Optional;

/** When to try a message again after a failed attempt: a pure function. */
public final class RetryPolicy {

  private RetryPolicy() {}

  /**
   * The wait after failed attempt number {@code failures} (1 for the first) of one message:
   * {@code Retry-After} when the endpoint sent one, capped at {@code maxRetryAfter}; otherwise the
   * exponential backoff of {@code backoff} ({@code min * 2^(failures-1)} up to {@code max}, plus up
   * to {@code random-factor} jitter so receivers that failed together do not retry together). The
   * receiver's {@code min-interval} applies on top, in the {@link Outbox}.
   *
   * @param random a uniform draw in [0, 1)
   */
  public static Duration delay(BackoffSpec backoff, Duration maxRetryAfter, int failures,
      Optional<Duration> retryAfter, double random) {
    if (failures < 1) {
      throw new IllegalArgumentException("failures must be >= 1, was " + failures);
    }
    if (retryAfter.isPresent()) {
      Duration wait = retryAfter.get();
      return wait.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : wait;
    }
    return Backoff.delay(backoff, failures - 1, random);
  }
}
