package io.regulator.alerting;

import java.util.List;
import java.util.Optional;

/**
 * An alert that is not resolved, as the alert manager holds it ({@link AlertManager.GetActive}).
 *
 * @param alert the alert as it would be sent now (severity and step after escalation)
 * @param receivers who gets it (the route plus what escalation added)
 * @param notified whether it has been sent to anyone yet
 * @param suppressed why it is not being sent (silence, inhibition by a down dependency, flapping)
 * @param occurrences how often its condition was seen while it was open (duplicates included)
 */
public record ActiveAlert(Alert alert, List<String> receivers, boolean notified, Optional<String> suppressed,
    int occurrences) {
  public ActiveAlert {
    receivers = List.copyOf(receivers);
  }
}
