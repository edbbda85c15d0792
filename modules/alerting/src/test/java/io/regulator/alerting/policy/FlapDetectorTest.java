package io.regulator.alerting.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nagios' weighted percent state change over the last 21 samples, with 25 / 30 % hysteresis. */
class FlapDetectorTest {

  private final FlapDetector nagios = new FlapDetector(21, 25, 30, 0.8, 1.2);

  @Test
  void aSteadyHistoryHasNoChange() {
    assertThat(nagios.percentStateChange(Collections.nCopies(21, false))).isZero();
    assertThat(nagios.percentStateChange(Collections.nCopies(21, true))).isZero();
    assertThat(nagios.percentStateChange(List.of())).isZero();
  }

  @Test
  void aChangeAtEverySampleIsAHundredPercent() {
    assertThat(nagios.percentStateChange(alternating(21))).isCloseTo(100.0, within(1e-9));
  }

  @Test
  void newerChangesWeighMoreThanOlderOnes() {
    // one change between the two newest samples: 1.2 of 20 possible changes
    List<Boolean> newest = new ArrayList<>(Collections.nCopies(20, false));
    newest.add(true);
    assertThat(nagios.percentStateChange(newest)).isCloseTo(6.0, within(1e-9));
    // one change between the two oldest samples: 0.8 of 20
    List<Boolean> oldest = new ArrayList<>(Collections.nCopies(20, true));
    oldest.add(0, false);
    assertThat(nagios.percentStateChange(oldest)).isCloseTo(4.0, within(1e-9));
    // Nagios Core's own curve (0.75 to 1.25)
    FlapDetector core = new FlapDetector(21, 25, 30, 0.75, 1.25);
    assertThat(core.percentStateChange(newest)).isCloseTo(6.25, within(1e-9));
    assertThat(core.percentStateChange(oldest)).isCloseTo(3.75, within(1e-9));
  }

  @Test
  void aShortHistoryCountsAsIfItsFirstSampleCameBefore() {
    // [ok, problem]: the one change is the newest of the window
    assertThat(nagios.percentStateChange(List.of(false, true))).isCloseTo(6.0, within(1e-9));
    // six changes in a row, the newest six places: 0.8*6 + 0.4/19*(14+...+19) = 6.884 -> 34.4%
    assertThat(nagios.percentStateChange(alternating(7))).isCloseTo(34.421, within(1e-3));
    // only the last 21 samples count
    List<Boolean> longer = new ArrayList<>(alternating(10));
    longer.addAll(Collections.nCopies(21, false));
    assertThat(nagios.percentStateChange(longer)).isZero();
  }

  @Test
  void startsFlappingAtThirtyPercentAndStopsAtTwentyFive() {
    FlapDetector.History h = FlapDetector.History.EMPTY;
    boolean problem = false;
    List<Boolean> flappingAfter = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      h = nagios.record(h, problem);
      flappingAfter.add(h.flapping());
      problem = !problem;
    }
    // five changes are 28.9% (undecided), the sixth 34.4%
    assertThat(flappingAfter).containsExactly(false, false, false, false, false, false, true);

    // calm samples: it keeps flapping between 25 and 30 and stops at 25 or less
    double last = h.percent();
    while (h.flapping()) {
      h = nagios.record(h, false);
      assertThat(h.percent()).isLessThanOrEqualTo(last);
      if (h.flapping()) {
        assertThat(h.percent()).isGreaterThan(25);
      }
      last = h.percent();
    }
    assertThat(h.percent()).isLessThanOrEqualTo(25);
    assertThat(h.samples()).hasSize(21);
  }

  @Test
  void betweenTheThresholdsNothingChanges() {
    // 5 changes: 28.9%, between low and high: not flapping stays not flapping ...
    FlapDetector.History notFlapping = new FlapDetector.History(alternating(6), false, 0);
    assertThat(nagios.record(notFlapping, true).flapping()).isFalse(); // the same as the sample before: 28.4%
    // ... and flapping stays flapping
    FlapDetector.History flapping = new FlapDetector.History(alternating(6), true, 0);
    FlapDetector.History next = nagios.record(flapping, true);
    assertThat(next.percent()).isBetween(25.0, 30.0);
    assertThat(next.flapping()).isTrue();
  }

  @Test
  void settledWhenEverySampleIsTheSame() {
    assertThat(FlapDetector.History.EMPTY.settledOn(false)).isTrue();
    assertThat(new FlapDetector.History(List.of(false, false), false, 0).settledOn(false)).isTrue();
    assertThat(new FlapDetector.History(List.of(false, false), false, 0).settledOn(true)).isFalse();
    assertThat(new FlapDetector.History(List.of(true, false), false, 6).settledOn(false)).isFalse();
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new FlapDetector(21, 30, 25, 0.8, 1.2)).hasMessageContaining("low < high");
    assertThatThrownBy(() -> new FlapDetector(2, 25, 30, 0.8, 1.2)).hasMessageContaining("at least 3");
  }

  /** false, true, false, ... (n samples, n - 1 changes). */
  private static List<Boolean> alternating(int n) {
    List<Boolean> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i % 2 == 1);
    }
    return l;
  }
}
