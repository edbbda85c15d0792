package io.regulator.core.policy;

import io.regulator.core.spec.IntensitySpec;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * OTP's restart intensity: the restarts within a sliding window. Adding one more than
 * {@code max-restarts} within {@code within} means the intensity is exceeded.
 */
public final class IntensityWindow {

  private final IntensitySpec spec;
  private final Deque<Long> restarts = new ArrayDeque<>();

  public IntensityWindow(IntensitySpec spec) {
    this.spec = spec;
  }

  /**
   * Counts a restart at {@code nowMillis} and tells whether the intensity is now exceeded. Restarts
   * older than the window are forgotten first.
   */
  public boolean addAndCheck(long nowMillis) {
    prune(nowMillis);
    restarts.addLast(nowMillis);
    return restarts.size() > spec.maxRestarts();
  }

  /** Restarts still inside the window at {@code nowMillis}. */
  public int count(long nowMillis) {
    prune(nowMillis);
    return restarts.size();
  }

  public void clear() {
    restarts.clear();
  }

  private void prune(long nowMillis) {
    long horizon = nowMillis - spec.within().toMillis();
    while (!restarts.isEmpty() && restarts.peekFirst() <= horizon) {
      restarts.removeFirst();
    }
  }
}
