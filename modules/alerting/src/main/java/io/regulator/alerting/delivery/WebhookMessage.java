package io.regulator.alerting.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import java.time.Instant;

/**
 * A notification as the body of a generic JSON webhook: a pure function. The shape is a contract
 * for whoever consumes the webhook, independent of Regulator's Java records; {@code version} goes
 * up when a field changes meaning or disappears (new fields may be added any time):
 * <pre>{@code
 * { "version": 1, "id": "...", "receiver": "ops", "createdAt": "2025-03-01T12:00:00Z",
 *   "severity": "CRITICAL", "resolved": false, "summary": null, "dashboardUrl": "http://...",
 *   "alerts": [ { "key": "runner/crashed", "component": "runner", "condition": "crashed",
 *                 "severity": "CRITICAL", "title": "...", "since": "...", "resolved": false,
 *                 "escalationStep": 0, "lastLines": ["..."],
 *                 "cause": { "category": "EXIT_CODE", "detail": "...", "suggestion": "..." } } ] }
 * }</pre>
 * The same id comes again in the {@code Idempotency-Key} header of every attempt, so a receiver can
 * drop the rare duplicate (see {@link Outbox} on at-least-once).
 */
public final class WebhookMessage {

  /** The version of the body's shape. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private WebhookMessage() {}

  public static String json(Notification n) {
    try {
      return JSON.writeValueAsString(render(n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification as JSON: " + e.getMessage(), e);
    }
  }

  public static ObjectNode render(Notification n) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    root.put("id", n.id());
    root.put("receiver", n.receiver());
    root.put("createdAt", text(n.createdAt()));
    root.put("severity", n.severity().name());
    root.put("resolved", !n.alerts().isEmpty() && n.alerts().stream().allMatch(Alert::resolved));
    root.put("summary", n.summary().orElse(null));
    root.put("dashboardUrl", n.dashboardUrl().orElse(null));
    ArrayNode alerts = root.putArray("alerts");
    for (Alert a : n.alerts()) {
      ObjectNode o = alerts.addObject();
      o.put("key", a.key());
      o.put("component", a.component());
      o.put("condition", a.condition());
      o.put("severity", a.severity().name());
      o.put("title", a.title());
      o.put("since", text(a.since()));
      o.put("resolved", a.resolved());
      o.put("escalationStep", a.escalationStep());
      ArrayNode lines = o.putArray("lastLines");
      a.lastLines().forEach(lines::add);
      if (a.cause() == null) {
        o.putNull("cause");
      } else {
        ObjectNode c = o.putObject("cause");
        c.put("category", a.cause().category().name());
        c.put("detail", a.cause().detail());
        c.put("suggestion", a.cause().suggestion());
      }
    }
    return root;
  }

  private static String text(Instant t) {
    return t == null ? null : t.toString();
  }
}
