package io.regulator.alerting.delivery;

import io.regulator.alerting.Notification;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** A Slack incoming webhook: Block Kit messages, see {@link SlackMessage}. */
public record SlackReceiver(String name, WebhookUrl url, Map<String, String> headers, Duration timeout,
    Duration minInterval) implements HttpReceiver {

  public SlackReceiver {
    headers = Map.copyOf(headers);
  }

  @Override
  public String body(Notification notification) {
    return SlackMessage.json(notification);
  }

  @Override
  public String urlKey() {
    return "regulator.alerts.receivers." + name + ".webhook-url";
  }

  @Override
  public String service() {
    return "Slack";
  }

  @Override
  public String toString() {
    return "SlackReceiver[name=" + name + ", url=" + url + ", headers=" + new TreeMap<>(headers).keySet()
        + ", timeout=" + timeout + ", minInterval=" + minInterval + "]";
  }
}
