package io.regulator.alerting;

import java.time.Instant;

/**
 * What the alert manager publishes on the actor system's event stream (where the health events
 * are), for the journal and the HTTP stream to record: suppressed alerts with their reason, and
 * silences coming and going.
 */
public sealed interface AlertEvent extends AlertSerializable {

  Instant time();

  /** An alert is not sent, and why (once per alert and reason). */
  record AlertSuppressed(Instant time, Alert alert, String reason) implements AlertEvent {}

  record SilenceAdded(Instant time, Silence silence) implements AlertEvent {}

  /** @param expired true when its window ended, false when it was removed before */
  record SilenceRemoved(Instant time, Silence silence, boolean expired) implements AlertEvent {}
}
