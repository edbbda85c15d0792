package io.regulator.alerting;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one receiver gets in one message: the alerts grouped within {@code group-wait}, or a
 * summary when the global rate limit was hit.
 *
 * @param id unique and stable across retries and restarts (the outbox deduplicates by it)
 * @param summary set when this message stands for alerts held back by the rate limit
 * @param dashboardUrl link to Regulator's dashboard, if configured
 */
public record Notification(
    String id,
    String receiver,
    Instant createdAt,
    List<Alert> alerts,
    Optional<String> summary,
    Optional<String> dashboardUrl) implements AlertSerializable {

  public Notification {
    alerts = List.copyOf(alerts);
  }

  /** The highest severity in the message. */
  public Severity severity() {
    return alerts.stream().map(Alert::severity).max(Enum::compareTo).orElse(Severity.INFO);
  }
}
