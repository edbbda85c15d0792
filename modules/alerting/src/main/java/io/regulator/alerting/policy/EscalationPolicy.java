package io.regulator.alerting.policy;

import io.regulator.alerting.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Escalation by time while an alert stays unresolved: after each step's {@code after} (counted
 * from when the alert was raised, not from the previous step) the alert's severity rises to at
 * least the step's severity and the step's receivers are added. Step 0 is the alert as raised.
 */
public record EscalationPolicy(List<Step> steps) {

  /**
   * @param after time since the alert was raised
   * @param severity the least severity from this step on; empty = the step only adds receivers
   * @param receivers receivers added from this step on
   */
  public record Step(Duration after, Optional<Severity> severity, List<String> receivers) {
    public Step {
      receivers = List.copyOf(receivers);
    }
  }

  public EscalationPolicy {
    steps = List.copyOf(steps);
    Duration previous = Duration.ZERO;
    for (Step s : steps) {
      if (s.after().compareTo(previous) <= 0) {
        throw new IllegalArgumentException("escalation steps need increasing positive `after` times, got "
            + s.after() + " after " + previous);
      }
      previous = s.after();
    }
  }

  public static EscalationPolicy none() {
    return new EscalationPolicy(List.of());
  }

  /** How many steps have been reached after {@code elapsed}. */
  public int stepAt(Duration elapsed) {
    int step = 0;
    while (step < steps.size() && steps.get(step).after().compareTo(elapsed) <= 0) {
      step++;
    }
    return step;
  }

  /** When (since the alert was raised) the step after {@code step} is reached, if there is one. */
  public Optional<Duration> nextAfter(int step) {
    return step < steps.size() ? Optional.of(steps.get(step).after()) : Optional.empty();
  }

  /** The severity at {@code step} of an alert raised at {@code base}: never lower than base. */
  public Severity severityAt(Severity base, int step) {
    Severity s = base;
    for (int i = 0; i < Math.min(step, steps.size()); i++) {
      Optional<Severity> raise = steps.get(i).severity();
      if (raise.isPresent() && raise.get().compareTo(s) > 0) {
        s = raise.get();
      }
    }
    return s;
  }

  /** The receivers at {@code step}: {@code base} plus those every step so far added, in order, no repeats. */
  public List<String> receiversAt(List<String> base, int step) {
    Set<String> all = new LinkedHashSet<>(base);
    for (int i = 0; i < Math.min(step, steps.size()); i++) {
      all.addAll(steps.get(i).receivers());
    }
    return new ArrayList<>(all);
  }
}
