package io.regulator.alerting;

import java.time.Instant;

/**
 * A maintenance window: no notification about {@code component} between {@code startsAt} and
 * {@code endsAt}. Alerts still open when it ends are sent then.
 *
 * @param id given by the alert manager, to remove it
 * @param component a component, {@code system} for Regulator's own alerts, or {@code *} for all
 */
public record Silence(String id, String component, Instant startsAt, Instant endsAt, String reason)
    implements AlertSerializable {

  /** Silences every component. */
  public static final String ALL = "*";

  public boolean covers(String component, Instant at) {
    return activeAt(at) && (this.component.equals(ALL) || this.component.equals(component));
  }

  public boolean activeAt(Instant at) {
    return !at.isBefore(startsAt) && at.isBefore(endsAt);
  }
}
