package io.regulator.runtime.component;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.core.spec.ProbeCheck;
import io.regulator.core.spec.ProbeRole;
import io.regulator.core.spec.ProbeSpec;
import io.regulator.runtime.component.ProbeTracker.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProbeTrackerTest {

  private static ProbeTracker tracker(int failureThreshold, int successThreshold) {
    return new ProbeTracker(new ProbeSpec(ProbeRole.READINESS, new ProbeCheck.Tcp("127.0.0.1", 1),
        Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ZERO, failureThreshold, successThreshold,
        Duration.ofSeconds(3)));
  }

  @Test
  void failsOnlyAfterThresholdFailuresInARow() {
    ProbeTracker t = tracker(3, 1);
    assertThat(t.record(false)).isEqualTo(Verdict.UNCHANGED);
    assertThat(t.record(false)).isEqualTo(Verdict.UNCHANGED);
    assertThat(t.record(true)).isEqualTo(Verdict.PASSED); // a success breaks the run
    assertThat(t.record(false)).isEqualTo(Verdict.UNCHANGED);
    assertThat(t.record(false)).isEqualTo(Verdict.UNCHANGED);
    assertThat(t.record(false)).isEqualTo(Verdict.FAILED);
    assertThat(t.record(false)).isEqualTo(Verdict.UNCHANGED); // reported once
    assertThat(t.healthy()).isFalse();
    assertThat(t.consecutiveFailures()).isEqualTo(4);
  }

  @Test
  void needsSuccessThresholdSuccessesToRecover() {
    ProbeTracker t = tracker(1, 2);
    assertThat(t.record(false)).isEqualTo(Verdict.FAILED);
    assertThat(t.record(true)).isEqualTo(Verdict.UNCHANGED);
    assertThat(t.record(true)).isEqualTo(Verdict.PASSED);
    assertThat(t.record(true)).isEqualTo(Verdict.UNCHANGED);
    t.reset();
    assertThat(t.healthy()).isNull();
  }
}
