package io.regulator.alerting;

import io.regulator.alerting.policy.RateLimiter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What waits for one receiver: the alerts of its current group (sent together when the group's
 * wait is over) and its rate limit, with what the limit held back.
 */
final class ReceiverQueue {

  /** What to send about one alert key at the next flush. */
  sealed interface Pending {}

  /** The open alert as it is at flush time (it may have escalated, been silenced or resolved meanwhile). */
  enum Live implements Pending { INSTANCE }

  /** This alert as it was (a resolved message or a one-shot notice: there is no open alert to look up). */
  record Snapshot(Alert alert) implements Pending {}

  final String receiver;
  /** By alert key: the latest intention for a key wins (a resolved message replaces a pending firing one). */
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  /** When the group's flush timer fires, or null when none is running. */
  Instant flushAt;

  RateLimiter limiter;
  /** The message that hit the limit said so; until there is room again the rest is held back. */
  boolean limitAnnounced;
  private final Map<String, Alert> held = new LinkedHashMap<>();
  int heldMessages;
  Instant heldSince;

  ReceiverQueue(String receiver, RateLimiter limiter) {
    this.receiver = receiver;
    this.limiter = limiter;
  }

  void put(String key, Pending what) {
    pending.remove(key); // keep the order of the latest news
    pending.put(key, what);
  }

  /** Whether news of {@code key} waits in this group, not sent yet. */
  boolean hasLive(String key) {
    return pending.get(key) == Live.INSTANCE;
  }

  void dropLive(String key) {
    pending.remove(key, Live.INSTANCE);
  }

  Map<String, Pending> drain() {
    Map<String, Pending> batch = new LinkedHashMap<>(pending);
    pending.clear();
    return batch;
  }

  void hold(List<Alert> alerts, Instant now) {
    if (held.isEmpty()) {
      heldSince = now;
    }
    heldMessages++;
    alerts.forEach(a -> {
      held.remove(a.key());
      held.put(a.key(), a);
    });
  }

  boolean holding() {
    return !held.isEmpty();
  }

  int heldAlerts() {
    return held.size();
  }

  /** What was held back followed by {@code fresh}, one alert per key (the latest), and forget the held ones. */
  List<Alert> releaseWith(List<Alert> fresh) {
    Map<String, Alert> all = new LinkedHashMap<>(held);
    for (Alert a : fresh) {
      all.remove(a.key());
      all.put(a.key(), a);
    }
    held.clear();
    heldMessages = 0;
    heldSince = null;
    return new ArrayList<>(all.values());
  }
}
