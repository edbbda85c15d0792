package io.regulator.alerting;

import io.regulator.core.event.Cause;
import java.time.Instant;
import java.util.List;

/**
 * One alert as people see it: a problem of one component (or of Regulator itself), keyed by
 * component + condition so that repeats are the same alert.
 *
 * @param key dedup key, {@code <component>/<condition>}
 * @param condition what is wrong in a word or two ({@code crashed}, {@code circuit-open},
 *     {@code unhealthy}, {@code failed}, {@code flapping}, {@code group-escalated}, ...)
 * @param since when the condition started (not when this alert was sent)
 * @param lastLines the component's last output lines, for diagnosis (may be empty)
 * @param resolved true for the "resolved" notification of an alert that was sent before
 * @param escalationStep 0 for the first notification, then 1, 2, ... per escalation step
 */
public record Alert(
    String key,
    String component,
    String condition,
    Severity severity,
    String title,
    Cause cause,
    Instant since,
    List<String> lastLines,
    boolean resolved,
    int escalationStep) implements AlertSerializable {

  public Alert {
    lastLines = List.copyOf(lastLines);
  }

  public static String key(String component, String condition) {
    return component + "/" + condition;
  }
}
