package io.regulator.alerting.delivery;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.pattern.CircuitBreakerOpenException;

/**
 * What one delivery attempt came to, and so what the {@link Outbox} does next. {@link #of} and
 * {@link #ofError} are the whole policy of which answer means what (pure, unit-tested):
 *
 * <ul>
 *   <li>2xx: delivered.
 *   <li>429: retry after {@code Retry-After} (or the backoff); not a failure for the circuit
 *       breaker, the endpoint is up and said when.
 *   <li>5xx, 408, 425, no answer, connection refused: retry with backoff (or {@code Retry-After});
 *       counts towards the circuit breaker.
 *   <li>401, 403, 404, 410 and redirects: the endpoint is gone or refuses us; no later message
 *       would fare better, so the receiver is disabled (queued messages are kept) and a CRITICAL
 *       raised. 401 and 3xx are added to the 403/404/410 of the design for the same reason.
 *   <li>Any other 4xx (400, 413, 422, ...): this message is bad; it is marked failed and the next
 *       one goes.
 * </ul>
 */
public sealed interface DeliveryResult {

  /** Whether the circuit breaker counts this as a failure of the endpoint. */
  default boolean breakerFailure() {
    return false;
  }

  /** The endpoint took it. */
  record Delivered(int status) implements DeliveryResult {}

  /** Try the same message again after {@code retryAfter} if the endpoint said so, else after the backoff. */
  record Retry(String reason, Optional<Duration> retryAfter, boolean breakerFailure) implements DeliveryResult {}

  /** This message will never be accepted: mark it failed and go on with the next. */
  record Rejected(String reason) implements DeliveryResult {}

  /** The endpoint is gone or refuses us: disable the receiver until its config changes or it is enabled. */
  record ReceiverGone(String reason) implements DeliveryResult {}

  /** Not sent: the circuit breaker is open for {@code remaining}. */
  record BreakerOpen(Duration remaining) implements DeliveryResult {}

  /**
   * The meaning of an HTTP answer.
   *
   * @param retryAfter the {@code Retry-After} header, if any
   * @param body the start of the response body (Slack says why in it: {@code invalid_payload},
   *     {@code no_service}, {@code channel_is_archived}, ...)
   * @param service what the endpoint is in words, for the reason ("Slack")
   */
  static DeliveryResult of(int status, Optional<String> retryAfter, String body, String service, Instant now) {
    if (status >= 200 && status < 300) {
      return new Delivered(status);
    }
    String why = service + " answered HTTP " + status + excerpt(body);
    Optional<Duration> wait = retryAfter.flatMap(v -> RetryAfter.parse(v, now));
    if (status == 429) {
      return new Retry(why, wait, false);
    }
    if (status >= 500 || status == 408 || status == 425) {
      return new Retry(why, wait, true);
    }
    if (status == 401 || status == 403) {
      return new ReceiverGone(why + ": the endpoint refuses us (revoked or wrong credentials)");
    }
    if (status == 404 || status == 410) {
      return new ReceiverGone(why + ": the endpoint does not exist (removed, archived or a wrong URL)");
    }
    if (status >= 300 && status < 400) {
      return new ReceiverGone(why + ": the endpoint moved; point the URL at its new location");
    }
    return new Rejected(why + ": the message was refused and will not be sent again");
  }

  /**
   * The meaning of a request that got no answer.
   *
   * @param scrub removes the URL from exception messages
   */
  static DeliveryResult ofError(Throwable error, Duration timeout, java.util.function.UnaryOperator<String> scrub) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof CircuitBreakerOpenException open) {
      return new BreakerOpen(Duration.ofNanos(Math.max(0, open.remainingDuration().toNanos())));
    }
    if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
      return new Retry("no answer within " + timeout.toMillis() + " ms", Optional.empty(), true);
    }
    if (e instanceof ConnectException) {
      return new Retry("cannot connect" + detail(e, scrub), Optional.empty(), true);
    }
    if (e instanceof IOException) {
      return new Retry(e.getClass().getSimpleName() + detail(e, scrub), Optional.empty(), true);
    }
    return new Retry("request failed: " + e.getClass().getSimpleName() + detail(e, scrub), Optional.empty(), true);
  }

  private static String detail(Throwable e, java.util.function.UnaryOperator<String> scrub) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? "" : ": " + scrub.apply(m);
  }

  /** The first line of the body, short, for the reason. */
  private static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String line = body.strip().lines().findFirst().orElse("").strip();
    if (line.length() > 200) {
      line = line.substring(0, 200) + "…";
    }
    return " (" + line + ")";
  }
}
