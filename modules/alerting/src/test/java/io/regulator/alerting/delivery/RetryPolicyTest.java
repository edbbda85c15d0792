package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regulator.core.spec.BackoffSpec;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  static final BackoffSpec BACKOFF = new BackoffSpec(Duration.ofSeconds(1), Duration.ofMinutes(5), 0.2, Duration.ZERO);
  static final Duration CAP = Duration.ofHours(1);

  @Test
  void backoffDoublesUpToMax() {
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 1, Optional.empty(), 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 2, Optional.empty(), 0)).isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 5, Optional.empty(), 0)).isEqualTo(Duration.ofSeconds(16));
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 40, Optional.empty(), 0)).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void jitterSpreadsUpToTheRandomFactor() {
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 3, Optional.empty(), 0.5)).isEqualTo(Duration.ofMillis(4400));
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 3, Optional.empty(), 0.999)).isLessThan(Duration.ofMillis(4800));
  }

  @Test
  void retryAfterWinsButIsCapped() {
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 9, Optional.of(Duration.ofSeconds(2)), 0.7))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryPolicy.delay(BACKOFF, CAP, 1, Optional.of(Duration.ofDays(3)), 0)).isEqualTo(CAP);
  }

  @Test
  void attemptsCountFromOne() {
    assertThatThrownBy(() -> RetryPolicy.delay(BACKOFF, CAP, 0, Optional.empty(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
