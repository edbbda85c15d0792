package io.regulator.core.policy;

import io.regulator.core.spec.BackoffSpec;
import java.time.Duration;

/** Restart delay after a failure: pure function of the policy, the attempt number and a random draw. */
public final class Backoff {

  private Backoff() {}

  /**
   * The delay before restart number {@code attempt} (0 for the first restart since the last reset):
   * {@code min * 2^attempt}, times {@code 1 + random * randomFactor}, never above {@code max}.
   *
   * @param random a uniform draw in [0, 1)
   */
  public static Duration delay(BackoffSpec spec, int attempt, double random) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0, was " + attempt);
    }
    long minNanos = spec.min().toNanos();
    long maxNanos = spec.max().toNanos();
    if (minNanos == 0) {
      return Duration.ZERO;
    }
    // Stop doubling once past max: avoids overflow for long crash loops.
    double base = minNanos;
    for (int i = 0; i < attempt && base < maxNanos; i++) {
      base *= 2;
    }
    double jittered = Math.min(base, maxNanos) * (1.0 + random * spec.randomFactor());
    return Duration.ofNanos((long) Math.min(jittered, maxNanos));
  }
}
