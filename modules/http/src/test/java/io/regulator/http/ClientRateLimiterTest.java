package io.regulator.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClientRateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ClientRateLimiter limiter = new ClientRateLimiter(new HttpSettings.RateLimit(2, 3), now::get);

  @Test
  void aBurstThenTheRefillRatePerClient() {
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    long retry = limiter.acquire("10.0.0.1");
    assertThat(retry).isEqualTo(1);
    // another client has its own bucket
    assertThat(limiter.acquire("10.0.0.2")).isZero();
    // 2 per second: half a second gives one request back
    now.addAndGet(500_000_000L);
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isPositive();
    // a long pause refills up to the burst, not beyond
    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("10.0.0.1")).isZero();
    }
    assertThat(limiter.acquire("10.0.0.1")).isPositive();
  }
}
