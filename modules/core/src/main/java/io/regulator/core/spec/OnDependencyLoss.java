package io.regulator.core.spec;

/** What happens to a component when a dependency it {@code requires} stops being READY. */
public enum OnDependencyLoss {
  /** Stop it now; it waits (WAITING) and starts again once the dependency is READY. */
  STOP,
  /** Keep it running while the dependency is down; restart it once the dependency is READY again. */
  RESTART,
  /** Leave it alone. */
  KEEP;

  public String configName() {
    return name().toLowerCase();
  }
}
