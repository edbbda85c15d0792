package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regulator.alerting.Notification;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generic webhook's body: the notification as JSON in a documented shape. */
class WebhookMessageTest {

  @Test
  void theBodyCarriesTheWholeNotification() throws Exception {
    Instant created = Instant.parse("2025-03-01T12:00:00Z");
    Notification n = Fixtures.notification("n-7", "pager", created);

    JsonNode body = new ObjectMapper().readTree(WebhookMessage.json(n));

    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("id").asText()).isEqualTo("n-7");
    assertThat(body.get("receiver").asText()).isEqualTo("pager");
    assertThat(body.get("createdAt").asText()).isEqualTo("2025-03-01T12:00:00Z");
    assertThat(body.get("severity").asText()).isEqualTo("ERROR");
    assertThat(body.get("resolved").asBoolean()).isFalse();
    assertThat(body.get("summary").isNull()).isTrue();
    assertThat(body.get("dashboardUrl").asText()).isEqualTo("http://127.0.0.1:8080/");
    JsonNode alert = body.get("alerts").get(0);
    assertThat(alert.get("key").asText()).isEqualTo("runner/crashed");
    assertThat(alert.get("component").asText()).isEqualTo("runner");
    assertThat(alert.get("condition").asText()).isEqualTo("crashed");
    assertThat(alert.get("title").asText()).isEqualTo("runner crashed (n-7)");
    assertThat(alert.get("since").asText()).isEqualTo("2025-03-01T11:58:30Z");
    assertThat(alert.get("escalationStep").asInt()).isZero();
    assertThat(alert.at("/cause/category").asText()).isEqualTo("EXIT_CODE");
    assertThat(alert.at("/cause/detail").asText()).isEqualTo("exited with code 3");
    assertThat(alert.at("/cause/suggestion").asText()).isEqualTo("look at logs/runner.log");
    assertThat(alert.get("lastLines")).extracting(JsonNode::asText).containsExactly("starting", "Error: boom");
  }

  @Test
  void aSummaryWithoutAlertsIsStillAValidBody() throws Exception {
    Notification n = new Notification("s-1", "pager", Instant.EPOCH, List.of(), Optional.of("5 held back"),
        Optional.empty());
    JsonNode body = new ObjectMapper().readTree(WebhookMessage.json(n));
    assertThat(body.get("summary").asText()).isEqualTo("5 held back");
    assertThat(body.get("alerts").size()).isZero();
    assertThat(body.get("severity").asText()).isEqualTo("INFO");
    assertThat(body.get("dashboardUrl").isNull()).isTrue();
  }
}
