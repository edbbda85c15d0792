package io.regulator.alerting.delivery;

import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Regulator's own log (logger {@value #LOGGER}): one line per notification, at ERROR for ERROR and
 * CRITICAL, WARN for WARNING, INFO otherwise and for resolved notifications.
 *
 * @param standsFor set when this receiver replaces a Slack or webhook receiver that has no URL
 *     configured (e.g. {@code SLACK_WEBHOOK_URL} unset): says which, and what to set
 */
public record LogReceiver(String name, Optional<String> standsFor) implements Receiver {

  /** The logger notifications are written to. */
  public static final String LOGGER = "io.regulator.alerts";

  @Override
  public Duration minInterval() {
    return Duration.ZERO;
  }

  @Override
  public String shownEndpoint() {
    return "log";
  }

  @Override
  public String fingerprint() {
    return "log";
  }

  /** The level the notification is logged at. */
  public static Severity level(Notification n) {
    boolean resolved = !n.alerts().isEmpty() && n.alerts().stream().allMatch(Alert::resolved);
    return resolved ? Severity.INFO : n.severity();
  }

  /** The log line: a pure function of the notification. */
  public String line(Notification n) {
    StringBuilder b = new StringBuilder("alert to '").append(name).append("': ");
    n.summary().ifPresent(s -> b.append(s).append(n.alerts().isEmpty() ? "" : " | "));
    b.append(n.alerts().stream().map(LogReceiver::describe).collect(Collectors.joining(" | ")));
    b.append(" [notification ").append(n.id()).append(']');
    return b.toString();
  }

  private static String describe(Alert a) {
    StringBuilder b = new StringBuilder();
    b.append(a.resolved() ? "RESOLVED" : a.severity().name()).append(' ').append(a.key()).append(": ")
        .append(a.title());
    if (a.cause() != null && !a.cause().detail().isEmpty()) {
      b.append(" - ").append(a.cause());
    }
    if (a.since() != null) {
      b.append(", since ").append(a.since());
    }
    return b.toString();
  }
}
