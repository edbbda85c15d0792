package io.regulator.alerting.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * At most {@code max} messages within any sliding window of {@code per}: a message sent at
 * {@code t} counts until {@code t + per}. Immutable; {@link #record} returns the next state.
 *
 * @param sent when the messages still in the window were sent, oldest first
 */
public record RateLimiter(int max, Duration per, List<Instant> sent) {

  public RateLimiter {
    if (max < 1) {
      throw new IllegalArgumentException("rate-limit max must be at least 1, not " + max);
    }
    if (per.isNegative() || per.isZero()) {
      throw new IllegalArgumentException("rate-limit per must be positive, not " + per);
    }
    sent = List.copyOf(sent);
  }

  public static RateLimiter of(int max, Duration per) {
    return new RateLimiter(max, per, List.of());
  }

  /** Whether one more message may go out at {@code now}. */
  public boolean allows(Instant now) {
    return inWindow(now).size() < max;
  }

  /** The state after a message went out at {@code now} (whether or not it was allowed). */
  public RateLimiter record(Instant now) {
    List<Instant> next = new ArrayList<>(inWindow(now));
    next.add(now);
    return new RateLimiter(max, per, next);
  }

  /** The first instant at or after {@code now} at which a message is allowed again. */
  public Instant nextSlot(Instant now) {
    List<Instant> window = inWindow(now);
    if (window.size() < max) {
      return now;
    }
    // the oldest messages have to leave the window until max - 1 remain
    return window.get(window.size() - max).plus(per);
  }

  /** Messages sent within the window that ends at {@code now}. */
  public int count(Instant now) {
    return inWindow(now).size();
  }

  private List<Instant> inWindow(Instant now) {
    Instant start = now.minus(per);
    return sent.stream().filter(t -> t.isAfter(start)).toList();
  }
}
