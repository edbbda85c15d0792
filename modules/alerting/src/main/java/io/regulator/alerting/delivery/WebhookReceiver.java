package io.regulator.alerting.delivery;

import io.regulator.alerting.Notification;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** A generic JSON webhook: the notification as JSON, see {@link WebhookMessage}. */
public record WebhookReceiver(String name, WebhookUrl url, Map<String, String> headers, Duration timeout,
    Duration minInterval) implements HttpReceiver {

  public WebhookReceiver {
    headers = Map.copyOf(headers);
  }

  @Override
  public String body(Notification notification) {
    return WebhookMessage.json(notification);
  }

  @Override
  public String urlKey() {
    return "regulator.alerts.receivers." + name + ".url";
  }

  @Override
  public String service() {
    return "the webhook";
  }

  @Override
  public String toString() {
    return "WebhookReceiver[name=" + name + ", url=" + url + ", headers=" + new TreeMap<>(headers).keySet()
        + ", timeout=" + timeout + ", minInterval=" + minInterval + "]";
  }
}
