package io.regulator.core.spec;

/** Kubernetes probe roles. */
public enum ProbeRole {
  /** Gates the other probes until its first success; failing past its deadline restarts the component. */
  STARTUP,
  /** Passing means READY: dependents may start; failing means RUNNING (alive, not ready). */
  READINESS,
  /** Failing {@code failure-threshold} times in a row means UNHEALTHY and a restart under the restart policy. */
  LIVENESS;

  public String configName() {
    return name().toLowerCase();
  }
}
