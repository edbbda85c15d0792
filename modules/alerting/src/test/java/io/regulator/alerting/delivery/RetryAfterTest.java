package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  @Test
  void secondsAndHttpDatesBothCount() {
    assertThat(RetryAfter.parse("30", NOW)).contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("Sat, 01 Mar 2025 12:00:45 GMT", NOW)).contains(Duration.ofSeconds(45));
  }

  @Test
  void aDateInThePastMeansNow() {
    assertThat(RetryAfter.parse("Sat, 01 Mar 2025 11:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void garbageIsIgnoredAndHugeIsHuge() {
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
    assertThat(RetryAfter.parse("", NOW)).isEmpty();
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    assertThat(RetryAfter.parse("99999999999999999999999", NOW)).get()
        .matches(d -> d.compareTo(Duration.ofDays(365)) > 0);
    assertThat(RetryAfter.parse("1.5", NOW)).isEqualTo(Optional.empty());
  }
}
