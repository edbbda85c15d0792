package io.regulator.http.metrics;

import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which alerts of a {@link Notification} fired for the first time. An alert fires once per
 * occurrence of its condition (its key and {@code since}), however many receivers get it, however
 * often it is repeated or escalated; its "resolved" message is no new alert. It counts at the
 * severity it was first sent with. Alerts held back for good by a silence or an inhibition never
 * reach a notification and do not count.
 *
 * <p>Remembers the last {@code capacity} alerts, far more than are open at once.
 */
final class FiredAlerts {

  private record Occurrence(String key, Instant since) {}

  private final Map<Occurrence, Boolean> seen;

  FiredAlerts(int capacity) {
    this.seen = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Occurrence, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** The severities of the alerts in {@code n} not seen before, one per alert. */
  synchronized List<Severity> firstSeen(Notification n) {
    List<Severity> fired = new ArrayList<>();
    for (Alert alert : n.alerts()) {
      if (!alert.resolved() && seen.putIfAbsent(new Occurrence(alert.key(), alert.since()), Boolean.TRUE) == null) {
        fired.add(alert.severity());
      }
    }
    return fired;
  }
}
