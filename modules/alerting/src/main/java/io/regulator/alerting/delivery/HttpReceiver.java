package io.regulator.alerting.delivery;

import io.regulator.alerting.Notification;
import java.time.Duration;
import java.util.Map;

/** A receiver that is an HTTP endpoint: each notification is one POST of a JSON body. */
public sealed interface HttpReceiver extends Receiver permits SlackReceiver, WebhookReceiver {

  WebhookUrl url();

  /** Extra request headers (e.g. {@code Authorization}); values may be secrets and are never printed. */
  Map<String, String> headers();

  /** The whole exchange (connect, send, answer) must finish within this. */
  Duration timeout();

  /** The request body for a notification: a pure function, see {@link SlackMessage} and {@link WebhookMessage}. */
  String body(Notification notification);

  /** The config key of the URL, for messages that tell the user what to fix. */
  String urlKey();

  /** What the endpoint is in words ("Slack", "the webhook"), for messages. */
  String service();

  @Override
  default String shownEndpoint() {
    return url().redacted();
  }

  @Override
  default String fingerprint() {
    return url().fingerprint();
  }
}
