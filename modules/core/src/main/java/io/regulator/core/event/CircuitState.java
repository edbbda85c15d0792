package io.regulator.core.event;

/** The restart circuit of a component. */
public enum CircuitState {
  /** Restarts follow the backoff policy. */
  CLOSED,
  /** No restarts until the cooldown has passed. */
  OPEN,
  /** One trial start is allowed; staying up for {@code reset-after} closes the circuit. */
  HALF_OPEN
}
