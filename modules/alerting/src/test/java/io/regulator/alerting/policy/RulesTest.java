package io.regulator.alerting.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.alerting.Severity;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A condition's severity, one level higher on a critical component; off means none. */
class RulesTest {

  private final Rules rules = new Rules(Map.of(
      "crashed", Optional.of(Severity.WARNING),
      "group-escalated", Optional.of(Severity.CRITICAL),
      "orphan", Optional.empty()));

  @Test
  void criticalComponentsRaiseOneLevel() {
    assertThat(rules.severity("crashed", false)).contains(Severity.WARNING);
    assertThat(rules.severity("crashed", true)).contains(Severity.ERROR);
    assertThat(rules.severity("group-escalated", true)).contains(Severity.CRITICAL);
  }

  @Test
  void offAndUnknownConditionsHaveNoSeverity() {
    assertThat(rules.severity("orphan", false)).isEmpty();
    assertThat(rules.severity("orphan", true)).isEmpty();
    assertThat(rules.severity("exploded", false)).isEmpty();
  }
}
