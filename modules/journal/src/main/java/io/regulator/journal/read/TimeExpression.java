package io.regulator.journal.read;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time as a user types it for {@code --since} / {@code --until} (and the HTTP API's
 * {@code since=}): an ISO instant or offset date-time, a local date-time or date, a time ago
 * ({@code 30m}, {@code 1h30m}, {@code 2d}, {@code 1w}, optionally followed by {@code ago}), or
 * {@code now}, {@code today}, {@code yesterday} (midnight, local time).
 */
public final class TimeExpression {

  private static final Pattern AGO = Pattern.compile("(?:(\\d+)(ms|s|m|h|d|w))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

  private TimeExpression() {}

  /**
   * @param zone for local dates and times, {@code today} and {@code yesterday}
   * @throws IllegalArgumentException with the forms it accepts
   */
  public static Instant parse(String typed, Instant now, ZoneId zone) {
    String text = typed.trim().toLowerCase(Locale.ROOT);
    switch (text) {
      case "now":
        return now;
      case "today":
        return LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
      case "yesterday":
        return LocalDate.ofInstant(now, zone).minusDays(1).atStartOfDay(zone).toInstant();
      default:
        break;
    }
    String ago = text.endsWith(" ago") ? text.substring(0, text.length() - 4).trim()
        : text.startsWith("-") ? text.substring(1) : text;
    if (AGO.matcher(ago).matches()) {
      return now.minus(duration(ago));
    }
    String iso = typed.trim().replace(' ', 'T');
    try {
      return OffsetDateTime.parse(iso).toInstant();
    } catch (DateTimeParseException notOffset) {
      // next form
    }
    try {
      return LocalDateTime.parse(iso).atZone(zone).toInstant();
    } catch (DateTimeParseException notLocal) {
      // next form
    }
    try {
      return LocalDate.parse(iso).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException notDate) {
      throw new IllegalArgumentException("cannot read the time '" + typed + "': use an ISO time"
          + " (2024-05-01T10:00:00Z, 2024-05-01 10:00, 2024-05-01), a time ago (30m, 1h30m, 2d, 1w)"
          + " or now, today, yesterday");
    }
  }

  private static Duration duration(String text) {
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofDays(7 * n);
      });
    }
    return total;
  }
}
