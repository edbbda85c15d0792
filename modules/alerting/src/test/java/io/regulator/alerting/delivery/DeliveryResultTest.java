package io.regulator.alerting.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.UnaryOperator;
import org.apache.pekko.pattern.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

/** Which answer means what: the outbox's whole policy on HTTP status codes. */
class DeliveryResultTest {

  static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  static DeliveryResult answer(int status) {
    return DeliveryResult.of(status, Optional.empty(), "", "Slack", NOW);
  }

  @Test
  void twoHundredsAreDelivered() {
    assertThat(answer(200)).isEqualTo(new DeliveryResult.Delivered(200));
    assertThat(answer(204)).isInstanceOf(DeliveryResult.Delivered.class);
  }

  @Test
  void tooManyRequestsWaitsRetryAfterAndIsNoBreakerFailure() {
    DeliveryResult r = DeliveryResult.of(429, Optional.of("7"), "rate_limited", "Slack", NOW);
    assertThat(r).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
      assertThat(retry.retryAfter()).contains(Duration.ofSeconds(7));
      assertThat(retry.breakerFailure()).isFalse();
      assertThat(retry.reason()).contains("429").contains("rate_limited");
    });
  }

  @Test
  void serverErrorsRetryAndCountForTheBreaker() {
    for (int status : new int[] {500, 502, 503, 504, 408, 425}) {
      assertThat(answer(status)).as("HTTP %d", status).isInstanceOfSatisfying(DeliveryResult.Retry.class,
          r -> assertThat(r.breakerFailure()).isTrue());
    }
    DeliveryResult unavailable = DeliveryResult.of(503, Optional.of("3"), "", "Slack", NOW);
    assertThat(((DeliveryResult.Retry) unavailable).retryAfter()).contains(Duration.ofSeconds(3));
  }

  @Test
  void badRequestFailsTheMessage() {
    DeliveryResult r = DeliveryResult.of(400, Optional.empty(), "invalid_payload\nmore", "Slack", NOW);
    assertThat(r).isInstanceOfSatisfying(DeliveryResult.Rejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo(
            "Slack answered HTTP 400 (invalid_payload): the message was refused and will not be sent again"));
    assertThat(answer(413)).isInstanceOf(DeliveryResult.Rejected.class);
    assertThat(answer(422)).isInstanceOf(DeliveryResult.Rejected.class);
  }

  @Test
  void goneOrForbiddenDisablesTheReceiver() {
    for (int status : new int[] {401, 403, 404, 410, 301, 302, 307}) {
      assertThat(answer(status)).as("HTTP %d", status).isInstanceOf(DeliveryResult.ReceiverGone.class);
    }
    assertThat(((DeliveryResult.ReceiverGone) DeliveryResult.of(404, Optional.empty(), "no_service", "Slack", NOW))
        .reason()).startsWith("Slack answered HTTP 404 (no_service): the endpoint does not exist");
  }

  @Test
  void errorsWithoutAnswerRetry() {
    UnaryOperator<String> same = s -> s;
    assertThat(DeliveryResult.ofError(new CompletionException(new HttpTimeoutException("timed out")),
        Duration.ofSeconds(5), same)).isEqualTo(new DeliveryResult.Retry("no answer within 5000 ms",
            Optional.empty(), true));
    assertThat(DeliveryResult.ofError(new ConnectException(), Duration.ofSeconds(5), same))
        .isEqualTo(new DeliveryResult.Retry("cannot connect", Optional.empty(), true));
    assertThat(DeliveryResult.ofError(new CircuitBreakerOpenException(FiniteDuration.create(3, "s"), "open"),
        Duration.ofSeconds(5), same)).isEqualTo(new DeliveryResult.BreakerOpen(Duration.ofSeconds(3)));
  }
}
