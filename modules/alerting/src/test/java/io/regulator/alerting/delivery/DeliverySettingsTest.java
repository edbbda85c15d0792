package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliverySettingsTest {

  @Test
  void defaultsComeFromTheReferenceConfig() {
    DeliverySettings s = Fixtures.settings("");
    assertThat(s.backoff().min()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.backoff().max()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.backoff().randomFactor()).isEqualTo(0.2);
    assertThat(s.maxRetryAfter()).isEqualTo(Duration.ofHours(1));
    assertThat(s.circuitBreaker()).isEqualTo(new DeliverySettings.CircuitBreakerSpec(5, Duration.ofSeconds(30),
        Duration.ofMinutes(10)));
    assertThat(s.expireAfter()).isEqualTo(Duration.ofHours(24));
    assertThat(s.maxPending()).isEqualTo(1000);
    assertThat(s.dedupWindow()).isEqualTo(1000);
    assertThat(s.snapshotEvery()).isEqualTo(100);
    assertThat(s.node()).isNotBlank();
    assertThat(s.warnings()).isEmpty();
  }

  @Test
  void receiversOfEachTypeWithTheirDefaults() {
    DeliverySettings s = Fixtures.settings("""
        receivers {
          ops { type = slack, webhook-url = "https://hooks.slack.com/services/T/B/X" }
          pager { type = webhook, url = "http://127.0.0.1:9/hook", timeout = 2s, min-interval = 0s,
                  headers { Authorization = "Bearer t", X-Team = 7 } }
          console { type = log }
        }
        """);
    assertThat(s.receivers().keySet()).containsExactly("console", "log", "ops", "pager");
    assertThat(s.receivers().get("ops")).isInstanceOfSatisfying(SlackReceiver.class, r -> {
      assertThat(r.url().uri().toString()).isEqualTo("https://hooks.slack.com/services/T/B/X");
      assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(r.minInterval()).isEqualTo(Duration.ofSeconds(1));
      assertThat(r.headers()).isEmpty();
    });
    assertThat(s.receivers().get("pager")).isInstanceOfSatisfying(WebhookReceiver.class, r -> {
      assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(2));
      assertThat(r.minInterval()).isZero();
      assertThat(r.headers()).containsEntry("Authorization", "Bearer t").containsEntry("X-Team", "7");
    });
    assertThat(s.receivers().get("console")).isEqualTo(new LogReceiver("console", java.util.Optional.empty()));
  }

  @Test
  void aReceiverWithoutItsUrlWritesToTheLogAndSaysSo() {
    // what `webhook-url = ${?SLACK_WEBHOOK_URL}` gives when the variable is not set
    DeliverySettings s = Fixtures.settings("receivers.ops { type = slack, webhook-url = ${?REGULATOR_TEST_UNSET_VAR} }");
    assertThat(s.receivers().get("ops")).isInstanceOfSatisfying(LogReceiver.class,
        r -> assertThat(r.standsFor()).isPresent());
    assertThat(s.warnings()).singleElement().asString()
        .contains("'ops'").contains("regulator.alerts.receivers.ops.webhook-url").contains("log");
  }

  @Test
  void aReceiverSetToNullIsRemoved() {
    assertThat(Fixtures.settings("receivers.log = null").receivers()).doesNotContainKey("log");
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> Fixtures.settings("receivers.ops { type = slak }"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("regulator.alerts.receivers.ops.type").hasMessageContaining("slack, webhook or log");
    assertThatThrownBy(() -> Fixtures.settings("receivers.ops { webhook-url = \"https://h/x\" }"))
        .hasMessageContaining("regulator.alerts.receivers.ops.type");
    assertThatThrownBy(() -> Fixtures.settings("receivers.ops = slack"))
        .hasMessageContaining("regulator.alerts.receivers.ops").hasMessageContaining("type = slack");
    assertThatThrownBy(() -> Fixtures.settings(
        "receivers.ops { type = webhook, url = \"http://h/x\", headers { Content-Length = 3 } }"))
        .hasMessageContaining("regulator.alerts.receivers.ops.headers.Content-Length");
    assertThatThrownBy(() -> Fixtures.settings(
        "receivers.ops { type = webhook, url = \"http://h/x\", timeout = 0s }"))
        .hasMessageContaining("regulator.alerts.receivers.ops.timeout");
    assertThatThrownBy(() -> Fixtures.settings("delivery.backoff { min = 10s, max = 1s }"))
        .hasMessageContaining("regulator.alerts.delivery.backoff");
    assertThatThrownBy(() -> Fixtures.settings("delivery.circuit-breaker.max-failures = 0"))
        .hasMessageContaining("regulator.alerts.delivery.circuit-breaker.max-failures");
  }
}
