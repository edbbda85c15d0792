package io.regulator.runtime.component;

import io.regulator.core.spec.ProbeSpec;

/**
 * Counts one probe's consecutive results and says when they cross a threshold (Kubernetes
 * semantics): {@code success-threshold} successes in a row make it healthy, {@code
 * failure-threshold} failures in a row make it failed. Results in between change nothing, so one
 * lost request neither takes a component out of service nor restarts it.
 */
final class ProbeTracker {

  /** What a result changed. */
  enum Verdict {
    /** Nothing crossed a threshold. */
    UNCHANGED,
    /** Just became healthy (or was confirmed healthy for the first time). */
    PASSED,
    /** Just became failed. */
    FAILED
  }

  private final ProbeSpec spec;
  private int successes;
  private int failures;
  /** Null until a threshold is first crossed. */
  private Boolean healthy;

  ProbeTracker(ProbeSpec spec) {
    this.spec = spec;
  }

  ProbeSpec spec() {
    return spec;
  }

  Verdict record(boolean ok) {
    if (ok) {
      failures = 0;
      successes++;
      if (successes >= spec.successThreshold() && !Boolean.TRUE.equals(healthy)) {
        healthy = true;
        return Verdict.PASSED;
      }
    } else {
      successes = 0;
      failures++;
      if (failures >= spec.failureThreshold() && !Boolean.FALSE.equals(healthy)) {
        healthy = false;
        return Verdict.FAILED;
      }
    }
    return Verdict.UNCHANGED;
  }

  /** True / false once a threshold was crossed, null before. */
  Boolean healthy() {
    return healthy;
  }

  int consecutiveFailures() {
    return failures;
  }

  /** A new process starts with a clean slate. */
  void reset() {
    successes = 0;
    failures = 0;
    healthy = null;
  }
}
