package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Webhook URLs and header values are secrets: nothing Regulator prints may contain them. */
class RedactionTest {

  static final String SECRET = "T0001/B0002/s3cr3tT0k3n";
  static final String URL = "https://hooks.slack.com/services/" + SECRET;

  @Test
  void aUrlShowsSchemeHostAndAHashOnly() {
    WebhookUrl url = WebhookUrl.parse(URL, "k");
    assertThat(url.toString()).isEqualTo(url.redacted()).matches("https://hooks\\.slack\\.com/\\*\\*\\*#[0-9a-f]{8}");
    assertThat(url.uri().toString()).isEqualTo(URL);
    // another URL on the same host is told apart by the hash
    assertThat(WebhookUrl.parse(URL + "x", "k").redacted()).isNotEqualTo(url.redacted());
    assertThat(WebhookUrl.parse("http://127.0.0.1:8080/hook?token=abc", "k").redacted())
        .startsWith("http://127.0.0.1:8080/***#");
  }

  @Test
  void scrubRemovesTheUrlAndItsPartsFromAnyText() {
    WebhookUrl url = WebhookUrl.parse("https://user:pw@example.org/hooks/" + SECRET + "?token=abc", "k");
    String scrubbed = url.scrub("failed for https://user:pw@example.org/hooks/" + SECRET + "?token=abc; path /hooks/"
        + SECRET + " query token=abc user user:pw");
    assertThat(scrubbed).doesNotContain(SECRET).doesNotContain("token=abc").doesNotContain("user:pw")
        .contains(url.redacted());
  }

  @Test
  void receiversAndSettingsPrintNoSecret() {
    DeliverySettings settings = Fixtures.settings("""
        receivers {
          ops { type = slack, webhook-url = "%s" }
          pager { type = webhook, url = "%s", headers { Authorization = "Bearer hunter2" } }
        }
        """.formatted(URL, URL));
    String printed = settings.toString() + settings.receivers().get("ops") + settings.receivers().get("pager");
    assertThat(printed).doesNotContain(SECRET).doesNotContain("hunter2").contains("hooks.slack.com/***#")
        .contains("[Authorization]");
  }

  @Test
  void configErrorsDoNotQuoteTheValue() {
    assertThatThrownBy(() -> Fixtures.settings("receivers.ops { type = slack, webhook-url = \"ftp://h/" + SECRET
        + "\" }"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("regulator.alerts.receivers.ops.webhook-url")
        .hasMessageContaining("http:// or https://")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> Fixtures.settings("receivers.ops { type = slack, webhook-url = \"https://h/ "
        + SECRET + "\" }"))
        .isInstanceOf(ConfigException.BadValue.class)
        .hasMessageContaining("not a valid URL")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void errorsOfTheHttpClientAreScrubbed() {
    WebhookUrl url = WebhookUrl.parse(URL, "k");
    DeliveryResult r = DeliveryResult.ofError(new CompletionException(new IOException("cannot reach " + URL)),
        Duration.ofSeconds(5), url::scrub);
    assertThat(((DeliveryResult.Retry) r).reason()).doesNotContain(SECRET).contains(url.redacted());
  }
}
