package io.regulator.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.spec.BackoffSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private final BackoffSpec spec = new BackoffSpec(Duration.ofMillis(200), Duration.ofSeconds(60), 0.2,
      Duration.ofSeconds(60));

  @Test
  void doublesFromMinWithoutJitter() {
    assertThat(Backoff.delay(spec, 0, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(Backoff.delay(spec, 1, 0.0)).isEqualTo(Duration.ofMillis(400));
    assertThat(Backoff.delay(spec, 2, 0.0)).isEqualTo(Duration.ofMillis(800));
    assertThat(Backoff.delay(spec, 5, 0.0)).isEqualTo(Duration.ofMillis(6400));
  }

  @Test
  void capsAtMaxEvenWithJitterAndHugeAttempts() {
    assertThat(Backoff.delay(spec, 9, 0.0)).isEqualTo(Duration.ofSeconds(60));
    assertThat(Backoff.delay(spec, 9, 0.99)).isEqualTo(Duration.ofSeconds(60));
    assertThat(Backoff.delay(spec, 10_000, 0.5)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void jitterSpreadsUpToRandomFactor() {
    assertThat(Backoff.delay(spec, 0, 0.5)).isEqualTo(Duration.ofMillis(220));
    assertThat(Backoff.delay(spec, 0, 0.999_999).toMillis()).isBetween(239L, 240L);
  }

  @Test
  void zeroMinMeansImmediateRestart() {
    BackoffSpec immediate = new BackoffSpec(Duration.ZERO, Duration.ofSeconds(1), 0.2, Duration.ofSeconds(1));
    assertThat(Backoff.delay(immediate, 7, 0.9)).isEqualTo(Duration.ZERO);
  }
}
