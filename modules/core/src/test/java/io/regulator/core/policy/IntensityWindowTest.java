package io.regulator.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.spec.IntensitySpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntensityWindowTest {

  @Test
  void exceedsOnlyWhenMoreThanMaxRestartsFallInsideTheWindow() {
    IntensityWindow window = new IntensityWindow(new IntensitySpec(3, Duration.ofSeconds(10)));
    assertThat(window.addAndCheck(0)).isFalse();
    assertThat(window.addAndCheck(1_000)).isFalse();
    assertThat(window.addAndCheck(2_000)).isFalse();
    assertThat(window.addAndCheck(3_000)).isTrue();
  }

  @Test
  void windowSlides() {
    IntensityWindow window = new IntensityWindow(new IntensitySpec(2, Duration.ofSeconds(10)));
    window.addAndCheck(0);
    window.addAndCheck(5_000);
    // the restart at t=0 has left the window at t=10s
    assertThat(window.addAndCheck(10_000)).isFalse();
    assertThat(window.count(10_000)).isEqualTo(2);
    assertThat(window.count(30_000)).isZero();
  }

  @Test
  void zeroMaxRestartsExceedsOnFirstRestart() {
    IntensityWindow window = new IntensityWindow(new IntensitySpec(0, Duration.ofSeconds(1)));
    assertThat(window.addAndCheck(0)).isTrue();
  }
}
