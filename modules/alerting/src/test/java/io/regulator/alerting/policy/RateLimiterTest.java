package io.regulator.alerting.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** At most max messages within any sliding window. */
class RateLimiterTest {

  private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");

  @Test
  void allowsMaxWithinTheWindowThenWaitsForTheOldestToLeave() {
    RateLimiter r = RateLimiter.of(3, Duration.ofHours(1));
    r = r.record(T0).record(T0.plusSeconds(60)).record(T0.plusSeconds(120));
    assertThat(r.allows(T0.plusSeconds(180))).isFalse();
    assertThat(r.count(T0.plusSeconds(180))).isEqualTo(3);
    assertThat(r.nextSlot(T0.plusSeconds(180))).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(r.allows(T0.plus(Duration.ofHours(1)).minusMillis(1))).isFalse();
    assertThat(r.allows(T0.plus(Duration.ofHours(1)))).isTrue(); // a message counts for exactly `per`
  }

  @Test
  void theWindowSlides() {
    RateLimiter r = RateLimiter.of(2, Duration.ofMinutes(10));
    r = r.record(T0).record(T0.plusSeconds(300));
    assertThat(r.allows(T0.plusSeconds(599))).isFalse();
    assertThat(r.allows(T0.plusSeconds(600))).isTrue();
    r = r.record(T0.plusSeconds(600));
    assertThat(r.sent()).containsExactly(T0.plusSeconds(300), T0.plusSeconds(600)); // the old one is forgotten
    assertThat(r.nextSlot(T0.plusSeconds(600))).isEqualTo(T0.plusSeconds(900));
  }

  @Test
  void withRoomTheNextSlotIsNow() {
    RateLimiter r = RateLimiter.of(20, Duration.ofHours(1)).record(T0);
    assertThat(r.allows(T0)).isTrue();
    assertThat(r.nextSlot(T0)).isEqualTo(T0);
  }

  @Test
  void needsAPositiveLimit() {
    assertThatThrownBy(() -> RateLimiter.of(0, Duration.ofHours(1))).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> RateLimiter.of(1, Duration.ZERO)).hasMessageContaining("positive");
  }
}
