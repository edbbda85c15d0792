package io.regulator.alerting.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.regulator.alerting.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** WARNING -> ERROR after 5m -> CRITICAL after 15m, counted from when the alert was raised. */
class EscalationPolicyTest {

  private final EscalationPolicy policy = new EscalationPolicy(List.of(
      new EscalationPolicy.Step(Duration.ofMinutes(5), Optional.of(Severity.ERROR), List.of()),
      new EscalationPolicy.Step(Duration.ofMinutes(15), Optional.of(Severity.CRITICAL), List.of("oncall")),
      new EscalationPolicy.Step(Duration.ofMinutes(60), Optional.empty(), List.of("manager", "oncall"))));

  @Test
  void theStepIsHowManyAfterTimesHavePassed() {
    assertThat(policy.stepAt(Duration.ZERO)).isZero();
    assertThat(policy.stepAt(Duration.ofSeconds(299))).isZero();
    assertThat(policy.stepAt(Duration.ofMinutes(5))).isEqualTo(1);
    assertThat(policy.stepAt(Duration.ofMinutes(14))).isEqualTo(1);
    assertThat(policy.stepAt(Duration.ofMinutes(15))).isEqualTo(2);
    assertThat(policy.stepAt(Duration.ofDays(1))).isEqualTo(3);
    assertThat(policy.nextAfter(0)).contains(Duration.ofMinutes(5));
    assertThat(policy.nextAfter(2)).contains(Duration.ofMinutes(60));
    assertThat(policy.nextAfter(3)).isEmpty();
  }

  @Test
  void severityRisesAndNeverFalls() {
    assertThat(policy.severityAt(Severity.WARNING, 0)).isEqualTo(Severity.WARNING);
    assertThat(policy.severityAt(Severity.WARNING, 1)).isEqualTo(Severity.ERROR);
    assertThat(policy.severityAt(Severity.WARNING, 2)).isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityAt(Severity.WARNING, 3)).isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityAt(Severity.CRITICAL, 1)).isEqualTo(Severity.CRITICAL);
    assertThat(policy.severityAt(Severity.INFO, 1)).isEqualTo(Severity.ERROR);
  }

  @Test
  void stepsAddReceiversOnce() {
    assertThat(policy.receiversAt(List.of("ops"), 1)).containsExactly("ops");
    assertThat(policy.receiversAt(List.of("ops"), 2)).containsExactly("ops", "oncall");
    assertThat(policy.receiversAt(List.of("ops"), 3)).containsExactly("ops", "oncall", "manager");
  }

  @Test
  void stepsMustComeInOrder() {
    assertThatThrownBy(() -> new EscalationPolicy(List.of(
        new EscalationPolicy.Step(Duration.ofMinutes(15), Optional.empty(), List.of()),
        new EscalationPolicy.Step(Duration.ofMinutes(5), Optional.empty(), List.of()))))
        .hasMessageContaining("increasing");
    assertThat(EscalationPolicy.none().stepAt(Duration.ofDays(1))).isZero();
  }
}
