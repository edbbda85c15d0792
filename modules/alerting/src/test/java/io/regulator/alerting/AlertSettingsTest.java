package io.regulator.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.regulator.alerting.policy.EscalationPolicy;
import io.regulator.alerting.policy.FlapDetector;
import io.regulator.core.config.RegulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** regulator.alerts: the defaults of DESIGN §5 from reference.conf, and clear errors for bad values. */
class AlertSettingsTest {

  @TempDir Path tmp;

  @Test
  void theDefaultsAreThoseOfTheDesign() throws Exception {
    AlertSettings s = settings("");
    assertThat(s.groupWait()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.groupWaitCritical()).isZero();
    assertThat(s.repeatInterval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.rateLimitMax()).isEqualTo(20);
    assertThat(s.rateLimitPer()).isEqualTo(Duration.ofHours(1));
    assertThat(s.resolvedNotifications()).isTrue();
    assertThat(s.escalation().steps()).containsExactly(
        new EscalationPolicy.Step(Duration.ofMinutes(5), Optional.of(Severity.ERROR), List.of()),
        new EscalationPolicy.Step(Duration.ofMinutes(15), Optional.of(Severity.CRITICAL), List.of()));
    assertThat(s.flap()).isEqualTo(new FlapDetector(21, 25, 30, 0.8, 1.2));
    assertThat(s.flapInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.rules().severity("crashed", false)).contains(Severity.WARNING);
    assertThat(s.rules().severity("crashed", true)).contains(Severity.ERROR);
    assertThat(s.rules().severity("circuit-open", false)).contains(Severity.ERROR);
    assertThat(s.rules().severity("group-escalated", false)).contains(Severity.CRITICAL);
    assertThat(s.rules().severity("critical", false)).contains(Severity.CRITICAL);
    assertThat(s.rules().severity("orphan", false)).contains(Severity.INFO);
    assertThat(s.receivers()).containsExactly("log");
    assertThat(s.route()).containsExactly("log");
    assertThat(s.dashboardUrl()).isEmpty();
    assertThat(s.groupWaitFor(Severity.CRITICAL)).isZero();
    assertThat(s.groupWaitFor(Severity.ERROR)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyReceiverIsOnTheRouteUnlessItSaysOtherwise() throws Exception {
    AlertSettings all = settings("receivers { ops { type = slack }, pager { type = webhook } }");
    assertThat(all.receivers()).containsExactly("log", "ops", "pager");
    assertThat(all.route()).containsExactly("log", "ops", "pager");

    AlertSettings some = settings("""
        receivers { log = null, ops { type = slack }, pager { type = webhook } }
        route.receivers = [ops]
        escalation.steps = [ { after = 10m, receivers = [pager] } ]
        dashboard-url = "http://regulator.example:8080/"
        """);
    assertThat(some.receivers()).containsExactly("ops", "pager");
    assertThat(some.route()).containsExactly("ops");
    assertThat(some.escalation().steps()).containsExactly(
        new EscalationPolicy.Step(Duration.ofMinutes(10), Optional.empty(), List.of("pager")));
    assertThat(some.dashboardUrl()).contains("http://regulator.example:8080/");
  }

  @Test
  void badValuesAreNamedWithTheirKey() {
    assertThatThrownBy(() -> settings("route.receivers = [pager]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("regulator.alerts.route.receivers")
        .hasMessageContaining("unknown receiver 'pager'")
        .hasMessageContaining("known: log");
    assertThatThrownBy(() -> settings("escalation.steps = [ { after = 5m, receivers = [oncall] } ]"))
        .hasMessageContaining("regulator.alerts.escalation.steps[0].receivers")
        .hasMessageContaining("unknown receiver 'oncall'");
    assertThatThrownBy(() -> settings("rules.crashed = urgent"))
        .hasMessageContaining("regulator.alerts.rules.crashed")
        .hasMessageContaining("'urgent' is not a severity");
    assertThatThrownBy(() -> settings("rules.exploded = ERROR"))
        .hasMessageContaining("regulator.alerts.rules.exploded")
        .hasMessageContaining("unknown condition")
        .hasMessageContaining("crashed");
    assertThatThrownBy(() -> settings("escalation.steps = [ { after = 15m, severity = ERROR }, { after = 5m } ]"))
        .hasMessageContaining("regulator.alerts.escalation.steps[1].after")
        .hasMessageContaining("must be later than the step before it");
    assertThatThrownBy(() -> settings("flap { low = 40, high = 30 }"))
        .hasMessageContaining("regulator.alerts.flap")
        .hasMessageContaining("low < high");
    assertThatThrownBy(() -> settings("rate-limit.max = 0"))
        .hasMessageContaining("regulator.alerts.rate-limit.max");
  }

  @Test
  void rulesMayTurnAConditionOff() throws Exception {
    AlertSettings s = settings("rules { orphan = off, not-ready = Error }");
    assertThat(s.rules().severity("orphan", false)).isEmpty();
    assertThat(s.rules().severity("not-ready", false)).contains(Severity.ERROR);
  }

  private AlertSettings settings(String alerts) throws Exception {
    return AlertSettings.from(RegulatorConfig.fromConfig(
        ConfigFactory.parseString("regulator.alerts { " + alerts + " }"), tmp).regulator());
  }
}
