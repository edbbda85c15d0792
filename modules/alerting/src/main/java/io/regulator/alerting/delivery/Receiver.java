package io.regulator.alerting.delivery;

import java.time.Duration;

/**
 * Where notifications of one name go ({@code regulator.alerts.receivers.<name>}): a Slack incoming
 * webhook, a generic JSON webhook, or Regulator's own log. Each receiver has its own
 * {@link Outbox}. Implementations never print secrets: their {@code toString} shows the redacted
 * URL and header names only.
 */
public sealed interface Receiver permits HttpReceiver, LogReceiver {

  /** The name in config and in {@code Notification.receiver()}. */
  String name();

  /** At least this long between the starts of two requests (zero for the log). */
  Duration minInterval();

  /** Where it sends, fit to print: the redacted URL, or {@code log}. */
  String shownEndpoint();

  /** Changes when config points the receiver elsewhere (a disabled receiver is enabled again then). */
  String fingerprint();
}
