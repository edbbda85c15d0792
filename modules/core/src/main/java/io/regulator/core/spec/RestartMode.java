package io.regulator.core.spec;

/** When a component's process is started again after it exited (OTP permanent / transient / temporary). */
public enum RestartMode {
  /** Restart after every exit, clean or not. */
  ALWAYS,
  /** Restart only after an exit whose code is not one of {@code success-exit-codes}, or after a signal. */
  ON_FAILURE,
  /** Never restart; the component stays STOPPED after it exits. */
  NEVER;

  public String configName() {
    return name().toLowerCase().replace('_', '-');
  }
}
