package io.regulator.runtime.probe;

import io.regulator.core.spec.ProbeRole;

/**
 * Hears of every completed probe check, e.g. to feed a latency histogram. A component's
 * supervisor calls it on its own thread once per check result it counts (not for results about a
 * process that has already gone), so it must be quick and must not block; whatever it throws is
 * logged and otherwise ignored.
 */
@FunctionalInterface
public interface ProbeListener {

  /**
   * @param component the component the probe belongs to
   * @param role the probe's role
   * @param kind the probe's kind as in the config ({@code http}, {@code exec}, ...)
   * @param latencyNanos how long the check took
   * @param success whether this one check passed (not the probe's verdict over its thresholds)
   */
  void checked(String component, ProbeRole role, String kind, long latencyNanos, boolean success);

  /** A listener that does nothing. */
  static ProbeListener none() {
    return (component, role, kind, latencyNanos, success) -> {};
  }
}
