package io.regulator.alerting.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** HTTP's {@code Retry-After} header (RFC 9110 §10.2.3): a number of seconds or an HTTP date. */
public final class RetryAfter {

  private RetryAfter() {}

  /**
   * How long to wait from {@code now}: zero for a date in the past, empty when the value is neither
   * form (then the usual backoff applies).
   */
  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException e) {
        return Optional.of(Duration.ofSeconds(Long.MAX_VALUE)); // absurdly large: capped by max-retry-after
      }
    }
    try {
      // IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", the form servers send
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
