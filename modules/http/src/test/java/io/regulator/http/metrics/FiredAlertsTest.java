package io.regulator.http.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.regulator.alerting.Alert;
import io.regulator.alerting.Notification;
import io.regulator.alerting.Severity;
import io.regulator.core.event.Cause;
import io.regulator.core.event.CauseCategory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FiredAlertsTest {

  private static final Instant T0 = Instant.parse("2026-11-24T10:15:30Z");

  static Alert alert(String component, String condition, Severity severity, Instant since, boolean resolved,
      int step) {
    return new Alert(Alert.key(component, condition), component, condition, severity, component + " " + condition,
        Cause.of(CauseCategory.EXIT_CODE, "exited with code 1"), since, List.of(), resolved, step);
  }

  static Notification to(String receiver, Alert... alerts) {
    return new Notification(receiver + "-" + System.nanoTime(), receiver, T0, List.of(alerts), Optional.empty(),
        Optional.empty());
  }

  @Test
  void anAlertFiresOnceWhateverItsReceiversRepeatsAndEscalations() {
    FiredAlerts fired = new FiredAlerts(100);
    Alert crashed = alert("web", "crashed", Severity.ERROR, T0, false, 0);

    assertThat(fired.firstSeen(to("slack", crashed))).containsExactly(Severity.ERROR);
    assertThat(fired.firstSeen(to("oncall", crashed))).isEmpty();
    assertThat(fired.firstSeen(to("slack", alert("web", "crashed", Severity.CRITICAL, T0, false, 1)))).isEmpty();
    assertThat(fired.firstSeen(to("slack", alert("web", "crashed", Severity.CRITICAL, T0, true, 1)))).isEmpty();
  }

  @Test
  void theSameConditionAgainLaterIsANewAlert() {
    FiredAlerts fired = new FiredAlerts(100);
    fired.firstSeen(to("slack", alert("web", "crashed", Severity.ERROR, T0, false, 0)));

    assertThat(fired.firstSeen(to("slack", alert("web", "crashed", Severity.ERROR, T0.plusSeconds(60), false, 0),
        alert("db", "unhealthy", Severity.WARNING, T0, false, 0))))
        .containsExactly(Severity.ERROR, Severity.WARNING);
  }

  @Test
  void aResolvedMessageAloneIsNoAlert() {
    assertThat(new FiredAlerts(100).firstSeen(to("slack", alert("web", "crashed", Severity.ERROR, T0, true, 0))))
        .isEmpty();
  }
}
