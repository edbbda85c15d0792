package io.regulator.core.event;

import java.time.Instant;
import java.util.Optional;

/**
 * Everything Regulator observes and decides, published on the event bus in the order it happened
 * for one component. Every event names the node that produced it (DESIGN §10) and the component
 * it is about ({@link #SYSTEM} for Regulator itself).
 */
public sealed interface HealthEvent {

  /** The component name used for events about Regulator itself. */
  String SYSTEM = "system";

  Instant time();

  String node();

  String component();

  /** A component's observed state changed. Every transition of every component is one of these. */
  record StateChanged(
      Instant time, String node, String component, ComponentState from, ComponentState to, Cause cause)
      implements HealthEvent {}

  /** A process of the component started. {@code nanoTime} is {@link System#nanoTime()} right after the spawn. */
  record ProcessStarted(Instant time, String node, String component, long pid, long nanoTime, String command)
      implements HealthEvent {}

  /** A process of the component ended. {@code nanoTime} is when Regulator noticed. */
  record ProcessExited(
      Instant time, String node, String component, long pid, ExitStatus status, Cause cause, long uptimeMillis,
      long nanoTime)
      implements HealthEvent {}

  /**
   * A probe crossed a threshold: it became healthy or failed ({@code role} is startup, readiness
   * or liveness; {@code cause} is null when healthy).
   */
  record ProbeChanged(Instant time, String node, String component, String role, String kind, boolean healthy,
      long latencyMillis, Cause cause, String detail)
      implements HealthEvent {}

  /** The component's restart circuit changed; {@code cooldownMillis} is the current open period. */
  record CircuitChanged(
      Instant time, String node, String component, CircuitState from, CircuitState to, long cooldownMillis,
      Cause cause)
      implements HealthEvent {}

  /** A restart was scheduled after {@code delayMillis} (attempt counts from 1 since the last reset). */
  record RestartScheduled(Instant time, String node, String component, int attempt, long delayMillis)
      implements HealthEvent {}

  /** A group exceeded its intensity; the root keeps everything else running. {@code component} is the group. */
  record GroupEscalated(Instant time, String node, String component, String failedMember, int restarts,
      long withinMillis)
      implements HealthEvent {}

  /** The root raised a critical condition (a group escalated to it). */
  record SystemCritical(Instant time, String node, String component, String reason) implements HealthEvent {}

  /** A process left by an earlier run of Regulator was found and killed or adopted. */
  record OrphanHandled(Instant time, String node, String component, long pid, boolean adopted, String detail)
      implements HealthEvent {}

  /** Regulator itself started or stopped ({@code component} is {@link #SYSTEM}). */
  record RegulatorLifecycle(Instant time, String node, String component, String what, Optional<String> detail)
      implements HealthEvent {}

  /**
   * A person or a tool changed something through the API: who (role and client address), what
   * (method and path, or a short action name) and how it ended ({@code component} is the target,
   * or {@link #SYSTEM}).
   */
  record Audit(Instant time, String node, String component, String who, String action, String outcome)
      implements HealthEvent {}
}
